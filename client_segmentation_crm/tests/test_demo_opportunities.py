from odoo.tests import tagged

from odoo.addons.client_segmentation.tests.demo_common import DemoCase


@tagged("post_install", "-at_install", "client_segmentation_glue")
class TestDemoOpportunities(DemoCase):
    """With CRM, the demo's sleeping clients' plan opens opportunities."""

    def test_work_plans_open_opportunities(self):
        self.assertGreater(self.counts["opportunities from work plans"], 0)
        leads = self.env["crm.lead"].search(
            [("company_id", "=", self.company.id), ("work_plan_run_id", "!=", False)]
        )
        self.assertEqual(
            set(leads.work_plan_run_id.trigger_id.mapped("value")), {"sleeping"}
        )
        self.assertEqual(leads.partner_id, leads.work_plan_run_id.partner_id)

    def test_crm_after_the_demo(self):
        """CRM installed after the demo: the running entries get theirs, once."""
        Lead = self.env["crm.lead"]
        domain = [("work_plan_run_id", "!=", False)]
        Lead.search(domain).unlink()
        self.Demo._demo_opportunities(self.company)
        count = Lead.search_count(domain)
        self.assertGreater(count, 0)
        self.Demo._demo_opportunities(self.company)
        self.assertEqual(Lead.search_count(domain), count)
