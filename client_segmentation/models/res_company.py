from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools import funnel, pressure, segmentation


class ResCompany(models.Model):
    _inherit = "res.company"

    segment_abc_a_share = fields.Float(
        string="Class A Share (%)",
        default=75.0,
        help="Clients ranked first, until their cumulative revenue reaches this "
        "share of the total, are class A.",
    )
    segment_abc_b_share = fields.Float(
        string="Class B Share (%)",
        default=20.0,
        help="Clients after class A, until the cumulative revenue reaches the "
        "A and B shares together, are class B; the rest is class C.",
    )
    segment_window_months = fields.Integer(
        string="ABC Window (months)",
        default=12,
        help="Revenue of this many months, up to today, ranks the clients. "
        "0 ranks them on all their revenue.",
    )
    segment_recency_hot_days = fields.Integer(
        string="Hot Within (days)",
        default=30,
        help="Clients whose last purchase is at most this many days old are hot.",
    )
    segment_recency_warm_days = fields.Integer(
        string="Warm Within (days)",
        default=120,
        help="Clients whose last purchase is older than the hot threshold but "
        "at most this many days old are warm; older ones are sleeping.",
    )
    segment_revenue_source = fields.Selection(
        selection=[
            ("invoice", "Posted customer invoices"),
            ("sale", "Confirmed sales orders"),
        ],
        string="Revenue Source",
        default="invoice",
        required=True,
        help="Posted customer invoices minus credit notes, or confirmed sales "
        "orders (needs the Sales app). Untaxed amounts in the company currency.",
    )
    segment_funnel_applied_key = fields.Char(
        readonly=True,
        copy=False,
        help="Funnel thresholds of the last recompute; when they differ, the "
        "next recompute re-examines every client.",
    )
    segment_last_run_at = fields.Datetime(
        string="Segments Computed On",
        readonly=True,
        copy=False,
    )

    @api.constrains("segment_abc_a_share", "segment_abc_b_share")
    def _check_segment_abc_shares(self):
        for company in self:
            try:
                segmentation.check_abc_shares(
                    company.segment_abc_a_share, company.segment_abc_b_share
                )
            except segmentation.SettingsError as error:
                raise ValidationError(
                    self.env._(
                        "%(company)s: the shares of classes A and B must both be "
                        "above 0 %% and add up to less than 100 %%, so that class "
                        "C keeps a share (A: %(a)s %%, B: %(b)s %%).",
                        company=company.name,
                        a=company.segment_abc_a_share,
                        b=company.segment_abc_b_share,
                    )
                ) from error

    @api.constrains("segment_recency_hot_days", "segment_recency_warm_days")
    def _check_segment_recency_thresholds(self):
        for company in self:
            try:
                segmentation.check_recency_thresholds(
                    company.segment_recency_hot_days,
                    company.segment_recency_warm_days,
                )
            except segmentation.SettingsError as error:
                raise ValidationError(
                    self.env._(
                        "%(company)s: the recency thresholds must be at least 1 "
                        "day and 'hot' must be shorter than 'warm' (hot: %(hot)s "
                        "days, warm: %(warm)s days).",
                        company=company.name,
                        hot=company.segment_recency_hot_days,
                        warm=company.segment_recency_warm_days,
                    )
                ) from error

    @api.constrains("segment_window_months")
    def _check_segment_window_months(self):
        for company in self:
            try:
                segmentation.check_window_months(company.segment_window_months)
            except segmentation.SettingsError as error:
                raise ValidationError(
                    self.env._(
                        "%(company)s: the ABC window must be 0 (all time) or a "
                        "positive number of months (got %(months)s).",
                        company=company.name,
                        months=company.segment_window_months,
                    )
                ) from error

    @api.constrains("segment_revenue_source")
    def _check_segment_revenue_source(self):
        if "sale.order" in self.env:
            return
        for company in self:
            if company.segment_revenue_source == "sale":
                raise ValidationError(
                    self.env._(
                        "%(company)s: confirmed sales orders can only be the "
                        "revenue source when the Sales app is installed.",
                        company=company.name,
                    )
                )

    # --- client card (issue #3) ---------------------------------------

    segment_frequency_regular_min = fields.Integer(
        string="Regular From (purchases)",
        default=3,
        help="Purchases in the segmentation window from which a client is "
        "regular; one purchase is a one-off, in between is rare.",
    )
    key_date_responsible_user_id = fields.Many2one(
        comodel_name="res.users",
        string="Key Date Reminders For",
        domain=[("share", "=", False)],
        help="Receives the key date reminders of clients without salesperson.",
    )

    @api.constrains("segment_frequency_regular_min")
    def _check_segment_frequency_regular_min(self):
        for company in self:
            try:
                segmentation.check_frequency_threshold(
                    company.segment_frequency_regular_min
                )
            except segmentation.SettingsError as error:
                raise ValidationError(
                    self.env._(
                        "%(company)s: a regular client needs at least 2 purchases "
                        "in the window, one purchase being a one-off (got "
                        "%(count)s).",
                        company=company.name,
                        count=company.segment_frequency_regular_min,
                    )
                ) from error

    # --- Funnel colour stages (issue #4) -------------------------------------
    segment_funnel_platinum_purchases = fields.Integer(
        string="Platinum From (purchases)",
        default=3,
        help="Clients with at least this many purchases, not sleeping, move to "
        "the platinum stage; fewer purchases give gold.",
    )
    segment_funnel_long_purchases = fields.Integer(
        string="Long Cooperation From (purchases)",
        default=4,
        help="A sleeping client with at least this many purchases, spread over "
        "the duration below, stopped after a long cooperation (platinum-red); "
        "other sleeping buyers are red-gold.",
    )
    segment_funnel_long_months = fields.Integer(
        string="Long Cooperation Over (months)",
        default=12,
        help="Months between the first and the last purchase that make a long "
        "cooperation; 0: the number of purchases alone decides.",
    )

    @api.constrains(
        "segment_funnel_platinum_purchases",
        "segment_funnel_long_purchases",
        "segment_funnel_long_months",
    )
    def _check_segment_funnel_thresholds(self):
        for company in self:
            try:
                funnel.check_thresholds(
                    company.segment_funnel_platinum_purchases,
                    company.segment_funnel_long_purchases,
                    company.segment_funnel_long_months,
                )
            except funnel.SettingsError as error:
                raise ValidationError(
                    self.env._(
                        "%(company)s: platinum and a long cooperation need at "
                        "least 2 purchases and the cooperation duration cannot "
                        "be negative (platinum: %(platinum)s, long cooperation: "
                        "%(long)s purchases over %(months)s months).",
                        company=company.name,
                        platinum=company.segment_funnel_platinum_purchases,
                        long=company.segment_funnel_long_purchases,
                        months=company.segment_funnel_long_months,
                    )
                ) from error

    # --- Work plans: contact pressure ----------------------------------------
    work_plan_pressure_touches = fields.Integer(
        string="Touches Allowed",
        default=1,
        help="Work plans touch a client at most this many times per period "
        "(planned activities, and mailings sent when Email Marketing is "
        "installed); a step that would exceed it moves to the next free day.",
    )
    work_plan_pressure_days = fields.Integer(
        string="Per Days",
        default=7,
        help="Length of the contact-pressure period, in days.",
    )

    @api.constrains("work_plan_pressure_touches", "work_plan_pressure_days")
    def _check_work_plan_pressure(self):
        for company in self:
            try:
                pressure.check_settings(
                    company.work_plan_pressure_touches,
                    company.work_plan_pressure_days,
                )
            except pressure.PressureError as error:
                raise ValidationError(
                    self.env._(
                        "%(company)s: the contact pressure needs at least 1 touch "
                        "(Touches Allowed: %(touches)s) per at least 1 day (Per "
                        "Days: %(days)s).",
                        company=company.name,
                        touches=company.work_plan_pressure_touches,
                        days=company.work_plan_pressure_days,
                    )
                ) from error

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        self.env["client.work.plan.trigger"]._create_default_triggers(companies)
        return companies
