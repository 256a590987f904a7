from odoo import fields, models
from odoo.tools import SQL, create_index


class ClientSegmentState(models.Model):
    """What the last segment recompute wrote for one commercial partner in one
    company: the engine compares its new values with these narrow rows to find
    the few partners to write, instead of reading every res.partner row (see
    docs/adr-001-segment-storage.md). Written only by the engine, in SQL."""

    _name = "client.segment.state"
    _description = "Client Segment State"
    _log_access = False
    _order = "company_id, partner_id"

    company_id = fields.Many2one(
        comodel_name="res.company", required=True, ondelete="cascade", index=True
    )
    partner_id = fields.Many2one(
        comodel_name="res.partner", required=True, ondelete="cascade", index=True
    )
    abc_class = fields.Char(readonly=True)
    recency_segment = fields.Char(readonly=True)
    purchase_frequency = fields.Char(readonly=True)
    # digits=0: numeric columns without rounding, compared exactly
    segment_revenue_window = fields.Float(digits=0, readonly=True)
    segment_revenue_total = fields.Float(digits=0, readonly=True)
    segment_purchase_average = fields.Float(digits=0, readonly=True)
    segment_purchase_count = fields.Integer(readonly=True)
    segment_first_purchase_date = fields.Date(readonly=True)
    segment_last_purchase_date = fields.Date(readonly=True)

    _sql_constraints = [
        (
            "company_partner_unique",
            "UNIQUE (company_id, partner_id)",
            "One segment state per client and company.",
        )
    ]

    def init(self):
        # Rank order of the ABC ranking (revenue descending, then partner),
        # for the rank and cumulative share of res.partner.
        create_index(
            self.env.cr,
            "client_segment_state_rank_index",
            self._table,
            ["company_id", "segment_revenue_window DESC", "partner_id"],
            where="segment_revenue_window > 0",
        )

    def _segment_store(self, company, names, incremental):
        """Make the company's state equal to ``client_segment_new`` (columns
        ``names``, which are fields of this model): only the rows of
        ``client_segment_changed`` when ``incremental``, else all."""
        cr = self.env.cr
        columns = SQL(", ").join(SQL.identifier(name) for name in names)
        if incremental:
            cr.execute(
                SQL(
                    """
                    DELETE FROM client_segment_state
                     WHERE company_id = %s
                       AND partner_id IN (SELECT partner_id FROM client_segment_changed)
                    """,
                    company.id,
                )
            )
            source = SQL(
                "client_segment_new n JOIN client_segment_changed c USING (partner_id)"
            )
        else:
            cr.execute(
                SQL(
                    "DELETE FROM client_segment_state WHERE company_id = %s", company.id
                )
            )
            source = SQL("client_segment_new n")
        cr.execute(
            SQL(
                """
                INSERT INTO client_segment_state (company_id, partner_id, %(columns)s)
                SELECT %(company)s, n.partner_id, %(columns)s FROM %(source)s
                """,
                columns=columns,
                company=company.id,
                source=source,
            )
        )
        self.invalidate_model()
