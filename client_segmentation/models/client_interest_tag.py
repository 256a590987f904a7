from random import randint

from odoo import fields, models


class ClientInterestTag(models.Model):
    _name = "client.interest.tag"
    _description = "Client Interest or Hobby"
    _order = "name, id"

    def _default_color(self):
        return randint(1, 11)

    name = fields.Char(required=True, translate=True)
    color = fields.Integer(default=_default_color)
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("name_unique", "UNIQUE(name)", "This interest already exists."),
    ]
