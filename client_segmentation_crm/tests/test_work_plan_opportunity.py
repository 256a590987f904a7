from freezegun import freeze_time

from odoo.tests import tagged
from odoo.tools import SQL

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

    def _set_figures(self, partner, values):
        """Write the client's company-dependent figures as the engine does."""
        self.env.flush_all()
        for name, value in values.items():
            self.env.cr.execute(
                SQL(
                    """UPDATE res_partner
                          SET %(column)s = COALESCE(%(column)s, '{}'::jsonb)
                              || jsonb_build_object(%(company)s, %(value)s)
                        WHERE id = %(partner)s""",
                    column=SQL.identifier(name),
                    company=str(self.company.id),
                    value=value,
                    partner=partner.id,
                )
            )
        partner.invalidate_recordset()

    def test_opportunity_carries_the_client_figures(self):
        """Named for the step and the client, valued at the client's average
        purchase, described with its segment, revenue and last purchase."""
        self._set_figures(
            self.client,
            {
                "abc_class": "a",
                "segment_revenue_window": 12000.0,
                "segment_purchase_average": 1500.0,
                "segment_purchase_count": 8,
            },
        )
        self._set_last_purchase(self.client, "2025-11-02")
        self._enter(self.client)
        lead = self._leads(self.client)
        self.assertEqual(lead.name, "Reactivate: Sleepy Ltd")
        self.assertEqual(lead.expected_revenue, 1500.0)
        description = str(lead.description)
        for text in ("ABC class</b>: A", "12,000.00", "Purchases</b>: 8", "11/02/2025"):
            self.assertIn(text, description)
        # a step without a title: the plan's name
        self.plan.template_ids[0].client_opportunity_name = False
        other = self._client("Other Sleeper", user_id=self.salesman.id)
        self._enter(other)
        self.assertEqual(self._leads(other).name, f"{self.plan.name}: Other Sleeper")

    def test_step_options_in_the_plan_steps_list(self):
        """The steps of a plan are edited inline: the opportunity options are
        columns of that list."""
        arch = self.env["mail.activity.plan"].get_views(
            [(self.env.ref("mail.mail_activity_plan_view_form_fixed_model").id, "form")]
        )["views"]["form"]["arch"]
        steps = arch[arch.index('name="template_ids"') :]
        self.assertIn('name="client_opens_opportunity"', steps)
        self.assertIn('name="client_opportunity_name"', steps)

    def test_step_opens_one_opportunity_in_the_team_pipeline(self):
        self._enter(self.client)
        lead = self._leads(self.client)
        run = self.Run.search([("partner_id", "=", self.client.id)])
        self.assertRecordValues(
            lead,
            [
                {
                    "name": "Reactivate: Sleepy Ltd",
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
