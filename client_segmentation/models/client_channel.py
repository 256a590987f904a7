from odoo import fields, models


class ClientChannel(models.Model):
    _name = "client.channel"
    _description = "Client Communication Channel"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(
        help="Technical code of the channel (phone, email, sms, whatsapp...), "
        "for integrations and imports.",
    )
    icon = fields.Char(help="Font Awesome icon class, e.g. fa-phone.")
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("code_unique", "UNIQUE(code)", "Two channels cannot share a code."),
    ]
