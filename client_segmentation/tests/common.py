import datetime
from contextlib import contextmanager

from odoo import Command, fields
from odoo.exceptions import ValidationError
from odoo.tests import new_test_user

from odoo.addons.account.tests.common import AccountTestInvoicingCommon


class AssertValidationMixin:
    @contextmanager
    def _assert_validation(self, pattern):
        """assertRaises (which rolls the savepoint back, unlike
        assertRaisesRegex) plus a check of the message."""
        with self.assertRaises(ValidationError) as caught:
            yield caught
        self.assertRegex(str(caught.exception), pattern)


class SegmentationCase(AccountTestInvoicingCommon):
    """Accounting-ready companies and fast invoice helpers; no demo data."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.company_data["company"]
        cls.company.write(
            {
                "segment_abc_a_share": 75.0,
                "segment_abc_b_share": 20.0,
                "segment_window_months": 12,
                "segment_recency_hot_days": 30,
                "segment_recency_warm_days": 120,
            }
        )
        cls.Partner = cls.env["res.partner"]
        cls.salesman = new_test_user(
            cls.env,
            login="cs_salesman",
            groups="sales_team.group_sale_salesman,base.group_partner_manager",
            company_id=cls.company.id,
        )
        cls.sales_manager = new_test_user(
            cls.env,
            login="cs_sales_manager",
            groups="sales_team.group_sale_manager,base.group_partner_manager",
            company_id=cls.company.id,
        )

    @classmethod
    def _client(cls, name, **values):
        return cls.Partner.create({"name": name, "is_company": True, **values})

    @classmethod
    def _invoice_values(cls, partner, day, amount, move_type, currency):
        values = {
            "move_type": move_type,
            "partner_id": partner.id,
            "invoice_date": day,
            "invoice_line_ids": [
                Command.create(
                    {
                        "name": "Segment test line",
                        "quantity": 1,
                        "price_unit": amount,
                        "tax_ids": [Command.clear()],
                    }
                )
            ],
        }
        if currency:
            values["currency_id"] = currency.id
        return values

    @classmethod
    def _invoices(cls, specs, company=None, post=True):
        """Create (and post) invoices from ``(partner, day, amount)`` or
        ``(partner, day, amount, move_type)`` tuples in one create()."""
        company = company or cls.company
        values = []
        for spec in specs:
            partner, day, amount, *rest = spec
            move_type = rest[0] if rest else "out_invoice"
            currency = rest[1] if len(rest) > 1 else None
            values.append(
                cls._invoice_values(partner, day, amount, move_type, currency)
            )
        moves = cls.env["account.move"].with_company(company).create(values)
        if post:
            moves.action_post()
        return moves

    @staticmethod
    def _days_ago(days):
        return fields.Date.today() - datetime.timedelta(days=days)

    def _recompute(self, company=None):
        return self.env["res.partner"]._segment_recompute(company or self.company)
