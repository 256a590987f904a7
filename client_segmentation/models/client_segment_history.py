from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, create_index

# Dimensions whose values are selection keys of a res.partner field.
SELECTION_FIELDS = {
    "abc": "abc_class",
    "recency": "recency_segment",
    "frequency": "purchase_frequency",
    "rhythm": "rhythm_state",
    "temperature": "temperature_override",
}
# Dimensions whose values are record ids (as text) of a model.
RECORD_MODELS = {
    "stage": "client.funnel.stage",
    "type": "client.type",
}
# Columns of client.segment.state holding the current value, by dimension.
STATE_COLUMNS = {
    "abc": "abc_class",
    "recency": "recency_segment",
    "frequency": "purchase_frequency",
    "rhythm": "rhythm_state",
}
# Fields of res.partner whose manual changes are recorded, by dimension.
MANUAL_FIELDS = {
    "stage": "funnel_stage_id",
    "type": "client_type_id",
    "temperature": "temperature_override",
}


class ClientSegmentHistory(models.Model):
    """One change of one client's segment in one company: ABC class, recency,
    purchase frequency, buying rhythm and funnel stage as the recompute moves
    them, funnel stage, typology and temperature override as people set them.

    Narrow and append-only: the engine inserts a run's changes in one
    statement, ``res.partner.write`` inserts the manual ones; nobody creates,
    edits or deletes rows through the ORM. A company's first run records the
    starting point: the date from which every change is in the history
    (``res.company.segment_history_start``). The value on a later date is then
    known for every client without a row per client of that first run: the
    new value of its latest row up to that date, else the old value of its
    first row after it, else its current value (:meth:`_values_on`)."""

    _name = "client.segment.history"
    _description = "Client Segment History"
    _log_access = False
    _order = "date desc, id desc"
    _rec_name = "partner_id"

    partner_id = fields.Many2one(
        comodel_name="res.partner",
        string="Client",
        required=True,
        readonly=True,
        ondelete="cascade",
        index=False,  # client_segment_history_partner_index
    )
    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        readonly=True,
        ondelete="cascade",
        index=False,  # client_segment_history_period_index
    )
    dimension = fields.Selection(
        selection=[
            ("abc", "ABC Class"),
            ("recency", "Recency"),
            ("frequency", "Purchase Frequency"),
            ("rhythm", "Buying Rhythm"),
            ("stage", "Funnel Stage"),
            ("type", "Typology"),
            ("temperature", "Temperature Set by Hand"),
        ],
        required=True,
        readonly=True,
    )
    old_value = fields.Char(readonly=True, help="Technical value before the change.")
    new_value = fields.Char(readonly=True, help="Technical value after the change.")
    old_label = fields.Char(string="From", compute="_compute_labels")
    new_label = fields.Char(string="To", compute="_compute_labels")
    date = fields.Date(required=True, readonly=True)
    source = fields.Selection(
        selection=[("engine", "Recompute"), ("manual", "Manual")],
        required=True,
        readonly=True,
        help="Recompute: a change found by the segment recompute. Manual: set "
        "by a user on the client card or a board.",
    )
    user_id = fields.Many2one(
        comodel_name="res.users",
        string="By",
        readonly=True,
        ondelete="set null",
        help="Who set the value by hand (empty for the recompute).",
    )

    def init(self):
        # The movement report filters on company, dimension and period.
        create_index(
            self.env.cr,
            "client_segment_history_period_index",
            self._table,
            ["company_id", "dimension", "date"],
        )
        # A client's timeline, and the cascade when a partner is deleted.
        create_index(
            self.env.cr,
            "client_segment_history_partner_index",
            self._table,
            ["partner_id", "company_id", "date"],
        )

    @api.depends("dimension", "old_value", "new_value")
    def _compute_labels(self):
        labels = self._value_labels(
            {(row.dimension, row.old_value) for row in self}
            | {(row.dimension, row.new_value) for row in self}
        )
        for row in self:
            row.old_label = labels.get((row.dimension, row.old_value), False)
            row.new_label = labels.get((row.dimension, row.new_value), False)

    @api.model
    def _value_labels(self, pairs):
        """``{(dimension, value): label}`` for stored values: selection labels
        in the user's language, record names (one read per model)."""
        labels = {}
        Partner = self.env["res.partner"]
        for dimension, field_name in SELECTION_FIELDS.items():
            selection = dict(
                Partner._fields[field_name]._description_selection(self.env)
            )
            labels.update({(dimension, key): label for key, label in selection.items()})
        for dimension, model in RECORD_MODELS.items():
            ids = {
                int(value)
                for dim, value in pairs
                if dim == dimension and value and value.isdigit()
            }
            records = self.env[model].with_context(active_test=False).browse(ids)
            labels.update(
                {(dimension, str(record.id)): record.display_name for record in records}
            )
        return labels

    @api.model_create_multi
    def create(self, vals_list):
        self._refuse_manual_edit()
        return super().create(vals_list)

    def write(self, vals):
        self._refuse_manual_edit()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_history(self):
        raise UserError(
            self.env._(
                "The segment history cannot be deleted; it goes with the client "
                "or the company."
            )
        )

    @api.model
    def _refuse_manual_edit(self):
        """History rows come from the recompute and the client card, written
        in SQL; nobody (superuser included) creates or edits them through
        the ORM."""
        raise UserError(
            self.env._(
                "The segment history is written by the segment recompute and by "
                "changes on the client card; it cannot be created or changed by "
                "hand."
            )
        )

    @api.model
    def _record_changes(self, company, changes, today, first_run):
        """Insert one row per change of a recompute of ``company``, in one
        ``INSERT ... SELECT`` from the change set ``changes`` (a temporary
        table of ``(partner_id, dimension, old_value, new_value)``); return
        the number of rows.

        The first run of a company records its starting point, the date from
        which the history is complete, and no row: its change set holds every
        client's first values, which :meth:`_values_on` derives from the
        later rows and the current values (one row per client and dimension
        would add a third to the cost of that run, foreign key checks mostly;
        see docs/adr-006-clients-over-time.md). No author: the recompute is
        the source, and a NULL ``user_id`` spares a foreign key check per row.
        Raw SQL: the engine's caller checked the rights."""
        if first_run:
            # sudo: engine bookkeeping on the company (see the engine's own
            # company write); the caller's rights were checked.
            company.sudo().segment_history_start = today
            return 0
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO client_segment_history
                       (partner_id, company_id, dimension, old_value, new_value,
                        date, source)
                SELECT c.partner_id, %(company)s, c.dimension, c.old_value,
                       c.new_value, %(today)s, 'engine'
                  FROM %(changes)s c
                 WHERE c.old_value IS DISTINCT FROM c.new_value
                """,
                company=company.id,
                today=today,
                changes=changes.sql,
            )
        )
        self.invalidate_model()
        return self.env.cr.rowcount

    @api.model
    def _current_values_sql(self, company, dimension):
        """``(partner_id, value)`` of every client of ``company`` today, in
        the stored form of the history."""
        if dimension in STATE_COLUMNS:
            return SQL(
                "SELECT partner_id, %s::varchar AS value FROM client_segment_state"
                " WHERE company_id = %s",
                SQL.identifier(STATE_COLUMNS[dimension]),
                company.id,
            )
        field = self.env["res.partner"]._fields[MANUAL_FIELDS[dimension]]
        fallback = field.get_company_dependent_fallback(
            self.env["res.partner"].with_company(company)
        )
        return SQL(
            "SELECT id AS partner_id, COALESCE(%s ->> %s, %s) AS value"
            " FROM res_partner",
            SQL.identifier(field.name),
            str(company.id),
            self._as_text(fallback),
        )

    @api.model
    def _values_on(self, company, dimension, day, partner_ids):
        """``{partner_id: value}`` of ``dimension`` for the clients
        ``partner_ids`` of ``company`` at the end of ``day`` (a date on or
        after the company's first recompute), in the stored form (selection
        key, record id as text, ``None``)."""
        start = company.segment_history_start
        if not start or day < start:
            raise UserError(
                self.env._(
                    "The segment history of %(company)s starts on %(start)s: "
                    "there is no value to give for %(day)s.",
                    company=company.name,
                    start=start or self.env._("its first recompute"),
                    day=day,
                )
            )
        self.flush_model()
        self.env["client.segment.state"].flush_model()
        self.env["res.partner"].flush_model()
        self.env.cr.execute(
            SQL(
                """
                SELECT p.id,
                       CASE WHEN before.found THEN before.new_value
                            WHEN after.found THEN after.old_value
                            ELSE current.value END
                  FROM unnest(%(ids)s::int4[]) p(id)
                  LEFT JOIN LATERAL (
                      SELECT TRUE AS found, h.new_value
                        FROM client_segment_history h
                       WHERE h.partner_id = p.id AND h.company_id = %(company)s
                         AND h.dimension = %(dimension)s AND h.date <= %(day)s
                       ORDER BY h.date DESC, h.id DESC LIMIT 1
                  ) before ON TRUE
                  LEFT JOIN LATERAL (
                      SELECT TRUE AS found, h.old_value
                        FROM client_segment_history h
                       WHERE h.partner_id = p.id AND h.company_id = %(company)s
                         AND h.dimension = %(dimension)s AND h.date > %(day)s
                       ORDER BY h.date, h.id LIMIT 1
                  ) after ON TRUE
                  LEFT JOIN (%(current)s) current ON current.partner_id = p.id
                """,
                ids=list(partner_ids),
                company=company.id,
                dimension=dimension,
                day=day,
                current=self._current_values_sql(company, dimension),
            )
        )
        return dict(self.env.cr.fetchall())

    @api.model
    def _manual_values(self, partners, vals):
        """Values of the recorded fields that ``vals`` writes, before the write:
        ``{dimension: {partner_id: value}}`` for the current company."""
        return {
            dimension: {
                partner.id: self._as_text(partner[field_name]) for partner in partners
            }
            for dimension, field_name in MANUAL_FIELDS.items()
            if field_name in vals
        }

    @api.model
    def _as_text(self, value):
        if isinstance(value, models.BaseModel):
            return str(value.id) if value else None
        return value or None

    @api.model
    def _record_manual_changes(self, partners, before):
        """After a write: one row per partner and recorded field whose value
        changed, authored by the current user, in one INSERT."""
        rows = [
            (partner.id, dimension, old[partner.id], new)
            for dimension, old in before.items()
            for partner in partners
            if (new := self._as_text(partner[MANUAL_FIELDS[dimension]]))
            != old[partner.id]
        ]
        if not rows:
            return
        # Bookkeeping of a write the user was allowed to make: raw SQL, the
        # history model refuses ORM writes by design.
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO client_segment_history
                       (partner_id, company_id, dimension, old_value, new_value,
                        date, source, user_id)
                SELECT c.partner_id, %(company)s, c.dimension, c.old_value,
                       c.new_value, %(today)s, 'manual', %(uid)s
                  FROM unnest(%(partners)s::int4[], %(dimensions)s::varchar[],
                              %(olds)s::varchar[], %(news)s::varchar[])
                       AS c(partner_id, dimension, old_value, new_value)
                """,
                company=self.env.company.id,
                today=fields.Date.context_today(self),
                uid=self.env.uid,
                partners=[row[0] for row in rows],
                dimensions=[row[1] for row in rows],
                olds=[row[2] for row in rows],
                news=[row[3] for row in rows],
            )
        )
        self.invalidate_model()
