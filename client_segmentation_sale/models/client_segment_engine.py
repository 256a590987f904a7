from odoo import api, models
from odoo.tools import SQL


class ClientSegmentEngine(models.AbstractModel):
    _inherit = "client.segment.engine"

    @api.model
    def _revenue_documents_sql(self, source, company):
        """Confirmed sales orders: untaxed, in the company currency at the
        order's rate; a quotation or a cancelled order does not count."""
        if source != "sale":
            return super()._revenue_documents_sql(source, company)
        return SQL(
            """
            SELECT partner.commercial_partner_id AS partner_id,
                   so.date_order::date AS day,
                   so.amount_untaxed / COALESCE(NULLIF(so.currency_rate, 0), 1)
                       AS amount,
                   TRUE AS is_purchase,
                   so.state = 'sale' AS counts,
                   so.write_date
              FROM sale_order so
              JOIN res_partner partner ON partner.id = so.partner_id
             WHERE so.company_id = %(company)s
            """,
            company=company.id,
        )
