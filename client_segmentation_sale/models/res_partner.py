from odoo import api, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    @api.model
    def _current_open_orders(self, commercial_ids):
        """The latest open quotation or sales order still to invoice of each
        client, in one grouped query, as the current user reads them."""
        stage_by_client = super()._current_open_orders(commercial_ids)
        SaleOrder = self.env["sale.order"]
        if not SaleOrder.has_access("read"):
            return stage_by_client
        groups = SaleOrder._read_group(
            [
                ("partner_id.commercial_partner_id", "in", commercial_ids),
                "|",
                ("state", "in", ("draft", "sent")),
                "&",
                ("state", "=", "sale"),
                ("invoice_status", "!=", "invoiced"),
            ],
            ["partner_id"],
            ["id:max"],
        )
        latest = {}
        for partner, order_id in groups:
            client_id = partner.commercial_partner_id.id
            latest[client_id] = max(latest.get(client_id, 0), order_id)
        for order in SaleOrder.browse(latest.values()):
            if order.state == "sale":
                label = self.env._("Sales order %(name)s, to invoice")
            elif order.state == "sent":
                label = self.env._("Quotation %(name)s, sent")
            else:
                label = self.env._("Quotation %(name)s")
            stage_by_client[order.partner_id.commercial_partner_id.id] = label % {
                "name": order.name
            }
        return stage_by_client
