from odoo import models


class ClientWorkPlanTrigger(models.Model):
    _inherit = "client.work.plan.trigger"

    def _work_plan_launched(self, company, run_ids, today):
        """Open one opportunity per new entry when the plan has a step that
        opens one: in the pipeline of the sales team of the client's
        salesperson (else of the responsible), for the entry's responsible."""
        result = super()._work_plan_launched(company, run_ids, today)
        # sudo: engine step, the caller's rights were checked (sales manager
        # or cron); plans and entries are read as the engine.
        step = self.plan_id.sudo().template_ids.filtered("client_opens_opportunity")[:1]
        if not step:
            return result
        Lead = self.env["crm.lead"].sudo().with_context(active_test=False)
        runs = self.env["client.work.plan.run"].sudo().browse(run_ids)
        opened = Lead.search([("work_plan_run_id", "in", runs.ids)]).work_plan_run_id
        values = []
        for run in runs - opened:
            partner = run.partner_id
            team = partner.user_id.sale_team_id or run.user_id.sale_team_id
            values.append(
                {
                    "name": step.client_opportunity_name
                    or self.env._(
                        "%(plan)s: %(client)s",
                        plan=run.plan_id.name,
                        client=partner.name,
                    ),
                    "type": "opportunity",
                    "partner_id": partner.id,
                    "user_id": run.user_id.id,
                    "team_id": team.id,
                    "company_id": company.id,
                    "work_plan_run_id": run.id,
                }
            )
        Lead.with_context(mail_create_nosubscribe=True).with_company(company).create(
            values
        )
        return result
