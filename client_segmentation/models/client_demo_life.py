from collections import defaultdict

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError

from ..tools import demo_data


class ClientDemoData(models.AbstractModel):
    """Two years of life of the demo company: the nights of the past replayed
    through the segment recompute (history and movements), the work plans
    switched on for the last weeks (entries running and cancelled, steps
    planned and done), and the counts that ``scripts/demo.sh`` prints."""

    _inherit = "client.demo.data"

    @api.model
    def _demo_replay_history(self, company=None):
        """Run the recompute of ``company`` (default: the current one) on the
        past dates of :func:`..tools.demo_data.history_days`, then today:
        each run sees only the documents dated up to its day, so that the
        history holds what the nights would have recorded. The work plan
        triggers go on before the weekly runs; today, the sleeping clients
        waiting for their plan get it, and the overdue steps of the older
        entries are done by their responsible."""
        if not self.env.is_superuser():
            raise AccessError(self.env._("Only the installer writes demo data."))
        company = company or self.env.company
        today = fields.Date.context_today(self.with_company(company))
        Engine = self.env["client.segment.engine"]
        Trigger = self.env["client.work.plan.trigger"].with_context(active_test=False)
        monthly, weekly = demo_data.history_days(today)
        # a company recomputed already: only the nights after its last run
        last = company.segment_last_run_date
        monthly = [day for day in monthly if not last or day > last]
        weekly = [day for day in weekly if not last or day > last]
        for day in monthly:
            Engine._recompute(company, today=day)
        if not Trigger.search_count([("company_id", "=", company.id)]):
            Trigger._create_default_triggers(company)
        triggers = Trigger.search([("company_id", "=", company.id)])
        self._demo_before_work_plans(company, triggers)
        triggers.write({"active": True})
        # the clients without a salesperson go to the administrator
        admin = self.env.ref("base.user_admin")
        if company in admin.company_ids:
            triggers.filtered(lambda trigger: not trigger.user_id).user_id = admin
        for day in weekly:
            Engine._recompute(company, today=day)
        Engine._recompute(company)
        sleeping = triggers.filtered(lambda t: t.value == "sleeping")
        for trigger in sleeping:
            trigger.action_start_for_current_clients()
        self._demo_steps_done(company, today)

    @api.model
    def _demo_before_work_plans(self, company, triggers):
        """Hook before the triggers go on (glue modules set up their steps)."""

    @api.model
    def _demo_steps_done(self, company, today):
        """The steps due more than three days ago: two in three are done by
        their responsible (the chatter keeps them), the others stay overdue."""
        Activity = self.env["mail.activity"]
        steps = Activity.search(
            [
                ("work_plan_run_id.company_id", "=", company.id),
                ("date_deadline", "<", today - relativedelta(days=3)),
            ],
            order="id",
        )
        by_user = defaultdict(list)
        for step in steps.filtered(lambda step: step.id % 3):
            by_user[step.user_id].append(step.id)
        for user, ids in by_user.items():
            # sudo: the installer acts as each responsible (the chatter's
            # author), who may not read every record of the batch's clients
            Activity.browse(ids).with_user(user).sudo().action_feedback(
                feedback=self.env._("Done (demo)")
            )

    @api.model
    def _demo_counts(self, company=None):
        """What the demo holds in ``company``: ``[(label, count), ...]``,
        each of which should be non-zero on a fresh demo."""
        company = company or self.env.company
        today = fields.Date.context_today(self.with_company(company))
        month = today.replace(day=1)
        last_month = month - relativedelta(months=1)
        periods = {
            "this month": [("date", ">=", month)],
            "last month": [("date", ">=", last_month), ("date", "<", month)],
        }
        in_company = [("company_id", "=", company.id)]
        History = self.env["client.segment.history"]
        Movement = self.env["client.segment.movement"]
        Run = self.env["client.work.plan.run"]
        Activity = self.env["mail.activity"]
        steps = [("work_plan_run_id.company_id", "=", company.id)]
        counts = [("history rows", History.search_count(in_company))]
        for name, period in periods.items():
            counts += [
                (f"history rows {name}", History.search_count(in_company + period)),
                (f"movements {name}", Movement.search_count(in_company + period)),
            ]
        counts += [
            (
                f"work plan entries {state}",
                Run.search_count(in_company + [("state", "=", state)]),
            )
            for state in ("running", "cancelled")
        ]
        counts += [
            (
                "work plan steps planned",
                Activity.search_count(steps + [("date_deadline", ">=", today)]),
            ),
            (
                "work plan steps overdue",
                Activity.search_count(steps + [("date_deadline", "<", today)]),
            ),
            (
                "activities done",
                self.env["mail.message"].search_count(
                    [
                        ("model", "=", "res.partner"),
                        ("mail_activity_type_id", "!=", False),
                    ]
                ),
            ),
        ]
        Partner = self.env["res.partner"]
        clients = [("customer_rank", ">", 0)]
        counts += [
            ("clients", Partner.search_count(clients)),
            (
                "clients with a phone or e-mail",
                Partner.search_count(
                    clients + ["|", ("phone", "!=", False), ("email", "!=", False)]
                ),
            ),
            (
                "clients with a key date",
                Partner.search_count(clients + [("key_date_ids", "!=", False)]),
            ),
        ]
        demo_user = self.env.ref("base.user_demo", raise_if_not_found=False)
        if demo_user:
            counts.append(
                (
                    f"clients of {demo_user.name}",
                    Partner.search_count(clients + [("user_id", "=", demo_user.id)]),
                )
            )
        return counts
