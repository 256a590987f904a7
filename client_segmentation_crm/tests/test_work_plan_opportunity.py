from freezegun import freeze_time

from odoo.tests import tagged

from odoo.addons.client_segmentation.tests.work_plan_common import (
    TODAY,
    WorkPlanCase,
)


@tagged("post_install", "-at_install", "client_segmentation_glue")
@freeze_time(TODAY)
class TestWorkPlanOpportunity(WorkPlanCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plan.template_ids[0].write(
            {
                "client_opens_opportunity": True,
                "client_opportunity_name": "Reactivate",
            }
        )
        cls.env["crm.team.member"].create(
            {"crm_team_id": cls.team.id, "user_id": cls.salesman.id}
        )

    def _leads(self, partner):
        return self.env["crm.lead"].search([("partner_id", "=", partner.id)])

    def test_step_opens_one_opportunity_in_the_team_pipeline(self):
        self._enter(self.client)
        lead = self._leads(self.client)
        run = self.Run.search([("partner_id", "=", self.client.id)])
        self.assertRecordValues(
            lead,
            [
                {
                    "name": "Reactivate",
                    "type": "opportunity",
                    "team_id": self.team.id,
                    "user_id": self.salesman.id,
                    "company_id": self.company.id,
                    "work_plan_run_id": run.id,
                }
            ],
        )
        # once: a rerun, or leaving and coming back the same day, opens none
        self._enter(self.client)
        self._apply([(self.client, "recency", "sleeping", "warm")])
        self._enter(self.client)
        self.assertEqual(len(self._leads(self.client)), 1)
        # a direct second launch of the same entry opens none either
        self.trigger._work_plan_launched(self.company, run.ids, TODAY)
        self.assertEqual(len(self._leads(self.client)), 1)

    def test_no_opportunity_without_such_step(self):
        self.plan.template_ids.client_opens_opportunity = False
        self._enter(self.client)
        self.assertFalse(self._leads(self.client))

    def test_responsible_team_when_the_salesperson_has_none(self):
        self.salesman.crm_team_member_ids.unlink()
        self.trigger.user_id = self.team_member
        self.client.user_id = False
        self._enter(self.client)
        self.assertRecordValues(
            self._leads(self.client),
            [{"team_id": self.team.id, "user_id": self.team_member.id}],
        )
