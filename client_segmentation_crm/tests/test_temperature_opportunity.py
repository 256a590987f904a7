from freezegun import freeze_time

from odoo.tests import tagged

from odoo.addons.client_segmentation.tests.temperature_common import TemperatureCase


@tagged("post_install", "-at_install", "client_segmentation_glue")
@freeze_time("2026-06-30")
class TestTemperatureOpportunity(TemperatureCase):
    def _opportunity(self, partner, **values):
        return self.env["crm.lead"].create(
            {
                "name": f"Win back {partner.name}",
                "type": "opportunity",
                "partner_id": partner.id,
                "company_id": self.company.id,
                **values,
            }
        )

    def test_sleeping_a_client_with_open_opportunity_is_hot(self):
        contact = self.Partner.create({"name": "Buyer", "parent_id": self.top.id})
        self._opportunity(contact)
        self._recompute()
        self.assertEqual(self.top.recency_segment, "sleeping")
        self.assertEqual(self.top.temperature, "hot")
        self.assertEqual(self._pure(self.top), "hot")

    def test_lead_is_warm_and_other_company_ignored(self):
        self._opportunity(self.top, type="lead")
        other = self.env["res.company"].create({"name": "Other Company"})
        self._opportunity(self.prospect, company_id=other.id)
        self._recompute()
        self.assertEqual(self.top.temperature, "warm")
        self.assertEqual(self.prospect.temperature, "cold")

    def test_won_or_lost_opportunity_reaches_the_next_incremental_run(self):
        won = self._opportunity(self.top)
        lost = self._opportunity(self.prospect)
        self._recompute()
        self.assertEqual(
            (self.top.temperature, self.prospect.temperature), ("hot",) * 2
        )
        won.action_set_won()
        lost.action_set_lost()
        self.env.flush_all()
        result = self._recompute()
        self.assertTrue(result["companies"][0]["incremental"])
        self.assertEqual(
            (self.top.temperature, self.prospect.temperature), ("cold", "cold")
        )
        # a new opportunity on an untouched client: the next run sees it
        self._opportunity(self.prospect)
        self.env.flush_all()
        self._recompute()
        self.assertEqual(self.prospect.temperature, "hot")
