from odoo import api, fields, models
from odoo.exceptions import ValidationError


class MailActivityPlanTemplate(models.Model):
    _inherit = "mail.activity.plan.template"

    # Translatable, as the plan's name (see mail_activity_plan.py): the steps
    # of the shipped plans read in each user's language.
    summary = fields.Char(translate=True)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_work_plan_vals(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._check_work_plan_vals(vals)
        return super().write(vals)

    @api.model
    def _check_work_plan_vals(self, vals):
        """Refuse a step without activity type with a message naming the field
        (the database would refuse it with a bare NOT NULL error)."""
        if "activity_type_id" in vals and not vals["activity_type_id"]:
            raise ValidationError(
                self.env._(
                    "Each step of an activity plan needs an Activity Type "
                    "(step '%(step)s').",
                    step=vals.get("summary") or "-",
                )
            )

    @api.constrains("delay_count")
    def _check_delay_count(self):
        """A negative interval has no meaning: the direction is given by
        Trigger (before or after the plan date)."""
        for template in self:
            if template.delay_count < 0:
                raise ValidationError(
                    self.env._(
                        "The Interval of step '%(step)s' of plan '%(plan)s' "
                        "cannot be negative (%(delay)s): choose 'Before Plan "
                        "Date' in Trigger to plan a step earlier.",
                        step=template.summary or template.activity_type_id.name,
                        plan=template.plan_id.name,
                        delay=template.delay_count,
                    )
                )
