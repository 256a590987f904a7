from odoo import api, fields, models, tools
from odoo.tools import SQL

from .. import sqlutil
from ..models.client_segment_history import RECORD_MODELS


class ClientSegmentMovement(models.Model):
    """Movements report: the rows of ``client.segment.history`` with values
    that a pivot can group (from -> to per dimension) and the window revenue
    of the client at its last recompute. Filtered by period with the search
    filters; the history's period index answers them."""

    _name = "client.segment.movement"
    _description = "Client Segment Movement"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "partner_id"

    partner_id = fields.Many2one(
        comodel_name="res.partner", string="Client", readonly=True
    )
    company_id = fields.Many2one(comodel_name="res.company", readonly=True)
    salesperson_id = fields.Many2one(comodel_name="res.users", readonly=True)
    # The client's company and sharing, for the record rule that shows the
    # moves of the clients the user can read (base.res_partner_rule) on the
    # joined row, instead of a sub-query over every partner.
    partner_company_id = fields.Many2one(comodel_name="res.company", readonly=True)
    partner_share = fields.Boolean(readonly=True)
    dimension = fields.Selection(
        selection=lambda self: (
            self.env["client.segment.history"]
            ._fields["dimension"]
            ._description_selection(self.env)
        ),
        readonly=True,
    )
    from_value = fields.Selection(
        selection="_selection_values", string="From", readonly=True
    )
    to_value = fields.Selection(
        selection="_selection_values", string="To", readonly=True
    )
    date = fields.Date(readonly=True)
    source = fields.Selection(
        selection=lambda self: (
            self.env["client.segment.history"]
            ._fields["source"]
            ._description_selection(self.env)
        ),
        readonly=True,
    )
    user_id = fields.Many2one(comodel_name="res.users", string="By", readonly=True)
    client_count = fields.Integer(
        string="Clients",
        readonly=True,
        aggregator="count_distinct",
        help="Number of clients: a client who made the same move twice in the "
        "period counts once.",
    )
    revenue_window = fields.Float(
        string="Revenue in Window",
        readonly=True,
        aggregator="sum",
        digits="Account",
        help="Revenue in the ABC window, at the last recompute, of the clients "
        "who moved: each client's revenue counts once however often it moved.",
    )
    # the client's state row (one per client and company; none for a
    # prospect): the grouped revenue adds each client's once
    state_id = fields.Many2one(comodel_name="client.segment.state", readonly=True)

    def _read_group_select(self, aggregate_spec, query):
        """Grouped figures count clients, not moves: the number of distinct
        clients (a client and company) and the sum of their window revenues,
        each client once, however many moves of the group it made."""
        if aggregate_spec == "client_count:count_distinct":
            return SQL(
                "COUNT(DISTINCT (%s, %s))",
                self._field_to_sql(self._table, "company_id", query),
                self._field_to_sql(self._table, "partner_id", query),
            )
        if aggregate_spec == "revenue_window:sum":
            # the aggregate's argument refers to this query's rows only, so
            # PostgreSQL evaluates ARRAY_AGG in the grouped query and the
            # sub-select adds each client's revenue once
            return SQL(
                """(SELECT COALESCE(SUM(s.segment_revenue_window), 0)
                      FROM client_segment_state s
                     WHERE s.id = ANY(ARRAY_AGG(DISTINCT %s)))""",
                self._field_to_sql(self._table, "state_id", query),
            )
        return super()._read_group_select(aggregate_spec, query)

    @api.model
    def _read_group_orderby(self, order, groupby_terms, query):
        """From and to values in the order of their dimension (recent, due,
        sleeping, never; stages in their sequence), not alphabetically."""
        terms = dict(groupby_terms)
        keys = None
        for spec in ("from_value", "to_value"):
            if spec in terms:
                keys = keys or [key for key, _label in self._selection_values()]
                terms[spec] = sqlutil.in_order(groupby_terms[spec], keys)
        return super()._read_group_orderby(order, terms, query)

    @api.model
    def _selection_values(self):
        """Every value a dimension can take: selection keys as they are, funnel
        stages and typologies as ``stage:<id>`` / ``type:<id>`` (ids of two
        models must not collide in one column)."""
        History = self.env["client.segment.history"]
        labels = {}
        for (_dimension, key), label in History._value_labels(set()).items():
            labels.setdefault(key, label)
        for dimension, model in RECORD_MODELS.items():
            for record in self.env[model].with_context(active_test=False).search([]):
                labels[f"{dimension}:{record.id}"] = record.display_name
        return list(labels.items())

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)

        def value(column):
            return SQL(
                """CASE WHEN h.dimension IN %(records)s
                        THEN h.dimension || ':' || h.%(column)s
                        ELSE h.%(column)s END""",
                records=tuple(RECORD_MODELS),
                column=SQL.identifier(column),
            )

        self.env.cr.execute(
            SQL(
                """
                CREATE OR REPLACE VIEW %(view)s AS (
                    SELECT h.id,
                           h.partner_id,
                           h.company_id,
                           partner.user_id AS salesperson_id,
                           partner.company_id AS partner_company_id,
                           partner.partner_share,
                           h.dimension,
                           %(from_value)s AS from_value,
                           %(to_value)s AS to_value,
                           h.date,
                           h.source,
                           h.user_id,
                           state.id AS state_id,
                           h.partner_id AS client_count,
                           COALESCE(state.segment_revenue_window, 0)
                               AS revenue_window
                      FROM client_segment_history h
                      LEFT JOIN res_partner partner ON partner.id = h.partner_id
                      LEFT JOIN client_segment_state state
                             ON state.company_id = h.company_id
                            AND state.partner_id = h.partner_id
                )
                """,
                view=SQL.identifier(self._table),
                from_value=value("old_value"),
                to_value=value("new_value"),
            )
        )
