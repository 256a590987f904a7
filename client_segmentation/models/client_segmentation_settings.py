from odoo import api, fields, models
from odoo.exceptions import AccessError


class ClientSegmentationSettings(models.TransientModel):
    """The segmentation and funnel thresholds of the current company, for
    sales managers: they own them like the stages, types and reasons, while
    the general Settings (and the company record) belong to administrators."""

    _name = "client.segmentation.settings"
    _description = "Client Segmentation Settings"

    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        readonly=True,
        default=lambda self: self.env.company,
    )
    segment_abc_a_share = fields.Float(
        related="company_id.segment_abc_a_share", readonly=False
    )
    segment_abc_b_share = fields.Float(
        related="company_id.segment_abc_b_share", readonly=False
    )
    segment_window_months = fields.Integer(
        related="company_id.segment_window_months", readonly=False
    )
    segment_revenue_source = fields.Selection(
        related="company_id.segment_revenue_source", readonly=False
    )
    segment_recency_hot_days = fields.Integer(
        related="company_id.segment_recency_hot_days", readonly=False
    )
    segment_recency_warm_days = fields.Integer(
        related="company_id.segment_recency_warm_days", readonly=False
    )
    segment_frequency_regular_min = fields.Integer(
        related="company_id.segment_frequency_regular_min", readonly=False
    )
    segment_funnel_platinum_purchases = fields.Integer(
        related="company_id.segment_funnel_platinum_purchases", readonly=False
    )
    segment_funnel_long_purchases = fields.Integer(
        related="company_id.segment_funnel_long_purchases", readonly=False
    )
    segment_funnel_long_months = fields.Integer(
        related="company_id.segment_funnel_long_months", readonly=False
    )
    segment_rhythm_lead_days = fields.Integer(
        related="company_id.segment_rhythm_lead_days", readonly=False
    )
    segment_rhythm_tolerance_days = fields.Integer(
        related="company_id.segment_rhythm_tolerance_days", readonly=False
    )
    key_date_responsible_user_id = fields.Many2one(
        related="company_id.key_date_responsible_user_id", readonly=False
    )
    work_plan_pressure_touches = fields.Integer(
        related="company_id.work_plan_pressure_touches", readonly=False
    )
    work_plan_pressure_days = fields.Integer(
        related="company_id.work_plan_pressure_days", readonly=False
    )
    segment_last_run_at = fields.Datetime(related="company_id.segment_last_run_at")

    @api.model_create_multi
    def create(self, vals_list):
        """Save the settings of each form in one write of its company."""
        if not self.env.user.has_group("sales_team.group_sale_manager"):
            raise AccessError(
                self.env._("Only sales administrators can change these settings.")
            )
        vals_list, company_values = self.env["res.company"]._segment_settings_split(
            vals_list
        )
        records = super().create(vals_list)
        for record, values in zip(records, company_values, strict=True):
            if record.company_id not in self.env.user.company_ids:
                raise AccessError(
                    self.env._(
                        "You cannot change the settings of %(company)s.",
                        company=record.company_id.name,
                    )
                )
            # sudo: sales managers own these settings but not the company
            # record; only the settings listed in SEGMENT_SETTINGS_EDITABLE
            # are written, after the rights checks above.
            record.company_id.sudo()._segment_settings_write(values)
        return records

    def action_save(self):
        """The form saved the settings on create: reopen it fresh."""
        return {"type": "ir.actions.client", "tag": "soft_reload"}

    def action_recompute_segments(self):
        return self.env["res.partner"].action_recompute_segments()
