import datetime

from freezegun import freeze_time

from odoo import Command, fields
from odoo.tests import tagged

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

from .common import AssertValidationMixin


@tagged("post_install", "-at_install")
@freeze_time("2026-06-30")
class TestPurchaseFrequency(AssertValidationMixin, AccountTestInvoicingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.company_data["company"]
        cls.segment_profile = cls.company.segment_profile_ids
        cls.segment_profile.write(
            {"segment_window_months": 12, "segment_frequency_regular_min": 3}
        )
        cls.Partner = cls.env["res.partner"]
        cls.category_a = cls.env["product.category"].create({"name": "Coffee"})
        cls.category_b = cls.env["product.category"].create({"name": "Tea"})
        cls.coffee = cls.env["product.product"].create(
            {"name": "Beans", "categ_id": cls.category_a.id}
        )
        cls.tea = cls.env["product.product"].create(
            {"name": "Green Tea", "categ_id": cls.category_b.id}
        )

    @classmethod
    def _invoices(cls, specs):
        values = []
        for partner, days_ago, amount, *rest in specs:
            product = rest[0] if rest else cls.coffee
            move_type = rest[1] if len(rest) > 1 else "out_invoice"
            values.append(
                {
                    "move_type": move_type,
                    "partner_id": partner.id,
                    "invoice_date": fields.Date.today()
                    - datetime.timedelta(days=days_ago),
                    "invoice_payment_term_id": rest[2].id if len(rest) > 2 else False,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "product_id": product.id,
                                "quantity": 1,
                                "price_unit": amount,
                                "tax_ids": [Command.clear()],
                            }
                        )
                    ],
                }
            )
        moves = cls.env["account.move"].create(values)
        moves.action_post()
        return moves

    def _recompute(self):
        self.env["client.segment.engine"].recompute(self.company)

    def _client(self, name):
        return self.Partner.create({"name": name, "is_company": True})

    def test_frequency_classes(self):
        one, two, three, old, none = (
            self._client(n) for n in ("One", "Two", "Three", "Old", "None")
        )
        contact = self.Partner.create({"name": "Buyer", "parent_id": three.id})
        self._invoices(
            [
                (one, 10, 100),
                (one, 400, 100),  # outside the 12-month window
                (two, 10, 100),
                (two, 364, 100),  # last day inside the window
                (two, 20, 50, self.coffee, "out_refund"),  # not a purchase
                (three, 1, 100),
                (three, 2, 100),
                (contact, 3, 100),  # a contact's purchase is the client's
                (old, 500, 100),
            ]
        )
        self._recompute()
        self.assertEqual(one.purchase_frequency, "one_off")
        self.assertEqual(two.purchase_frequency, "rare")
        self.assertEqual(three.purchase_frequency, "regular")
        self.assertEqual(contact.purchase_frequency, "regular")
        self.assertFalse(old.purchase_frequency)
        self.assertFalse(none.purchase_frequency)
        self.assertEqual(
            self.Partner.search(
                [("purchase_frequency", "=", "regular"), ("id", "in", [three.id])]
            ),
            three,
        )
        # a stricter threshold moves the regular client to rare
        self.segment_profile.segment_frequency_regular_min = 4
        self._recompute()
        self.assertEqual(three.purchase_frequency, "rare")
        self.segment_profile.segment_frequency_regular_min = 2
        self._recompute()
        self.assertEqual(two.purchase_frequency, "regular")

    def test_frequency_threshold_validation(self):
        for value in (1, 0, -2):
            with self._assert_validation("Regular From.*from 2 to"):
                self.segment_profile.segment_frequency_regular_min = value
        self.assertEqual(self.segment_profile.segment_frequency_regular_min, 3)

    def test_preferences_and_current_order(self):
        client = self._client("Cafe")
        term = self.env.ref("account.account_payment_term_30days")
        invoices = self._invoices(
            [
                (client, 5, 100, self.coffee, "out_invoice", term),
                (client, 4, 300, self.tea, "out_invoice", term),
                (client, 3, 50, self.coffee),
            ]
        )
        client.invalidate_recordset()
        self.assertEqual(
            client.top_product_category_ids.ids,
            [self.category_b.id, self.category_a.id],
        )
        self.assertEqual(client.usual_payment_term_id, term)
        latest = invoices.sorted("id")[-1]
        self.assertEqual(
            client.current_order_stage, f"Invoice {latest.name} (Not Paid)"
        )
