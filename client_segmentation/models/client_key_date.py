import logging

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, plaintext2html

from .. import validation
from ..tools import key_dates

_logger = logging.getLogger(__name__)

# Activities created per mail.activity create() call of the reminder job.
REMINDER_BATCH_SIZE = 1000
# Kept by the reminder job alone (it writes them in SQL or through the stored
# compute); nobody sets them by hand, not even an administrator.
BOOKKEEPING_FIELDS = ("next_occurrence", "last_reminded_occurrence")


class ClientKeyDate(models.Model):
    _name = "client.key.date"
    _description = "Client Key Date"
    _order = "next_occurrence, id"
    _rec_names_search = ["name", "partner_id", "type_id"]

    partner_id = fields.Many2one(
        comodel_name="res.partner",
        string="Person",
        required=True,
        index=True,
        ondelete="cascade",
        help="The client or the client's contact person the date belongs to.",
    )
    commercial_partner_id = fields.Many2one(
        comodel_name="res.partner",
        string="Client",
        related="partner_id.commercial_partner_id",
        store=True,
        index=True,
    )
    user_id = fields.Many2one(
        comodel_name="res.users",
        string="Salesperson",
        related="commercial_partner_id.user_id",
    )
    company_id = fields.Many2one(
        comodel_name="res.company",
        related="partner_id.company_id",
        store=True,
        index=True,
    )
    type_id = fields.Many2one(
        comodel_name="client.key.date.type",
        string="Occasion",
        required=True,
        domain="['|', ('company_id', '=', False), "
        "('company_id', '=', current_company_id)]",
        ondelete="restrict",
    )
    type_category = fields.Selection(related="type_id.category")
    name = fields.Char(
        string="Description",
        help="Who or what is celebrated, e.g. the child's name.",
    )
    date = fields.Date(required=True)
    recurrence = fields.Selection(
        selection=[("yearly", "Every Year"), ("once", "Once")],
        compute="_compute_type_defaults",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
    )
    reminder_kind = fields.Selection(
        selection=[("call", "Call"), ("congratulate", "Congratulate")],
        string="Reminder",
        compute="_compute_type_defaults",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
    )
    lead_days = fields.Integer(
        string="Remind Days Before",
        compute="_compute_type_defaults",
        store=True,
        readonly=False,
        precompute=True,
        help="The reminder activity is created this many days before the date.",
    )
    notes = fields.Text()
    next_occurrence = fields.Date(
        compute="_compute_next_occurrence",
        store=True,
        index=True,
        copy=False,
        help="Next day on which the date occurs, today included; kept current "
        "by the daily reminder job. Empty once a one-off date has passed.",
    )
    last_reminded_occurrence = fields.Date(
        readonly=True,
        copy=False,
        help="Occurrence for which a reminder activity was last created; it "
        "guarantees one reminder per occurrence.",
    )

    @api.depends("type_id")
    def _compute_type_defaults(self):
        for key_date in self:
            key_date_type = key_date.type_id
            if key_date_type:
                key_date.recurrence = key_date_type.recurrence
                key_date.reminder_kind = key_date_type.reminder_kind
                key_date.lead_days = key_date_type.lead_days
            else:
                key_date.recurrence = key_date.recurrence or "yearly"
                key_date.reminder_kind = key_date.reminder_kind or "congratulate"
                key_date.lead_days = key_date.lead_days or 3

    @api.depends("date", "recurrence")
    def _compute_next_occurrence(self):
        today = fields.Date.context_today(self)
        for key_date in self:
            key_date.next_occurrence = key_dates.next_occurrence(
                key_date.date, key_date.recurrence, today
            )

    @api.depends("partner_id", "type_id", "name")
    def _compute_display_name(self):
        for key_date in self:
            occasion = key_date.type_id.name or ""
            if key_date.name:
                occasion = f"{occasion} ({key_date.name})"
            key_date.display_name = f"{key_date.partner_id.name or ''}: {occasion}"

    @api.constrains("date", "type_id")
    def _check_date_not_in_future(self):
        today = fields.Date.context_today(self)
        for key_date in self.filtered("type_id.must_be_past"):
            try:
                key_dates.check_past_date(key_date.date, today)
            except key_dates.KeyDateError as error:
                raise ValidationError(
                    self.env._(
                        "%(person)s: a %(occasion)s cannot lie in the future "
                        "(%(date)s).",
                        person=key_date.partner_id.name,
                        occasion=key_date.type_id.name,
                        date=key_date.date,
                    )
                ) from error

    @api.constrains("lead_days")
    def _check_lead_days(self):
        for key_date in self:
            try:
                key_dates.check_lead_days(key_date.lead_days)
            except key_dates.KeyDateError as error:
                raise ValidationError(
                    self.env._(
                        "%(person)s: the reminder lead time must be between 0 and "
                        "%(max)s days (got %(days)s).",
                        person=key_date.partner_id.name,
                        max=key_dates.MAX_LEAD_DAYS,
                        days=key_date.lead_days,
                    )
                ) from error

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_bookkeeping_not_written(
                [name for name, value in vals.items() if value]
            )
            if not vals.get("date"):
                self._raise_missing_date(vals)
            self._check_link_values(vals)
        key_dates_ = super().create(vals_list)
        key_dates_._check_company_of_person()
        return key_dates_

    def write(self, vals):
        self._check_bookkeeping_not_written(vals)
        if "date" in vals and not vals["date"]:
            self._raise_missing_date(vals)
        self._check_link_values(vals)
        result = super().write(vals)
        if {"partner_id", "company_id"} & set(vals):
            self._check_company_of_person()
        return result

    @api.model
    def _check_link_values(self, vals):
        """A key date goes on a person of one of the user's companies (or a
        shared one) and takes an occasion of those companies: nobody puts a
        date onto another company's contact, where that company's users would
        read it."""
        if self.env.su:
            return
        allowed = self.env.companies
        # sudo: the company of a record the user may not read, to refuse it
        # with a message instead of an access error half-way through
        partner = (
            self.env["res.partner"]
            .sudo()
            .browse(
                validation.id_of(
                    self.env,
                    "res.partner",
                    vals.get("partner_id"),
                    self.env._("Person"),
                )
            )
        )
        if partner.company_id and partner.company_id not in allowed:
            raise UserError(
                self.env._(
                    "This contact belongs to %(company)s, which is not one of "
                    "your companies: a key date cannot be put on it.",
                    company=partner.company_id.name,
                )
            )
        occasion = (
            self.env["client.key.date.type"]
            .sudo()
            .browse(
                validation.id_of(
                    self.env,
                    "client.key.date.type",
                    vals.get("type_id"),
                    self.env._("Occasion"),
                )
            )
        )
        if occasion.company_id and occasion.company_id not in allowed:
            raise UserError(
                self.env._(
                    "The occasion %(occasion)s belongs to %(company)s, which is "
                    "not one of your companies.",
                    occasion=occasion.display_name,
                    company=occasion.company_id.name,
                )
            )

    def _check_company_of_person(self):
        """A key date belongs to its person's company: it is never moved into
        another company by itself."""
        for key_date in self:
            partner = key_date.partner_id
            if key_date.company_id != partner.company_id:
                raise UserError(
                    self.env._(
                        "The key date of %(person)s belongs to the company of "
                        "its person (%(company)s); it cannot be moved to another "
                        "company.",
                        person=partner.display_name,
                        company=partner.company_id.name or self.env._("all companies"),
                    )
                )

    @api.model
    def _check_bookkeeping_not_written(self, names):
        written = [name for name in BOOKKEEPING_FIELDS if name in names]
        if written:
            raise UserError(
                self.env._(
                    "%(fields)s of a key date are kept by the reminder job and "
                    "cannot be set by hand.",
                    fields=", ".join(self._fields[name].string for name in written),
                )
            )

    def _raise_missing_date(self, vals):
        key_date_type = self.env["client.key.date.type"].browse(
            vals.get("type_id") or self[:1].type_id.id
        )
        partner = self.env["res.partner"].browse(
            vals.get("partner_id") or self[:1].partner_id.id
        )
        raise ValidationError(
            self.env._(
                "The key date '%(occasion)s' of %(person)s needs a date.",
                occasion=key_date_type.name or self.env._("(no occasion)"),
                person=partner.name or self.env._("(no person)"),
            )
        )

    # ------------------------------------------------------------------
    # Reminders
    # ------------------------------------------------------------------

    @api.model
    def _cron_create_reminders(self):
        """Daily job: bring next occurrences up to date, then create one
        activity per occurrence whose reminder is due (see
        docs/adr-003-client-card-key-dates.md)."""
        today = fields.Date.context_today(self)
        self._refresh_next_occurrences(today)
        return self._create_due_reminders(today)

    @api.model
    def _refresh_next_occurrences(self, today):
        """Move passed occurrences forward: yearly dates to their next year,
        one-off dates to none. Only rows whose occurrence passed are touched."""
        stale = self.search(
            [
                "|",
                ("next_occurrence", "<", today),
                "&",
                ("next_occurrence", "=", False),
                ("recurrence", "=", "yearly"),
            ]
        )
        if stale:
            self.env.add_to_compute(self._fields["next_occurrence"], stale)
            stale.flush_recordset(["next_occurrence"])
        return stale

    @api.model
    def _create_due_reminders(self, today):
        """Create the activities of every occurrence due on ``today``.

        Exactly once per occurrence: the due rows are locked (``FOR UPDATE
        SKIP LOCKED``, so a second run at the same time skips them) and marked
        with the occurrence they were reminded for in the same transaction.
        Return the created activities."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                SELECT kd.id
                  FROM client_key_date kd
                  JOIN res_partner person ON person.id = kd.partner_id
                  JOIN res_partner client
                    ON client.id = person.commercial_partner_id
                 WHERE person.active AND client.active
                   AND kd.next_occurrence >= %(today)s
                   AND kd.next_occurrence - COALESCE(kd.lead_days, 0) <= %(today)s
                   AND (kd.last_reminded_occurrence IS NULL
                        OR kd.last_reminded_occurrence < kd.next_occurrence)
                 ORDER BY kd.id
                   FOR UPDATE OF kd SKIP LOCKED
                """,
                today=today,
            )
        )
        due = self.browse([row[0] for row in self.env.cr.fetchall()])
        activities = self.env["mail.activity"]
        done = 0
        for chunk in due._reminder_chunks():
            try:
                with self.env.cr.savepoint():
                    activities |= chunk._create_reminder_activities()
            except Exception:  # retried client by client below
                activities |= chunk._create_reminders_client_by_client()
            done += len(chunk)
            self.env["ir.cron"]._notify_progress(done=done, remaining=len(due) - done)
        self.invalidate_model(["last_reminded_occurrence"])
        _logger.info("Key date reminders: %s activities created", len(activities))
        return activities

    def _reminder_chunks(self):
        """Split the due dates into chunks of about ``REMINDER_BATCH_SIZE``
        that never cut one client's dates apart, so that a client fails or
        succeeds as a whole."""
        chunks = []
        current = self.browse()
        for _client, dates in self.grouped("commercial_partner_id").items():
            if current and len(current) + len(dates) > REMINDER_BATCH_SIZE:
                chunks.append(current)
                current = self.browse()
            current |= dates
        if current:
            chunks.append(current)
        return chunks

    def _create_reminders_client_by_client(self):
        """Fallback of a failed chunk: each client in its own savepoint; a
        client that fails is logged and retried by the next run, the others
        get their reminders."""
        activities = self.env["mail.activity"]
        for client, dates in self.grouped("commercial_partner_id").items():
            try:
                with self.env.cr.savepoint():
                    activities |= dates._create_reminder_activities()
            except Exception:  # one client must not stop the run
                _logger.exception(
                    "Key date reminders: could not remind the dates of client "
                    "%s (id %s); they are retried at the next run",
                    client.display_name,
                    client.id,
                )
        return activities

    def _create_reminder_activities(self):
        """Create the reminder activities of these due dates in one
        ``create`` and mark the dates as reminded.

        ``mail.activity.create`` subscribes each responsible user to the
        documents of their activities; given the same new follower twice for
        one document (two dates of a client the user does not follow) it
        inserts two follower rows and breaks their unique constraint. The
        users are therefore subscribed first, once per client."""
        values = self._prepare_reminder_values()
        # Reminders go to salespeople who may not have written access to
        # every client: the job creates them as superuser. No assignment
        # e-mail: the activity itself is the reminder.
        Activity = self.env["mail.activity"].sudo()
        clients_by_user = {}
        for vals in values:
            clients_by_user.setdefault(vals["user_id"], set()).add(vals["res_id"])
        Partner = self.env["res.partner"].sudo()
        for user_id, client_ids in clients_by_user.items():
            user = self.env["res.users"].sudo().browse(user_id)
            Partner.browse(sorted(client_ids)).message_subscribe(
                partner_ids=user.partner_id.ids
            )
        activities = Activity.with_context(mail_activity_quick_update=True).create(
            values
        )
        self.env.cr.execute(
            SQL(
                """
                UPDATE client_key_date
                   SET last_reminded_occurrence = next_occurrence
                 WHERE id = ANY(%s)
                """,
                self.ids,
            )
        )
        return activities

    def _prepare_reminder_values(self):
        model_id = self.env["ir.model"]._get_id("res.partner")
        activity_types = {
            "call": self.env.ref(
                "client_segmentation.mail_activity_type_key_date_call"
            ),
            "congratulate": self.env.ref(
                "client_segmentation.mail_activity_type_key_date_congratulate"
            ),
        }
        kinds = dict(self._fields["reminder_kind"]._description_selection(self.env))
        fallback_user = self._reminder_fallback_user()
        values = []
        for key_date in self:
            client = key_date.commercial_partner_id
            company = client.company_id or self.env.company
            user = (
                client.user_id
                or company._segment_profile().key_date_responsible_user_id
                or fallback_user
            )
            occasion = key_date.type_id.name
            if key_date.name:
                occasion = f"{occasion} ({key_date.name})"
            values.append(
                {
                    "res_model_id": model_id,
                    "res_id": client.id,
                    "activity_type_id": activity_types[key_date.reminder_kind].id,
                    "date_deadline": key_date.next_occurrence,
                    "user_id": user.id,
                    "summary": self.env._(
                        "%(kind)s %(person)s: %(occasion)s",
                        kind=kinds[key_date.reminder_kind],
                        person=key_date.partner_id.name,
                        occasion=occasion,
                    ),
                    # plain-text notes: escaped into the HTML of the activity
                    "note": plaintext2html(key_date.notes) if key_date.notes else False,
                }
            )
        return values

    @api.model
    def _reminder_fallback_user(self):
        """User of reminders for clients without salesperson nor responsible
        user: the running user, unless it is the inactive superuser of the
        scheduler, then the administrator."""
        user = self.env.user
        if user.active:
            return user
        return self.env.ref("base.user_admin", raise_if_not_found=False) or user
