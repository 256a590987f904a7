from odoo import fields, models
from odoo.tools import create_index


class ClientClvSummary(models.Model):
    """The inputs of the predicted-value models of one client (commercial
    partner) in one company, from its purchase days: what changes only when
    its documents change (the age T, which grows every day, is computed at
    each run from the first purchase day). Kept by client.clv.engine,
    set-based in SQL: a run re-aggregates only the clients whose documents
    changed since the last one (docs/adr-009, decision 6)."""

    _name = "client.clv.summary"
    _description = "Client Purchase Summary (Predicted Value)"
    _log_access = False

    # no index of its own: the unique (company_id, partner_id) index serves
    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        readonly=True,
        ondelete="cascade",
    )
    partner_id = fields.Many2one(
        comodel_name="res.partner",
        string="Client",
        required=True,
        readonly=True,
        ondelete="cascade",
        index=True,
    )
    repeat_purchases = fields.Integer(readonly=True, required=True)
    first_purchase_date = fields.Date(readonly=True, required=True)
    last_purchase_date = fields.Date(readonly=True, required=True)
    average_value = fields.Float(
        string="Average Repeat Purchase",
        readonly=True,
        required=True,
        help="Average net value of the repeat purchase days (company currency, "
        "unrounded: the input of the value model); 0 without a repeat purchase.",
    )
    dirty = fields.Boolean(
        readonly=True,
        help="To re-aggregate at the next run (e.g. documents moved to another "
        "client without being edited).",
    )

    _sql_constraints = [
        (
            "company_partner_unique",
            "UNIQUE (company_id, partner_id)",
            "One purchase summary per client and company.",
        )
    ]

    def init(self):
        # what each run looks for besides the changed documents
        create_index(
            self.env.cr,
            "client_clv_summary_dirty_index",
            self._table,
            ["company_id"],
            where="dirty",
        )
