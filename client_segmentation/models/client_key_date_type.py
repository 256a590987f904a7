from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools import key_dates


class ClientKeyDateType(models.Model):
    _name = "client.key.date.type"
    _inherit = ["client.company.shared.mixin"]
    _description = "Client Key Date Type"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    category = fields.Selection(
        selection=[
            ("birthday", "Birthday"),
            ("child_birthday", "Child's Birthday"),
            ("professional_holiday", "Professional Holiday"),
            ("company_anniversary", "Company Anniversary"),
            ("other", "Other"),
        ],
        default="other",
        required=True,
        help="Birthdays are found by this category in the 'Birthdays' filters.",
    )
    reminder_kind = fields.Selection(
        selection=[("call", "Call"), ("congratulate", "Congratulate")],
        string="Default Reminder",
        default="congratulate",
        required=True,
    )
    lead_days = fields.Integer(
        string="Default Lead Time (days)",
        default=3,
        help="Days before the date on which the reminder activity is created.",
    )
    recurrence = fields.Selection(
        selection=[("yearly", "Every Year"), ("once", "Once")],
        string="Default Recurrence",
        default="yearly",
        required=True,
    )
    must_be_past = fields.Boolean(
        string="Date in the Past",
        help="Dates of this type cannot lie in the future (a birthday).",
    )

    @api.constrains("lead_days")
    def _check_lead_days(self):
        for key_date_type in self:
            try:
                key_dates.check_lead_days(key_date_type.lead_days)
            except key_dates.KeyDateError as error:
                raise ValidationError(
                    self.env._(
                        "%(type)s: the default lead time must be between 0 and "
                        "%(max)s days (got %(days)s).",
                        type=key_date_type.name,
                        max=key_dates.MAX_LEAD_DAYS,
                        days=key_date_type.lead_days,
                    )
                ) from error
