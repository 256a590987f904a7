from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from odoo.addons.client_segmentation.tests.temperature_common import TemperatureCase


# The open quotations' interest signal comes with the Sales bridge
# (models/client_funnel_engine.py); scripts/test-bridges.sh runs it.
@tagged("post_install", "-at_install", "client_segmentation_bridge")
@freeze_time("2026-06-30")
class TestTemperatureQuotation(TemperatureCase):
    def _quotation(self, partner, **values):
        product = self.env["product.product"].create({"name": "Offer"})
        return self.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "company_id": self.company.id,
                "order_line": [Command.create({"product_id": product.id})],
                **values,
            }
        )

    def test_open_quotation_makes_hot_until_expired_or_cancelled(self):
        quotation = self._quotation(self.top, validity_date="2026-07-10")
        expired = self._quotation(self.prospect, validity_date="2026-06-29")
        self._recompute()
        self.assertEqual(self.top.recency_segment, "sleeping")
        self.assertEqual(self.top.temperature, "hot")
        self.assertEqual(self._pure(self.top), "hot")
        self.assertEqual(self.prospect.temperature, "cold")
        expired.validity_date = "2026-07-05"
        quotation.action_cancel()
        self.env.flush_all()
        self._recompute()
        self.assertEqual(self.top.temperature, "cold")
        self.assertEqual(self.prospect.temperature, "hot")
        with freeze_time("2026-07-06"):  # the quotation expired yesterday
            self._recompute()
            self.prospect.invalidate_recordset(["temperature"])
            self.assertEqual(self.prospect.temperature, "cold")
