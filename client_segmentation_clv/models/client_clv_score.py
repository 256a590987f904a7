from odoo import fields, models
from odoo.tools import SQL

ALIVE_BANDS = [
    ("likely", "Likely still a client"),
    ("uncertain", "Uncertain"),
    ("lost", "Probably lost"),
    ("single", "Bought once: too early to tell"),
]


class ClientClvScore(models.Model):
    """The predicted figures of one client (commercial partner) in one
    company, from the company's last good fit. Written only by
    client.clv.engine, set-based in SQL (only the rows whose values changed);
    res.partner reads the current company's row (docs/adr-009)."""

    _name = "client.clv.score"
    _description = "Client Predicted Value"
    _log_access = False
    _order = "company_id, value_at_risk desc, partner_id"
    _rec_name = "partner_id"

    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        readonly=True,
        ondelete="cascade",
        index=True,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    partner_id = fields.Many2one(
        comodel_name="res.partner",
        string="Client",
        required=True,
        readonly=True,
        ondelete="cascade",
        index=True,
    )
    repeat_purchases = fields.Integer(readonly=True, aggregator="sum")
    first_purchase_date = fields.Date(readonly=True)
    last_purchase_date = fields.Date(readonly=True)
    average_value = fields.Float(
        string="Average Repeat Purchase",
        digits=0,
        readonly=True,
        aggregator="avg",
        help="Average net value of the repeat purchase days (company currency).",
    )
    prob_alive = fields.Float(
        string="Probability Still Active (%)",
        digits=(16, 2),
        readonly=True,
        aggregator="avg",
    )
    expected_purchases = fields.Float(
        digits=(16, 2),
        readonly=True,
        aggregator="sum",
        help="Purchase days expected over the model's horizon.",
    )
    expected_revenue = fields.Monetary(
        readonly=True,
        aggregator="sum",
        help="Expected purchases over the horizon times the expected value of a "
        "purchase of this client.",
    )
    value_at_risk = fields.Monetary(
        readonly=True,
        aggregator="sum",
        help="What the client would bring over the horizon if surely still "
        "active, minus what they are expected to bring.",
    )
    alive_band = fields.Selection(
        selection=ALIVE_BANDS, string="Still Active", readonly=True, index=True
    )
    value_decile = fields.Integer(
        readonly=True,
        aggregator=None,
        help="1: the tenth of the clients with the highest expected revenue.",
    )

    _sql_constraints = [
        (
            "company_partner_unique",
            "UNIQUE (company_id, partner_id)",
            "One predicted value per client and company.",
        )
    ]

    def init(self):
        # Every client's row is rewritten most nights (the age of every client
        # grows): half-full pages let PostgreSQL update in place (HOT, no new
        # index entries) when the band does not change. Applies to the pages
        # written from now on.
        self.env.cr.execute(
            SQL("ALTER TABLE %s SET (fillfactor = 50)", SQL.identifier(self._table))
        )
