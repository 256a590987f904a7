from odoo import api, fields, models
from odoo.osv import expression
from odoo.tools import SQL

from .client_clv_score import ALIVE_BANDS

# Partner fields read from the current company's client.clv.score row of the
# client (the commercial partner): field -> score column.
CLV_FIELDS = {
    "clv_prob_alive": "prob_alive",
    "clv_alive_band": "alive_band",
    "clv_value_decile": "value_decile",
    "clv_expected_purchases": "expected_purchases",
    "clv_expected_revenue": "expected_revenue",
    "clv_value_at_risk": "value_at_risk",
}


class ResPartner(models.Model):
    _inherit = "res.partner"

    clv_prob_alive = fields.Float(
        string="Probability Still Active (%)",
        digits=(16, 0),
        compute="_compute_clv",
        search="_search_clv_prob_alive",
        groups="sales_team.group_sale_salesman",
        help="Probability that the client is still a client (has not left for "
        "good), from the timing of their purchases (BG/NBD model of the "
        "company's clients).",
    )
    clv_alive_band = fields.Selection(
        selection=ALIVE_BANDS,
        string="Still Active",
        compute="_compute_clv",
        search="_search_clv_alive_band",
        groups="sales_team.group_sale_salesman",
        help="Likely still a client / uncertain / probably lost, by the "
        "thresholds of the company's predicted value model. A client who bought "
        "on one day only: too early to tell.",
    )
    clv_value_decile = fields.Integer(
        string="Value Decile",
        compute="_compute_clv",
        search="_search_clv_value_decile",
        groups="sales_team.group_sale_salesman",
        help="1: among the tenth of the clients with the highest expected "
        "revenue over the horizon; 10: the lowest tenth.",
    )
    clv_expected_purchases = fields.Float(
        string="Expected Purchases",
        digits=(16, 1),
        compute="_compute_clv",
        search="_search_clv_expected_purchases",
        groups="sales_team.group_sale_salesman",
        help="Purchase days expected over the horizon of the company's model.",
    )
    clv_expected_revenue = fields.Float(
        string="Expected Revenue",
        digits="Account",
        compute="_compute_clv",
        search="_search_clv_expected_revenue",
        groups="sales_team.group_sale_salesman",
        help="Revenue expected over the horizon (company currency).",
    )
    clv_value_at_risk = fields.Float(
        string="Value at Risk",
        digits="Account",
        compute="_compute_clv",
        search="_search_clv_value_at_risk",
        groups="sales_team.group_sale_salesman",
        help="What the client would bring over the horizon if surely still "
        "active, minus what they are expected to bring: the value lost if "
        "they have left.",
    )
    clv_summary = fields.Char(
        string="Still a Client?",
        compute="_compute_clv",
        groups="sales_team.group_sale_salesman",
    )

    @api.depends_context("company")
    @api.depends("commercial_partner_id")
    def _compute_clv(self):
        """One query for the recordset: the current company's scores of the
        clients (commercial partners)."""
        commercial_ids = [pid for pid in self.commercial_partner_id.ids if pid]
        rows = {}
        if commercial_ids:
            self.env["client.clv.score"].flush_model()
            self.env.cr.execute(
                SQL(
                    """
                    SELECT partner_id, %(columns)s FROM client_clv_score
                     WHERE company_id = %(company)s AND partner_id = ANY(%(ids)s)
                    """,
                    columns=SQL(", ").join(
                        SQL.identifier(column) for column in CLV_FIELDS.values()
                    ),
                    company=self.env.company.id,
                    ids=commercial_ids,
                )
            )
            rows = {row[0]: row[1:] for row in self.env.cr.fetchall()}
        empty = (0.0, False, 0, 0.0, 0.0, 0.0)
        for partner in self:
            row = rows.get(partner.commercial_partner_id.id)
            values = row or empty
            for name, value in zip(CLV_FIELDS, values, strict=True):
                if name != "clv_alive_band" and value is None:
                    value = 0
                partner[name] = float(value) if isinstance(value, float) else value
            partner.clv_summary = partner._clv_words(row)

    def _clv_words(self, row):
        """The score in a salesperson's words."""
        if not row:
            return False
        prob, band = row[0], row[1]
        _ = self.env._
        if band == "single":
            return _("Bought once: too early to tell")
        percent = round(float(prob))
        if band == "likely":
            return _("Likely still a client: %(percent)s %%", percent=percent)
        if band == "lost":
            return _(
                "Probably lost: %(percent)s %% chance still a client", percent=percent
            )
        return _("Uncertain: %(percent)s %% chance still a client", percent=percent)

    def _search_clv_prob_alive(self, operator, value):
        return self._clv_domain("clv_prob_alive", operator, value)

    def _search_clv_alive_band(self, operator, value):
        return self._clv_domain("clv_alive_band", operator, value)

    def _search_clv_value_decile(self, operator, value):
        return self._clv_domain("clv_value_decile", operator, value)

    def _search_clv_expected_purchases(self, operator, value):
        return self._clv_domain("clv_expected_purchases", operator, value)

    def _search_clv_expected_revenue(self, operator, value):
        return self._clv_domain("clv_expected_revenue", operator, value)

    def _search_clv_value_at_risk(self, operator, value):
        return self._clv_domain("clv_value_at_risk", operator, value)

    @api.model
    def _clv_domain(self, field_name, operator, value):
        column = CLV_FIELDS[field_name]
        Score = self.env["client.clv.score"].sudo()
        # sudo: the partner field is readable by salespeople (groups), the
        # score rows are limited to the current company here.
        company = [("company_id", "=", self.env.company.id)]
        partner = SQL.identifier(Score._table, "partner_id")
        scored = Score._search(company + [(column, operator, value)])
        domain = [("commercial_partner_id", "in", scored.subselect(partner))]
        values = value if isinstance(value, list | tuple) else [value]
        has_null = any(item in (False, None) for item in values)
        null_matches = (operator in ("=", "in") and has_null) or (
            operator in ("!=", "not in") and not has_null
        )
        if null_matches:
            every = Score._search(company)
            domain = expression.OR(
                [
                    domain,
                    [
                        (
                            "commercial_partner_id",
                            "not in",
                            every.subselect(partner),
                        )
                    ],
                ]
            )
        return domain

    def _field_to_sql(self, alias, fname, query=None, flush=True):
        """Group and order partners by their current-company score (boards,
        the analysis, the call list): the score column of the client."""
        if fname in CLV_FIELDS:
            self.check_field_access_rights("read", [fname])
            self.env["client.clv.score"].flush_model()
            return SQL(
                """(SELECT s.%(column)s FROM client_clv_score s
                     WHERE s.company_id = %(company)s
                       AND s.partner_id = %(partner)s)""",
                column=SQL.identifier(CLV_FIELDS[fname]),
                company=self.env.company.id,
                partner=SQL.identifier(alias, "commercial_partner_id"),
            )
        return super()._field_to_sql(alias, fname, query, flush)
