from odoo import api, fields, models
from odoo.exceptions import AccessError


class ClientDemoData(models.AbstractModel):
    """The demo with CRM: the first step of the sleeping clients' plan opens
    an opportunity, so that the work plans fill the pipeline."""

    _inherit = "client.demo.data"

    @api.model
    def _demo_before_work_plans(self, company, triggers):
        result = super()._demo_before_work_plans(company, triggers)
        self._demo_opportunity_step(triggers)
        return result

    @api.model
    def _demo_opportunity_step(self, triggers):
        """The first step of the plans of the sleeping clients' triggers
        opens an opportunity."""
        plans = triggers.filtered(lambda trigger: trigger.value == "sleeping").plan_id
        for plan in plans:
            plan.template_ids[:1].write(
                {
                    "client_opens_opportunity": True,
                    "client_opportunity_name": self.env._("Win back"),
                }
            )

    @api.model
    def _demo_opportunities(self, company=None):
        """CRM installed after the demo: the step, and the opportunities of
        the entries running in the sleeping clients' plans, through the
        triggers' own launch hook (once per entry)."""
        if not self.env.is_superuser():
            raise AccessError(self.env._("Only the installer writes demo data."))
        company = company or self.env.company
        today = fields.Date.context_today(self.with_company(company))
        triggers = (
            self.env["client.work.plan.trigger"]
            .with_context(active_test=False)
            .search([("company_id", "=", company.id)])
        )
        self._demo_opportunity_step(triggers)
        Run = self.env["client.work.plan.run"]
        for trigger in triggers.filtered(lambda trigger: trigger.value == "sleeping"):
            runs = Run.search(
                [("trigger_id", "=", trigger.id), ("state", "=", "running")]
            )
            if runs:
                trigger._work_plan_launched(company, runs.ids, today)

    @api.model
    def _demo_counts(self, company=None):
        company = company or self.env.company
        opportunities = self.env["crm.lead"].search_count(
            [("company_id", "=", company.id), ("work_plan_run_id", "!=", False)]
        )
        return super()._demo_counts(company) + [
            ("opportunities from work plans", opportunities)
        ]
