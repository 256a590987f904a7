from odoo import fields, models


class ClientType(models.Model):
    _name = "client.type"
    _inherit = ["client.company.shared.mixin"]
    _description = "Client Typology"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    color = fields.Integer(string="Colour Index")
    description = fields.Text(
        translate=True,
        help="How to recognise this behaviour and how to work with it.",
    )
