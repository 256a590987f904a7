from odoo import api, models
from odoo.tools import SQL


class ClientFunnelEngine(models.AbstractModel):
    _inherit = "client.funnel.engine"

    @api.model
    def _interest_sources(self, company, today):
        """With Sales, an open quotation is an interest signal (hot)."""
        sources = super()._interest_sources(company, today)
        sources.append(self._interest_quotation_source(company, today))
        return sources

    @api.model
    def _interest_quotation_source(self, company, today):
        """Hot: an open quotation of the company for the client (draft or
        sent, not past its expiration date): ready to buy now."""
        partners = SQL(
            """
            SELECT qp.commercial_partner_id AS partner_id, 'hot' AS temperature
              FROM sale_order q
              JOIN res_partner qp ON qp.id = q.partner_id
             WHERE q.company_id = %(company)s AND q.state IN ('draft', 'sent')
               AND (q.validity_date IS NULL OR q.validity_date >= %(today)s)
            """,
            company=company.id,
            today=today,
        )
        since, previous_day = self._since_last_run(company, today)
        changed = None
        if since:
            changed = SQL(
                """
                SELECT qp.commercial_partner_id AS partner_id
                  FROM sale_order q
                  JOIN res_partner qp ON qp.id = q.partner_id
                 WHERE q.company_id = %(company)s
                   AND (q.write_date >= %(since)s
                        OR (q.validity_date >= %(low)s
                            AND q.validity_date < %(high)s))
                """,
                company=company.id,
                since=since,
                low=min(previous_day, today),
                high=max(previous_day, today),
            )
        return self._interest_source("quotation", partners, changed)
