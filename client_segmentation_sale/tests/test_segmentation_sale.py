import datetime

from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from odoo.addons.client_segmentation.tests.common import SegmentationCase


@tagged("post_install", "-at_install", "client_segmentation_bridge")
class TestSegmentationSaleSource(SegmentationCase):
    """Revenue from confirmed sales orders (scripts/test-bridges.sh runs it
    with Sales alone and with Point of Sale too)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.segment_profile.segment_revenue_source = "sale"
        cls.product = cls.env["product.product"].create(
            {"name": "Segment product", "list_price": 100.0, "taxes_id": []}
        )
        cls.euro = cls.setup_other_currency("EUR", rates=[("2016-01-01", 2.0)])
        cls.euro_pricelist = cls.env["product.pricelist"].create(
            {"name": "EUR", "currency_id": cls.euro.id}
        )

    def _order(self, partner, day, amount, confirm=True, pricelist=None):
        with freeze_time(day):
            values = {
                "partner_id": partner.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": self.product.id,
                            "product_uom_qty": 1,
                            "price_unit": amount,
                            "tax_id": [Command.clear()],
                        }
                    )
                ],
            }
            if pricelist:
                values["pricelist_id"] = pricelist.id
            order = self.env["sale.order"].create(values)
            if confirm:
                order.action_confirm()
        return order

    @freeze_time("2026-06-30")
    def test_confirmed_orders_rank_and_date_clients(self):
        big, small, euro = (self._client(n) for n in ("Big", "Small", "Euro"))
        contact = self.Partner.create({"name": "Buyer", "parent_id": small.id})
        today = datetime.date(2026, 6, 30)
        self._order(big, today - datetime.timedelta(days=10), 8000)
        self._order(contact, today - datetime.timedelta(days=40), 1000)
        self._order(small, today - datetime.timedelta(days=200), 500)
        # draft quotation and cancelled order never count
        quotation = self._order(
            small, today - datetime.timedelta(days=1), 9000, confirm=False
        )
        cancelled = self._order(small, today - datetime.timedelta(days=2), 9000)
        cancelled._action_cancel()
        # 2000 EUR at 2 EUR per company unit = 1000 in the company currency
        self._order(
            euro,
            today - datetime.timedelta(days=3),
            2000,
            pricelist=self.euro_pricelist,
        )
        self._recompute()
        self.assertAlmostEqual(big.segment_revenue_window, 8000.0)
        self.assertAlmostEqual(small.segment_revenue_window, 1500.0)
        self.assertAlmostEqual(euro.segment_revenue_window, 1000.0, places=2)
        self.assertEqual(small.segment_purchase_count, 2)
        self.assertEqual(small.recency_segment, "warm")
        self.assertEqual(big.recency_segment, "hot")
        # 8000 / 10500: share before small = 76 % -> B; before euro ~ 90 % -> B
        self.assertEqual(
            (big.abc_class, small.abc_class, euro.abc_class), ("a", "b", "b")
        )
        self.assertEqual(contact.abc_class, "b")
        # purchase frequency counts confirmed orders in the window
        self.assertEqual(big.purchase_frequency, "one_off")
        self.assertEqual(small.purchase_frequency, "rare")
        self.assertEqual(self._recompute()["written"], 0)
        # the client card shows the open quotation as the current order
        # and says what the document is
        self.assertEqual(small.current_order_stage, f"Quotation {quotation.name}")
        self.assertEqual(contact.current_order_stage, small.current_order_stage)

    @freeze_time("2026-06-30")
    def test_rhythm_and_history_from_orders(self):
        """Three purchase days make a buying rhythm; a later run records
        the moves in the history, as with invoices."""
        self._check_rhythm_and_history(self._order)

    def test_source_offered_with_the_app(self):
        Profile = self.env["client.segmentation.profile"]
        values = dict(Profile._fields["segment_revenue_source"].selection)
        self.assertIn("sale", values)
        self.assertEqual(self.segment_profile.segment_revenue_source, "sale")
        # changing the source makes the next run a full one
        figures = self.segment_profile.figures_version
        self.segment_profile.segment_revenue_source = "invoice"
        self.assertEqual(self.segment_profile.figures_version, figures + 1)
