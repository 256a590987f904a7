import logging
from collections import defaultdict

import psycopg2

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL
from odoo.tools.translate import LazyTranslate

from .. import validation
from ..sqlutil import TempTable
from ..tools import pressure
from .res_partner_segment import RECENCY_SELECTION

_logger = logging.getLogger(__name__)

# Activities created per mail.activity.create() call when a run launches plans
# (rounded down to whole entries: every step of an entry in the same batch).
WORK_PLAN_ACTIVITY_BATCH_SIZE = 5_000
# Activities of cancelled entries deleted per mail.activity.unlink() call.
WORK_PLAN_CANCEL_BATCH_SIZE = 10_000
# A launch of more activities than this (a trigger started for a whole
# segment, a first run after new thresholds) writes them in bulk SQL, the
# rows mail.activity.create() writes and the followers it adds: through the
# ORM, 100,000 clients entering a 5-step plan took 1,452 s on the benchmark
# machine, in bulk 43-137 s (docs/performance.md, "Work plans"). Below it,
# every step goes through mail.activity.create() with other modules'
# overrides. TestPlanActivities shows both paths leave the same records.
WORK_PLAN_BULK_THRESHOLD = 20_000

_lt = LazyTranslate(__name__)

DIMENSIONS = [
    ("recency", _lt("Recency segment")),
    ("abc", _lt("ABC class")),
    ("stage", _lt("Funnel stage")),
]
# The buying rhythm ("due to buy again") is a dimension where the client has
# one: the partner field the engine reports as the ``rhythm`` change.
RHYTHM_FIELD = "rhythm_state"
# The partner field that holds each dimension's value, per company.
DIMENSION_FIELDS = {
    "recency": "recency_segment",
    "abc": "abc_class",
    "stage": "funnel_stage_id",
    "rhythm": RHYTHM_FIELD,
}


