import datetime

from freezegun import freeze_time

from odoo.tests import tagged

from .common import PosSegmentationCase

day = datetime.date


@tagged("post_install", "-at_install", "client_segmentation_bridge")
@freeze_time("2026-06-30")
class TestSegmentationPosSource(PosSegmentationCase):
    """Revenue from paid Point of Sale orders of known customers, alone and
    with the invoices (scripts/test-bridges.sh runs it with Point of Sale
    alone and with Sales too)."""

    def _use(self, source):
        self.segment_profile.segment_revenue_source = source

    def _figures(self, partner):
        return (
            partner.segment_revenue_window,
            partner.segment_purchase_count,
            partner.segment_last_purchase_date,
        )

    def test_paid_order_of_known_customer_makes_a_buyer(self):
        self._use("pos")
        shop, other, contact_co = (
            self._client(name) for name in ("Shop Client", "Other", "Firm")
        )
        contact = self.Partner.create({"name": "Buyer", "parent_id": contact_co.id})
        self._pos_order(shop, day(2026, 6, 20), 300)
        self._pos_order(shop, day(2026, 3, 1), 100)
        self._pos_order(contact, day(2026, 6, 1), 50)
        # an order not paid yet, an anonymous one and an invoice do not count
        self._pos_order(other, day(2026, 6, 25), 999, pay=False)
        self._pos_order(False, day(2026, 6, 25), 999)
        self._invoices([(other, day(2026, 6, 25), 500)])
        # another company's shop sells to the same client
        company2 = self.setup_other_company(name="Shop Co 2")
        company2["company"].segment_profile_ids.segment_revenue_source = "pos"
        shop2 = self._shop(company2)
        self._pos_order(shop, day(2026, 6, 26), 700, shop=shop2)
        self._recompute()
        self.assertEqual(self._figures(shop), (400.0, 2, day(2026, 6, 20)))
        self.assertEqual(self._figures(contact_co), (50.0, 1, day(2026, 6, 1)))
        self.assertEqual(contact.abc_class, contact_co.abc_class)
        self.assertFalse(other.segment_purchase_count)
        self.assertFalse(other.abc_class)
        self.assertEqual((shop.abc_class, shop.recency_segment), ("a", "hot"))
        self.assertEqual(shop.purchase_frequency, "rare")
        # the other company's figures come from its own shop only
        self._recompute(company2["company"])
        shop2_view = shop.with_company(company2["company"])
        self.assertEqual(shop2_view.segment_revenue_window, 700.0)
        self.assertEqual(shop.segment_revenue_window, 400.0)
        # nothing changed: a rerun writes nothing
        self.assertEqual(self._recompute()["written"], 0)

    def test_amounts_in_the_company_currency(self):
        """An order in another currency counts at the order's rate, as the
        invoices' signed amounts and the sales orders do."""
        self._use("pos")
        euro = self.setup_other_currency("EUR", rates=[("2016-01-01", 2.0)])
        euro_shop = self._shop(self.company_data, currency=euro)
        client = self._client("Euro Client")
        order = self._pos_order(client, day(2026, 6, 1), 300, shop=euro_shop)
        self.assertEqual(order.currency_id, euro)
        self._recompute()
        # 300 EUR at 2 EUR per company unit
        self.assertAlmostEqual(client.segment_revenue_window, 150.0, places=2)

    def test_refund_orders_count_like_credit_notes(self):
        self._use("pos")
        partial, full = self._client("Partial"), self._client("Full")
        partial_order = self._pos_order(partial, day(2026, 6, 1), 100)
        self._refund(partial_order, day(2026, 6, 5), quantity=0.25)
        full_order = self._pos_order(full, day(2026, 5, 1), 200)
        self._pos_order(full, day(2026, 6, 1), 80)
        self._recompute()
        # a partial refund lowers the revenue, the purchase stays
        self.assertEqual(self._figures(partial), (75.0, 1, day(2026, 6, 1)))
        self.assertEqual(self._figures(full), (280.0, 2, day(2026, 6, 1)))
        # refunded in full, an order is no purchase, like a reversed invoice;
        # the rerun finds the refund (incremental)
        self._refund(full_order, day(2026, 6, 10))
        (run,) = self._recompute()["companies"]
        self.assertTrue(run["incremental"])
        self.assertEqual(self._figures(full), (80.0, 1, day(2026, 6, 1)))
        self.assertEqual(full.purchase_frequency, "one_off")

    def test_invoiced_order_counts_once_with_the_invoices(self):
        self._use("invoice_pos")
        client = self._client("Both Ways")
        self._pos_order(client, day(2026, 6, 1), 100)
        invoiced_later = self._pos_order(client, day(2026, 6, 10), 40)
        self._invoices([(client, day(2026, 6, 20), 1000)])
        self._recompute()
        self.assertEqual(self._figures(client), (1140.0, 3, day(2026, 6, 20)))
        # the customer asks for an invoice of the shop's order later: the
        # order counts once, as its invoice
        invoice = self._invoice(invoiced_later, day(2026, 6, 25))
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(invoice.amount_untaxed_signed, 40.0)
        self._recompute()
        self.assertEqual(client.segment_revenue_window, 1140.0)
        self.assertEqual(client.segment_purchase_count, 3)
        # each source alone: the shop's orders (the invoiced one too), or the
        # invoices (the shop's invoice too)
        self._use("pos")
        self._recompute()
        self.assertEqual(self._figures(client), (140.0, 2, day(2026, 6, 10)))
        self._use("invoice")
        self._recompute()
        self.assertEqual(client.segment_revenue_window, 1040.0)
        self.assertEqual(client.segment_purchase_count, 2)

    def test_rhythm_and_history_from_orders(self):
        """Three purchase days make a buying rhythm; a later run records
        the moves in the history, as with invoices. Two orders on one day
        make one purchase day."""
        self._use("pos")

        def buy(client, date, amount):
            self._pos_order(client, date, amount)
            if date == day(2026, 5, 31):
                self._pos_order(client, date, 10)

        self._check_rhythm_and_history(buy)

    def test_sources_offered_with_the_app(self):
        values = dict(
            self.env["client.segmentation.profile"]
            ._fields["segment_revenue_source"]
            ._description_selection(self.env)
        )
        self.assertEqual(values["pos"], "Point of Sale orders")
        self.assertIn("invoice_pos", values)
        self.assertIn("invoice", values)
