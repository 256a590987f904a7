from markupsafe import Markup

from odoo import models
from odoo.tools import format_date, formatLang


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
        # the client's figures in the entry's company, read as the engine
        partners = runs.partner_id.with_company(company)
        for run in runs - opened:
            partner = partners.browse(run.partner_id.id)
            team = partner.user_id.sale_team_id or run.user_id.sale_team_id
            title = step.client_opportunity_name or run.plan_id.name
            values.append(
                {
                    "name": self.env._(
                        "%(title)s: %(client)s", title=title, client=partner.name
                    ),
                    "type": "opportunity",
                    "partner_id": partner.id,
                    "user_id": run.user_id.id,
                    "team_id": team.id,
                    "company_id": company.id,
                    "work_plan_run_id": run.id,
                    # what a purchase of this client usually brings
                    "expected_revenue": partner.segment_purchase_average or 0.0,
                    "description": self._opportunity_description(run, partner),
                }
            )
        Lead.with_context(mail_create_nosubscribe=True).with_company(company).create(
            values
        )
        return result

    def _opportunity_description(self, run, partner):
        """What the salesperson needs on the opportunity: why the client is
        there (the trigger and segment), its value and its last purchase."""
        Partner = self.env["res.partner"]

        def label(name):
            value = partner[name]
            selection = dict(Partner._fields[name]._description_selection(self.env))
            return selection.get(value, "") if value else ""

        currency = partner.segment_currency_id or run.company_id.currency_id
        lines = [
            (self.env._("Work plan"), run.trigger_id.display_name),
            (self.env._("ABC class"), label("abc_class") or self.env._("none")),
            (self.env._("Purchase recency"), label("recency_segment")),
            (self.env._("Funnel stage"), partner.funnel_stage_id.name or ""),
            (
                self.env._("Revenue in window"),
                formatLang(
                    self.env,
                    partner.segment_revenue_window or 0.0,
                    currency_obj=currency,
                ),
            ),
            (
                self.env._("Lifetime revenue"),
                formatLang(
                    self.env,
                    partner.segment_revenue_total or 0.0,
                    currency_obj=currency,
                ),
            ),
            (self.env._("Purchases"), str(partner.segment_purchase_count or 0)),
            (
                self.env._("Last purchase"),
                format_date(self.env, partner.segment_last_purchase_date)
                or self.env._("never"),
            ),
        ]
        return Markup("<ul>%s</ul>") % Markup().join(
            Markup("<li><b>%s</b>: %s</li>") % (name, value) for name, value in lines
        )
