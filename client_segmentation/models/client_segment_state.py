from odoo import fields, models
from odoo.tools import create_index


class ClientSegmentState(models.Model):
    """The figures of one client (commercial partner) in one company and what
    the last recompute wrote for it. A rerun re-aggregates only the clients
    whose documents changed, re-ranks these narrow rows, and compares the new
    values with them to find the few partners to write, instead of reading
    every invoice and every res.partner row (see docs/architecture.md).
    Written only by client.segment.engine, in SQL."""

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
    segment_window_purchase_count = fields.Integer(readonly=True)
    dirty = fields.Boolean(
        readonly=True,
        help="Re-aggregate this client on the next run (its batch was left "
        "to it, or a contact with documents moved away).",
    )

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
        # The clients a batch left to the next run.
        create_index(
            self.env.cr,
            "client_segment_state_dirty_index",
            self._table,
            ["company_id"],
            where="dirty",
        )
        # What a rerun looks for: documents and partners changed since the
        # last run, and the documents of the few clients to re-aggregate.
        # Dropped by hooks.uninstall_hook (the tables stay).
        create_index(
            self.env.cr,
            "client_segment_account_move_write_date_index",
            "account_move",
            ["write_date"],
        )
        create_index(
            self.env.cr,
            "client_segment_account_move_client_index",
            "account_move",
            ["commercial_partner_id", "company_id"],
            where="move_type IN ('out_invoice', 'out_refund')",
        )
        create_index(
            self.env.cr,
            "client_segment_res_partner_write_date_index",
            "res_partner",
            ["write_date"],
        )
        # A salesperson's boards and call lists open on their own clients
        # ("My Clients", user_id = uid): without an index every column of a
        # board is a scan of the whole partner table (0.3 s each at 1,000,000
        # partners), with it a look-up of their few hundred rows (ADR 011).
        # Partial: most partners have no salesperson.
        create_index(
            self.env.cr,
            "client_segment_res_partner_user_index",
            "res_partner",
            ["user_id"],
            where="user_id IS NOT NULL",
        )
