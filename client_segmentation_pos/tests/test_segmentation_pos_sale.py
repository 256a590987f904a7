import datetime

from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from .common import PosSegmentationCase

day = datetime.date


@tagged("post_install", "-at_install", "client_segmentation_bridges_both")
@freeze_time("2026-06-30")
class TestSegmentationPosWithSales(PosSegmentationCase):
    """Both bridge modules installed (Sales and Point of Sale): the four
    sources side by side, each reading its own documents."""

    def test_each_source_reads_its_own_documents(self):
        Profile = self.env["client.segmentation.profile"]
        sources = dict(Profile._fields["segment_revenue_source"].selection)
        self.assertEqual(set(sources), {"invoice", "sale", "pos", "invoice_pos"})
        client = self._client("Everywhere")
        with freeze_time("2026-06-05"):
            order = self.env["sale.order"].create(
                {
                    "partner_id": client.id,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": self.pos_product.id,
                                "product_uom_qty": 1,
                                "price_unit": 500,
                                "tax_id": [Command.clear()],
                            }
                        )
                    ],
                }
            )
            order.action_confirm()
        self._pos_order(client, day(2026, 6, 10), 70)
        self._invoices([(client, day(2026, 6, 15), 1000)])
        expected = {
            "sale": (500.0, 1, day(2026, 6, 5)),
            "pos": (70.0, 1, day(2026, 6, 10)),
            "invoice_pos": (1070.0, 2, day(2026, 6, 15)),
            "invoice": (1000.0, 1, day(2026, 6, 15)),
        }
        for source, figures in expected.items():
            with self.subTest(source=source):
                self.segment_profile.segment_revenue_source = source
                self._recompute()
                self.assertEqual(
                    (
                        client.segment_revenue_window,
                        client.segment_purchase_count,
                        client.segment_last_purchase_date,
                    ),
                    figures,
                )
        # the client card shows the open sales order whatever the source
        self.assertEqual(
            client.current_order_stage, f"Sales order {order.name}, to invoice"
        )
