from odoo import fields, models


class ClientRefusalReason(models.Model):
    _name = "client.refusal.reason"
    _inherit = ["client.company.shared.mixin"]
    _description = "Client Refusal Reason"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
