from odoo import api, models
from odoo.tools import SQL

# Point of Sale orders that count: paid, posted with their session, invoiced.
COUNTED_STATES = ("paid", "done", "invoiced")


class ClientSegmentEngine(models.AbstractModel):
    _inherit = "client.segment.engine"

    @api.model
    def _revenue_documents_sql(self, source, company):
        """``pos``: the paid orders of known customers. ``invoice_pos``: the
        invoices, and the orders that were not invoiced: an invoiced order
        counts once, as its invoice (docs/adr-010-revenue-sources.md)."""
        if source == "pos":
            return self._pos_documents_sql(company, invoiced=True)
        if source == "invoice_pos":
            return SQL(
                "%s UNION ALL %s",
                super()._revenue_documents_sql("invoice", company),
                self._pos_documents_sql(company, invoiced=False),
            )
        return super()._revenue_documents_sql(source, company)

    @api.model
    def _pos_documents_sql(self, company, invoiced):
        """The company's Point of Sale orders with a customer, as purchase
        documents: the untaxed amount in the company currency at the order's
        rate. A refund order is negative and makes no purchase day, like a
        credit note; an order refunded in full (its refunds' totals cancel
        its own, as Point of Sale itself decides) makes none either, like a
        reversed invoice. ``invoiced``: also the orders that have an
        invoice."""
        rounding = company.currency_id.rounding / 2
        return SQL(
            """
            SELECT partner.commercial_partner_id AS partner_id,
                   po.date_order::date AS day,
                   (po.amount_total - po.amount_tax)
                       / COALESCE(NULLIF(po.currency_rate, 0), 1) AS amount,
                   po.amount_total > 0
                       AND po.amount_total + COALESCE(refund.amount, 0)
                           > %(rounding)s AS is_purchase,
                   po.state IN %(states)s AS counts,
                   po.write_date
              FROM pos_order po
              JOIN res_partner partner ON partner.id = po.partner_id
              LEFT JOIN (
                  -- what the counted refunds took back, per refunded order
                  SELECT line.order_id, SUM(back.price_subtotal_incl) AS amount
                    FROM pos_order_line back
                    JOIN pos_order refund_order ON refund_order.id = back.order_id
                    JOIN pos_order_line line ON line.id = back.refunded_orderline_id
                   WHERE refund_order.company_id = %(company)s
                     AND refund_order.state IN %(states)s
                   GROUP BY line.order_id
              ) refund ON refund.order_id = po.id
             WHERE po.company_id = %(company)s
               AND (%(invoiced)s OR po.account_move IS NULL)
            """,
            company=company.id,
            states=COUNTED_STATES,
            rounding=rounding,
            invoiced=invoiced,
        )