class ClientWorkPlanTrigger(models.Model):
    """Per company: when a client enters a segment value (a recency segment,
    an ABC class, a funnel stage), the segment engine launches an ordinary
    Odoo activity plan (``mail.activity.plan`` on contacts) for that client,
    once per entry, under the company's contact-pressure limit. Its
    remaining steps are cancelled when the client leaves the value or buys."""

    _name = "client.work.plan.trigger"
    _description = "Client Work Plan Trigger"
    _order = "company_id, sequence, id"
    _check_company_auto = True

    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        index=True,
        ondelete="cascade",
        default=lambda self: self.env.company,
    )
    dimension = fields.Selection(
        selection="_selection_dimension",
        string="When a client enters",
        required=True,
        default="recency",
    )
    recency_segment = fields.Selection(
        selection=[item for item in RECENCY_SELECTION if item[0] != "none"],
        string="Recency",
    )
    abc_class = fields.Selection(
        selection=[("a", "A"), ("b", "B"), ("c", "C")],
        string="ABC Class",
    )
    rhythm_state = fields.Selection(
        selection=[("due_soon", "Due Soon"), ("overdue", "Overdue")],
        string="Buying Rhythm",
        help="Entering 'due soon' (the usual time to buy again is near) or "
        "'overdue' by the client's own buying rhythm.",
    )
    funnel_stage_id = fields.Many2one(
        comodel_name="client.funnel.stage",
        ondelete="cascade",
    )
    value = fields.Char(
        compute="_compute_value",
        store=True,
        help="The value as the segment engine's change set names it.",
    )
    plan_id = fields.Many2one(
        comodel_name="mail.activity.plan",
        required=True,
        ondelete="restrict",
        check_company=True,
        domain="[('res_model', '=', 'res.partner')]",
        help="An ordinary activity plan on contacts: its steps become the "
        "client's activities, dated from the day the client enters.",
    )
    user_id = fields.Many2one(
        comodel_name="res.users",
        string="Fixed Responsible",
        check_company=True,
        domain="[('share', '=', False)]",
        help="For clients without a salesperson (or whose salesperson left or "
        "does not work for this company). Empty: the leader of the sales team "
        "of the client's salesperson. Steps with their own default user in the "
        "plan keep that user.",
    )
    cancel_on_purchase = fields.Boolean(
        default=True,
        help="Cancel the remaining steps when the client buys after entering.",
    )
    run_ids = fields.One2many(
        comodel_name="client.work.plan.run",
        inverse_name="trigger_id",
        string="Entries",
    )
    run_count = fields.Integer(compute="_compute_run_count", string="Entry Count")
    waiting_count = fields.Integer(
        compute="_compute_waiting_count",
        string="Clients Already There",
        help="Clients in this value today without a running entry of this "
        "trigger: a trigger plans for the clients who enter the value after "
        "it is switched on; these can be started at once.",
    )

    _sql_constraints = [
        (
            "trigger_unique",
            "unique(company_id, dimension, value, plan_id)",
            "This plan is already triggered by this value in this company.",
        ),
    ]

    @api.model
    def _selection_dimension(self):
        dimensions = [(key, self.env._(label)) for key, label in DIMENSIONS]
        if RHYTHM_FIELD in self.env["res.partner"]._fields:
            dimensions.append(("rhythm", self.env._("Buying rhythm")))
        return dimensions

    @api.depends(
        "dimension", "recency_segment", "abc_class", "funnel_stage_id", "rhythm_state"
    )
    def _compute_value(self):
        for trigger in self:
            trigger.value = {
                "recency": trigger.recency_segment or False,
                "abc": trigger.abc_class or False,
                "stage": trigger.funnel_stage_id and str(trigger.funnel_stage_id.id),
                "rhythm": trigger.rhythm_state or False,
            }.get(trigger.dimension) or False

    @api.depends(
        "dimension", "recency_segment", "abc_class", "funnel_stage_id", "rhythm_state"
    )
    @api.depends_context("lang")
    def _compute_display_name(self):
        dimensions = dict(self._fields["dimension"]._description_selection(self.env))
        for trigger in self:
            field = {
                "recency": "recency_segment",
                "abc": "abc_class",
                "stage": "funnel_stage_id",
                "rhythm": "rhythm_state",
            }.get(trigger.dimension)
            value = trigger[field] if field else False
            if field and self._fields[field].type == "selection":
                value = dict(self._fields[field]._description_selection(self.env)).get(
                    value
                )
            elif value:
                value = value.display_name
            trigger.display_name = self.env._(
                "%(dimension)s %(value)s: %(plan)s",
                dimension=dimensions.get(trigger.dimension, ""),
                value=value or "?",
                plan=trigger.plan_id.name or "",
            )

    def _compute_run_count(self):
        counts = dict(
            self.env["client.work.plan.run"]._read_group(
                [("trigger_id", "in", self.ids)], ["trigger_id"], ["__count"]
            )
        )
        for trigger in self:
            trigger.run_count = counts.get(trigger, 0)

    def _compute_waiting_count(self):
        # one count per trigger: a company has a handful of triggers
        for trigger in self:
            trigger.waiting_count = 0
            if trigger.id and trigger.value:
                self.env.cr.execute(
                    SQL("SELECT count(*) FROM (%s) w", trigger._waiting_sql())
                )
                trigger.waiting_count = self.env.cr.fetchone()[0]

    @api.constrains(
        "dimension", "recency_segment", "abc_class", "funnel_stage_id", "rhythm_state"
    )
    def _check_value(self):
        labels = dict(self._fields["dimension"]._description_selection(self.env))
        for trigger in self:
            if not trigger.value:
                raise ValidationError(
                    self.env._(
                        "Choose the value the client enters for the work plan "
                        "trigger (%(dimension)s).",
                        dimension=labels.get(trigger.dimension, trigger.dimension),
                    )
                )

    @api.constrains("plan_id")
    def _check_plan(self):
        for trigger in self:
            plan = trigger.plan_id.sudo()
            if plan.res_model != "res.partner":
                raise ValidationError(
                    self.env._(
                        "The Plan of a work plan trigger must apply to contacts "
                        "(plan '%(plan)s' applies to %(model)s).",
                        plan=plan.name,
                        model=plan.res_model_id.name or plan.res_model,
                    )
                )
            if not plan.template_ids:
                raise ValidationError(
                    self.env._(
                        "The Plan '%(plan)s' has no steps: add at least one "
                        "activity to it before triggering it.",
                        plan=plan.name,
                    )
                )

    @api.model
    def _create_default_triggers(self, companies=None):
        """The work plans of the recency groups, one trigger each, for every
        company that has no trigger yet. Inactive: launching activities for
        a whole client base is a sales manager's decision."""
        companies = companies or self.env["res.company"].search([])
        defaults = [
            ("hot", "client_segmentation.mail_activity_plan_hot", False),
            ("warm", "client_segmentation.mail_activity_plan_warm", True),
            ("sleeping", "client_segmentation.mail_activity_plan_sleeping", True),
        ]
        plans = {
            segment: self.env.ref(xmlid, raise_if_not_found=False)
            for segment, xmlid, _cancel in defaults
        }
        # sudo: default configuration created at install or with a company.
        Trigger = self.sudo().with_context(active_test=False)
        configured = set(
            Trigger.search([("company_id", "in", companies.ids)]).company_id.ids
        )
        Trigger.create(
            [
                {
                    "company_id": company.id,
                    "sequence": sequence,
                    "active": False,
                    "dimension": "recency",
                    "recency_segment": segment,
                    "plan_id": plans[segment].id,
                    "cancel_on_purchase": cancel,
                }
                for company in companies
                if company.id not in configured
                for sequence, (segment, _xmlid, cancel) in enumerate(defaults)
                if plans[segment]
            ]
        )

    def _waiting_sql(self):
        """The clients in the trigger's value today (the company's value of
        the dimension's partner field) without a running entry of it."""
        self.ensure_one()
        column = SQL.identifier(DIMENSION_FIELDS[self.dimension])
        self.env["res.partner"].flush_model([DIMENSION_FIELDS[self.dimension]])
        self.env["client.work.plan.run"].flush_model()
        return SQL(
            """SELECT p.id AS partner_id
                 FROM res_partner p
                WHERE p.%(column)s ->> %(key)s = %(value)s
                  AND p.active AND (p.is_company OR p.parent_id IS NULL)
                  AND NOT EXISTS (
                      SELECT 1 FROM client_work_plan_run r
                       WHERE r.trigger_id = %(trigger)s
                         AND r.partner_id = p.id AND r.state = 'running')""",
            column=column,
            key=str(self.company_id.id),
            value=self.value,
            trigger=self.id,
        )

    def action_start_for_current_clients(self):
        """Start the plan now for the clients already in the value (switching
        a trigger on plans only for those who enter afterwards): the same
        entries, steps, responsible and contact-pressure guard as a
        recompute's, once per client."""
        validation.ensure_one(self, self.env._("work plan trigger"))
        self.check_access("write")
        if not self.active:
            raise UserError(
                self.env._(
                    "Switch the work plan trigger %(trigger)s on before starting "
                    "its plan.",
                    trigger=self.display_name,
                )
            )
        company = self.company_id
        today = fields.Date.context_today(self.with_company(company))
        self.env.flush_all()
        query = SQL(
            """SELECT w.partner_id, %(dimension)s::varchar AS dimension,
                      NULL::varchar AS old_value, %(value)s::varchar AS new_value
                 FROM (%(waiting)s) w""",
            dimension=self.dimension,
            value=self.value,
            waiting=self._waiting_sql(),
        )
        with TempTable(self.env.cr, "client_work_plan_waiting", query) as changes:
            result = self._launch(company, changes, today)
        message = self.env._(
            "%(entries)s clients entered the plan, %(activities)s activities "
            "planned (moved where the contact pressure asked).",
            entries=result["entries"],
            activities=result["activities"],
        )
        if result["unassigned"]:
            message += " " + self.env._(
                "%(count)s clients have no responsible: set a fixed responsible "
                "on the trigger.",
                count=result["unassigned"],
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "title": self.display_name,
                "message": message,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def action_view_runs(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "client_segmentation.client_work_plan_run_action"
        )
        action["domain"] = [("trigger_id", "=", self.id)]
        action["context"] = {}
        return action

    # ------------------------------------------------------------------
    # Engine: the change set of a recompute turns into plans.
    # ------------------------------------------------------------------

    @api.model
    def _apply_changes(self, company, changes, today, first_run):
        """Launch and cancel work plans of ``company`` from a recompute's
        change set (a temporary table of ``(partner_id, dimension,
        old_value, new_value)`` rows, see docs/adr-005-engine-services.md).

        Set-based: one statement per trigger to record the entries, one
        query for the clients' touches, one ``mail.activity`` create per
        batch of steps (and one unlink per batch of cancelled steps). A
        company's first run is its starting point, not an entry: it launches
        nothing (cancellations still apply). Raw SQL (on the module's own
        tables) and sudo bypass access rules: the engine's callers check
        rights (sales manager or cron).
        Returns counts for the run's summary.
        """
        result = {"entries": 0, "activities": 0, "cancelled": 0, "unassigned": 0}
        # sudo: engine bookkeeping, the caller's rights were checked.
        Trigger = self.sudo().with_context(active_test=False)
        triggers = Trigger.search([("company_id", "=", company.id)])
        if not triggers:
            return result
        self.env.flush_all()
        cancelled = self._cancel_runs(company, changes, today)
        result["cancelled"] = cancelled
        if not first_run:
            for trigger in triggers.filtered("active"):
                launched = trigger._launch(company, changes, today)
                for key, count in launched.items():
                    result[key] += count
        if any(result.values()):
            _logger.info(
                "Work plans of %s: %s entries, %s activities planned, %s entries "
                "cancelled, %s clients without responsible",
                company.name,
                result["entries"],
                result["activities"],
                result["cancelled"],
                result["unassigned"],
            )
        return result

    @api.model
    def _cancel_runs(self, company, changes, today):
        """Cancel the running entries of clients that left their trigger's
        value (in the change set) or bought after entering; delete their
        steps not done yet (done ones are in the chatter already)."""
        cr = self.env.cr
        common = {
            "company": company.id,
            "today": today,
            "uid": self.env.uid,
            "now": fields.Datetime.now(),
        }
        cr.execute(
            SQL(
                """
                UPDATE client_work_plan_run r
                   SET state = 'cancelled', cancel_reason = 'left',
                       cancelled_on = %(today)s, write_uid = %(uid)s,
                       write_date = %(now)s
                  FROM client_work_plan_trigger t, %(changes)s c
                 WHERE t.id = r.trigger_id
                   AND r.company_id = %(company)s
                   AND r.state = 'running'
                   AND c.partner_id = r.partner_id
                   AND c.dimension = t.dimension
                   AND c.old_value = t.value
                   AND c.new_value IS DISTINCT FROM t.value
                RETURNING r.id
                """,
                changes=SQL.identifier(changes.name),
                **common,
            )
        )
        run_ids = [row[0] for row in cr.fetchall()]
        cr.execute(
            SQL(
                """
                UPDATE client_work_plan_run r
                   SET state = 'cancelled', cancel_reason = 'purchase',
                       cancelled_on = %(today)s, write_uid = %(uid)s,
                       write_date = %(now)s
                  FROM client_work_plan_trigger t, res_partner p
                 WHERE t.id = r.trigger_id
                   AND t.cancel_on_purchase
                   AND r.company_id = %(company)s
                   AND r.state = 'running'
                   AND p.id = r.partner_id
                   AND (p.segment_last_purchase_date ->> %(key)s)::date
                       > r.entered_on
                RETURNING r.id
                """,
                key=str(company.id),
                **common,
            )
        )
        run_ids += [row[0] for row in cr.fetchall()]
        if not run_ids:
            return 0
        self.env["client.work.plan.run"].invalidate_model()
        # sudo: the engine removes the steps of every salesperson (core's
        # rule lets a user delete only the activities they created or are
        # assigned); the caller's rights were checked. Through unlink():
        # other modules' overrides apply, and core tells the users whose
        # list of due activities changes.
        Activity = self.env["mail.activity"].sudo()
        steps = Activity.search([("work_plan_run_id", "in", run_ids)], order="id")
        for start in range(0, len(steps), WORK_PLAN_CANCEL_BATCH_SIZE):
            steps[start : start + WORK_PLAN_CANCEL_BATCH_SIZE].unlink()
        return len(run_ids)

    def _responsible_sql(self, company):
        """SQL of the responsible of client ``p``: the client's salesperson,
        else the trigger's fixed user, else the leader of the sales team of
        the client's salesperson (a salesperson who left or may not work for
        the company); only active internal users allowed in the company."""
        self.ensure_one()

        def allowed(user_expr):
            return SQL(
                """(SELECT u.id FROM res_users u
                      JOIN res_company_users_rel cu
                        ON cu.user_id = u.id AND cu.cid = %(company)s
                     WHERE u.id = %(user)s AND u.active AND NOT u.share)""",
                company=company.id,
                user=user_expr,
            )

        return SQL(
            "COALESCE(%s, %s, %s)",
            allowed(SQL("p.user_id")),
            allowed(SQL("%s", self.user_id.id or None)),
            allowed(
                SQL(
                    """(SELECT tm.user_id FROM res_users su
                          JOIN crm_team tm ON tm.id = su.sale_team_id
                         WHERE su.id = p.user_id)"""
                )
            ),
        )

    def _launch(self, company, changes, today):
        """Record the entries of the clients entering this trigger's value
        (once per trigger, client and day) and plan the steps of its plan."""
        self.ensure_one()
        cr = self.env.cr
        now = fields.Datetime.now()
        entering = SQL(
            """c.dimension = %(dimension)s AND c.new_value = %(value)s
               AND c.old_value IS DISTINCT FROM %(value)s""",
            dimension=self.dimension,
            value=self.value,
        )
        cr.execute(
            SQL(
                """
                SELECT count(*) FROM %(changes)s c JOIN res_partner p
                    ON p.id = c.partner_id
                 WHERE %(entering)s AND %(responsible)s IS NULL
                """,
                changes=SQL.identifier(changes.name),
                entering=entering,
                responsible=self._responsible_sql(company),
            )
        )
        unassigned = cr.fetchone()[0]
        cr.execute(
            SQL(
                """
                INSERT INTO client_work_plan_run (trigger_id, plan_id, company_id,
                                                  partner_id, entered_on, user_id,
                                                  state, create_uid, create_date,
                                                  write_uid, write_date)
                SELECT %(trigger)s, %(plan)s, %(company)s, e.partner_id,
                       %(today)s, e.user_id, 'running', %(uid)s, %(now)s,
                       %(uid)s, %(now)s
                  FROM (SELECT DISTINCT c.partner_id, %(responsible)s AS user_id
                          FROM %(changes)s c JOIN res_partner p
                               ON p.id = c.partner_id
                         WHERE %(entering)s AND p.active) e
                 WHERE e.user_id IS NOT NULL
                ON CONFLICT (trigger_id, partner_id, entered_on) DO NOTHING
                RETURNING id, partner_id, user_id
                """,
                trigger=self.id,
                plan=self.plan_id.id,
                company=company.id,
                today=today,
                uid=self.env.uid,
                now=now,
                responsible=self._responsible_sql(company),
                changes=SQL.identifier(changes.name),
                entering=entering,
            )
        )
        entries = cr.fetchall()
        self.env["client.work.plan.run"].invalidate_model()
        activities, failed = (
            self._plan_steps(company, entries, today) if entries else (0, [])
        )
        failed = set(failed)
        run_ids = [row[0] for row in entries if row[0] not in failed]
        if run_ids:
            self._work_plan_launched(company, run_ids, today)
        return {
            "entries": len(run_ids),
            "activities": activities,
            "unassigned": unassigned,
        }

    def _plan_steps(self, company, entries, today):
        """Create the plan's steps as activities for ``entries`` (``(run_id,
        partner_id, user_id)`` rows): dates from Odoo's own step delays, moved
        by the contact-pressure guard, responsible by the step's own rule
        (``_determine_responsible``: the step's default user, else the
        entry's). Through ``mail.activity.create()`` in batches, so that
        other modules' overrides and core's side effects apply (the
        responsible follows the client, the clients' activity fields). With
        ``mail_activity_quick_update``: no assignment e-mail per activity (a
        plan for 100k clients is not 500k e-mails to a few salespeople).

        Each batch runs in a savepoint: a batch that fails is retried entry
        by entry, and an entry whose steps cannot be created fails alone (its
        entry is removed, the client is left for the trigger's *Start for
        Current Clients*). Returns the number of activities created and the
        ids of the entries that failed."""
        self.ensure_one()
        templates = self.plan_id.sudo().template_ids
        wanted = [template._get_date_deadline(today) for template in templates]
        profile = company._segment_profile()
        limit = profile.work_plan_pressure_touches
        window = profile.work_plan_pressure_days
        partner_ids = [row[1] for row in entries]
        touches = self._pressure_touches(company, partner_ids, today)
        # sudo: the engine plans for every salesperson; the caller's rights
        # were checked (sales manager or cron). No e-mail per activity.
        Activity = (
            self.env["mail.activity"]
            .sudo()
            .with_context(mail_activity_quick_update=True)
        )
        partners = Activity.env["res.partner"].browse(partner_ids)
        users = Activity.env["res.users"].browse({row[2] for row in entries})
        # what mail.activity would compute per activity, given (read once per
        # client and user): its related res_model (a precompute: one new()
        # record per activity), res_name and user_tz (a recompute per
        # activity at flush); profiled in docs/performance.md
        names = dict(zip(partner_ids, partners.mapped("display_name"), strict=True))
        zones = {user.id: user.tz for user in users}
        model_id = self.env["ir.model"]._get_id("res.partner")
        steps = [
            {
                "res_model_id": model_id,
                "res_model": "res.partner",
                "activity_type_id": template.activity_type_id.id,
                "note": template.note or False,
                "automated": True,
            }
            for template in templates
        ]
        # a step's summary in its responsible's language (the shipped plans
        # are translated): read once per step and language
        summaries = {}

        def summary_for(template, responsible):
            key = (template.id, responsible.lang)
            if key not in summaries:
                summaries[key] = (
                    template.with_context(lang=responsible.lang).summary or False
                )
            return summaries[key]

        per_entry = []
        for run_id, partner_id, user_id in entries:
            days = pressure.place_steps(
                wanted, touches.get(partner_id, ()), limit, window, earliest=today
            )
            partner = partners.browse(partner_id)
            user = users.browse(user_id)
            per_entry.append(
                (
                    run_id,
                    [
                        dict(
                            step,
                            res_id=partner_id,
                            res_name=names[partner_id],
                            date_deadline=day,
                            user_id=responsible.id,
                            user_tz=zones.get(responsible.id, responsible.tz),
                            summary=summary_for(template, responsible),
                            work_plan_run_id=run_id,
                        )
                        for template, step, day in zip(
                            templates, steps, days, strict=True
                        )
                        for responsible in [
                            template._determine_responsible(user, partner)[
                                "responsible"
                            ]
                            or user
                        ]
                    ],
                )
            )
        created = 0
        failed = []
        due_users = set()
        size = max(1, WORK_PLAN_ACTIVITY_BATCH_SIZE // max(1, len(templates)))
        bulk = len(entries) * len(templates) > WORK_PLAN_BULK_THRESHOLD
        for start in range(0, len(per_entry), size):
            batch = per_entry[start : start + size]
            if bulk and self._insert_steps(batch):
                values = [vals for _run, vals_list in batch for vals in vals_list]
                created += len(values)
                due_users.update(
                    vals["user_id"] for vals in values if vals["date_deadline"] <= today
                )
                continue
            activities = self._create_steps(Activity, batch, failed)
            created += len(activities)
            due_users.update(
                activities.filtered(lambda act: act.date_deadline <= today).user_id.ids
            )
            # the batch's records leave the cache: memory stays flat
            Activity.invalidate_model()
        if bulk:
            self.env["mail.activity"].invalidate_model()
            self.env["mail.followers"].invalidate_model()
            self.env["res.partner"].invalidate_model(
                ["activity_ids", "message_follower_ids"]
            )
        if failed:
            # sudo: engine bookkeeping, as the entries' INSERT
            self.env["client.work.plan.run"].sudo().browse(failed).unlink()
        if due_users:
            # What mail.activity.create() tells the assigned users' clients
            # (core tells the last activity's user only).
            self.env["res.users"].browse(due_users)._bus_send(
                "mail.activity/updated", {"activity_created": True}
            )
        return created, failed

    def _insert_steps(self, batch):
        """The activities of ``batch`` (``(run_id, vals_list)`` per entry, the
        values given to ``mail.activity.create``) in one INSERT, with the
        followers ``create`` adds (the responsible follows the client, with
        the default subtypes). For launches above WORK_PLAN_BULK_THRESHOLD
        only: other modules' overrides of ``create`` are not called (see the
        constant). In a savepoint; False when it failed, and the batch then
        goes through the ORM, entry by entry where needed."""
        values = [vals for _run, vals_list in batch for vals in vals_list]
        subtypes, _internal, external = self.env[
            "mail.message.subtype"
        ].default_subtypes("res.partner")
        columns = (
            "res_model_id", "res_id", "res_name", "activity_type_id", "summary",
            "note", "date_deadline", "user_id", "user_tz", "work_plan_run_id",
        )  # fmt: skip
        self.env.flush_all()
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    SQL(
                        """
                        WITH v AS (
                            SELECT * FROM unnest(
                                %(res_model_id)s::int4[], %(res_id)s::int4[],
                                %(res_name)s::varchar[], %(activity_type_id)s::int4[],
                                %(summary)s::varchar[], %(note)s::text[],
                                %(date_deadline)s::date[], %(user_id)s::int4[],
                                %(user_tz)s::varchar[], %(work_plan_run_id)s::int4[])
                              AS v(res_model_id, res_id, res_name, activity_type_id,
                                   summary, note, date_deadline, user_id, user_tz,
                                   work_plan_run_id)
                        ), activities AS (
                            INSERT INTO mail_activity (
                                res_model_id, res_model, res_id, res_name,
                                activity_type_id, summary, note, date_deadline,
                                user_id, user_tz, automated, active,
                                work_plan_run_id, create_uid, create_date,
                                write_uid, write_date)
                            SELECT res_model_id, 'res.partner', res_id, res_name,
                                   activity_type_id, summary, note, date_deadline,
                                   user_id, user_tz, TRUE, TRUE, work_plan_run_id,
                                   %(uid)s, %(now)s, %(uid)s, %(now)s
                              FROM v
                            RETURNING 1
                        ), followers AS (
                            INSERT INTO mail_followers (res_model, res_id, partner_id)
                            SELECT DISTINCT 'res.partner', v.res_id, u.partner_id
                              FROM v JOIN res_users u ON u.id = v.user_id
                            ON CONFLICT (res_model, res_id, partner_id) DO NOTHING
                            RETURNING id, partner_id
                        )
                        INSERT INTO mail_followers_mail_message_subtype_rel
                                    (mail_followers_id, mail_message_subtype_id)
                        SELECT f.id, st.id
                          FROM followers f
                          JOIN res_partner fp ON fp.id = f.partner_id
                          CROSS JOIN LATERAL unnest(
                              CASE WHEN fp.partner_share THEN %(external)s::int4[]
                                   ELSE %(subtypes)s::int4[] END) AS st(id)
                        """,
                        uid=self.env.uid,
                        now=fields.Datetime.now(),
                        subtypes=subtypes.ids,
                        external=external.ids,
                        **{
                            column: [vals.get(column) or None for vals in values]
                            for column in columns
                        },
                    )
                )
        except psycopg2.Error as error:
            _logger.info(
                "Work plan steps: the bulk insert of %s entries failed (%s), "
                "through the ORM",
                len(batch),
                error,
            )
            return False
        return True

    def _create_steps(self, Activity, batch, failed):
        """Create the activities of ``batch`` (``(run_id, vals_list)`` per
        entry) in one ``create``; if that fails, entry by entry. The entries
        that fail alone are added to ``failed``. Returns the activities
        created."""
        try:
            with self.env.cr.savepoint():
                return self._create_activities(
                    Activity,
                    [values for _run, vals_list in batch for values in vals_list],
                )
        except (UserError, psycopg2.Error) as error:
            if len(batch) == 1:
                errors = [(batch[0][0], error)]
            else:
                _logger.info(
                    "Work plan steps: a batch of %s entries failed (%s), "
                    "entry by entry",
                    len(batch),
                    error,
                )
                errors = []
        activities = Activity.browse()
        if not errors:
            for run_id, vals_list in batch:
                try:
                    with self.env.cr.savepoint():
                        activities |= self._create_activities(Activity, vals_list)
                except (UserError, psycopg2.Error) as error:
                    errors.append((run_id, error))
        for run_id, error in errors:
            failed.append(run_id)
            _logger.warning(
                "Work plan entry %s: its steps could not be planned, the entry "
                "is removed: %s",
                run_id,
                error,
            )
        return activities

    @api.model
    def _create_activities(self, Activity, vals_list):
        """``Activity.create(vals_list)``, its responsibles subscribed first
        to their clients, once per user and client: given one user twice for
        a client it does not follow yet (two steps of a plan),
        ``mail.activity.create`` would insert the follower twice and break
        ``mail_followers``' unique constraint (ADR 003, 10)."""
        clients_by_user = defaultdict(set)
        for values in vals_list:
            clients_by_user[values["user_id"]].add(values["res_id"])
        Partner = Activity.env["res.partner"]
        for user_id, client_ids in clients_by_user.items():
            user = Activity.env["res.users"].browse(user_id)
            Partner.browse(sorted(client_ids)).message_subscribe(
                partner_ids=user.partner_id.ids
            )
        return Activity.create(vals_list)

    @api.model
    def _pressure_touches(self, company, partner_ids, since):
        """Dates of the touches of ``partner_ids`` from ``since`` on (the
        past window and everything planned): their planned activities, on
        their deadline, and the activities done, on the day they were done
        (marking an activity done posts a message of its type on the record,
        kept or not). Glue modules add theirs (mailings sent). Returns
        ``{partner_id: [date, ...]}``."""
        window = company._segment_profile().work_plan_pressure_days
        self.env["mail.activity"].flush_model()
        self.env["mail.message"].flush_model(
            ["model", "res_id", "mail_activity_type_id", "date"]
        )
        self.env.cr.execute(
            SQL(
                """
                SELECT res_id, array_agg(day)
                  FROM (
                    SELECT res_id, date_deadline AS day
                      FROM mail_activity
                     WHERE res_model = 'res.partner' AND active
                       AND res_id = ANY(%(partners)s)
                       AND date_deadline > %(since)s::date - %(window)s
                     UNION ALL
                    SELECT res_id, date::date
                      FROM mail_message
                     WHERE model = 'res.partner'
                       AND res_id = ANY(%(partners)s)
                       AND mail_activity_type_id IS NOT NULL
                       AND date::date > %(since)s::date - %(window)s
                  ) touches
                 GROUP BY res_id
                """,
                partners=partner_ids,
                since=since,
                window=window,
            )
        )
        touches = defaultdict(list)
        for partner_id, days in self.env.cr.fetchall():
            touches[partner_id].extend(days)
        return touches

    def _work_plan_launched(self, company, run_ids, today):
        """Hook after a trigger launched its plan for new entries (glue
        modules act on the plan's steps, e.g. open an opportunity)."""
