from odoo import api, fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    # --- Segmentation --------------------------------------------------------
    segment_abc_a_share = fields.Float(
        related="company_id.segment_abc_a_share", readonly=False
    )
    segment_abc_b_share = fields.Float(
        related="company_id.segment_abc_b_share", readonly=False
    )
    segment_abc_c_share = fields.Float(
        string="Class C Share (%)",
        compute="_compute_segment_abc_c_share",
    )
    segment_window_months = fields.Integer(
        related="company_id.segment_window_months", readonly=False
    )
    segment_recency_hot_days = fields.Integer(
        related="company_id.segment_recency_hot_days", readonly=False
    )
    segment_recency_warm_days = fields.Integer(
        related="company_id.segment_recency_warm_days", readonly=False
    )
    segment_revenue_source = fields.Selection(
        related="company_id.segment_revenue_source", readonly=False
    )
    segment_last_run_at = fields.Datetime(related="company_id.segment_last_run_at")
    segment_sale_installed = fields.Boolean(
        compute="_compute_segment_sale_installed",
    )

    # --- Client card ---------------------------------------------------------
    segment_frequency_regular_min = fields.Integer(
        related="company_id.segment_frequency_regular_min", readonly=False
    )
    key_date_responsible_user_id = fields.Many2one(
        related="company_id.key_date_responsible_user_id", readonly=False
    )

    # --- Funnel colour stages -----------------------------------------------
    segment_funnel_platinum_purchases = fields.Integer(
        related="company_id.segment_funnel_platinum_purchases", readonly=False
    )
    segment_funnel_long_purchases = fields.Integer(
        related="company_id.segment_funnel_long_purchases", readonly=False
    )
    segment_funnel_long_months = fields.Integer(
        related="company_id.segment_funnel_long_months", readonly=False
    )

    # --- Clients over time ---------------------------------------------------
    segment_history_start = fields.Date(related="company_id.segment_history_start")
    segment_rhythm_lead_days = fields.Integer(
        related="company_id.segment_rhythm_lead_days", readonly=False
    )
    segment_rhythm_tolerance_days = fields.Integer(
        related="company_id.segment_rhythm_tolerance_days", readonly=False
    )

    # --- Work plans: contact pressure ----------------------------------------
    work_plan_pressure_touches = fields.Integer(
        related="company_id.work_plan_pressure_touches", readonly=False
    )
    work_plan_pressure_days = fields.Integer(
        related="company_id.work_plan_pressure_days", readonly=False
    )

    @api.depends("segment_abc_a_share", "segment_abc_b_share")
    def _compute_segment_abc_c_share(self):
        for settings in self:
            settings.segment_abc_c_share = max(
                0.0,
                100.0 - settings.segment_abc_a_share - settings.segment_abc_b_share,
            )

    def _compute_segment_sale_installed(self):
        self.segment_sale_installed = "sale.order" in self.env

    @api.model_create_multi
    def create(self, vals_list):
        """Write the segmentation settings of a save in one company write
        (see ``res.company._segment_settings_split``)."""
        vals_list, company_values = self.env["res.company"]._segment_settings_split(
            vals_list
        )
        records = super().create(vals_list)
        for record, values in zip(records, company_values, strict=True):
            record.company_id._segment_settings_write(values)
        return records

    def action_recompute_segments(self):
        """Save nothing more, recompute the current company's segments."""
        return self.env["res.partner"].action_recompute_segments()

    def action_preview_segments(self):
        """What-if of the settings on the form against the last recompute."""
        return self.env["client.segment.preview"]._action_open(self)
