from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools import pressure, settings

# Company fields that make the segmentation settings, validated together.
SEGMENT_SETTINGS_FIELDS = (
    "segment_abc_a_share",
    "segment_abc_b_share",
    "segment_window_months",
    "segment_recency_hot_days",
    "segment_recency_warm_days",
    "segment_frequency_regular_min",
    "segment_funnel_platinum_purchases",
    "segment_funnel_long_purchases",
    "segment_funnel_long_months",
    "segment_rhythm_lead_days",
    "segment_rhythm_tolerance_days",
)
# Every company setting of the addon that the settings forms write.
SEGMENT_SETTINGS_EDITABLE = (
    *SEGMENT_SETTINGS_FIELDS,
    "segment_revenue_source",
    "key_date_responsible_user_id",
    "work_plan_pressure_touches",
    "work_plan_pressure_days",
)


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
    segment_figures_applied_key = fields.Char(
        readonly=True,
        copy=False,
        help="Window and revenue source of the last recompute; when they "
        "differ, the next recompute re-aggregates every client.",
    )
    segment_last_run_at = fields.Datetime(
        string="Segments Computed On",
        readonly=True,
        copy=False,
        help="Start of the last recompute: documents and partners changed "
        "since then are re-examined by the next one.",
    )
    segment_last_run_date = fields.Date(
        readonly=True,
        copy=False,
        help="The day the last recompute classified for (its window).",
    )

    # --- Client card ---------------------------------------------------------
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

    # --- Funnel colour stages -----------------------------------------------
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

    # --- Clients over time ---------------------------------------------------
    segment_history_start = fields.Date(
        string="Segment History Since",
        readonly=True,
        copy=False,
        help="Date of the first segment recompute: from then on, every change "
        "of class, segment and stage is in the segment history.",
    )

    # --- Buying rhythm -------------------------------------------------------
    segment_rhythm_lead_days = fields.Integer(
        string="Due Soon From (days before)",
        default=7,
        help="A client with a buying rhythm is due soon from this many days "
        "before the expected next purchase.",
    )
    segment_rhythm_tolerance_days = fields.Integer(
        string="Overdue After (days late)",
        default=7,
        help="A client who has not bought this many days after the expected "
        "next purchase is overdue.",
    )

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

    @api.constrains(*SEGMENT_SETTINGS_FIELDS)
    def _check_segment_settings(self):
        """The settings of each company, checked as a whole once written, so
        that values changed together are judged together."""
        for company in self:
            company._segment_settings_check(
                {name: company[name] for name in SEGMENT_SETTINGS_FIELDS}
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

    def _segment_settings_check(self, values):
        """Raise a ValidationError naming the field for the first invalid
        value of ``values``: the one translation of the settings rules."""
        self.ensure_one()
        try:
            settings.check_settings(values)
        except settings.SettingsError as error:
            field = self._fields[error.field]._description_string(self.env)
            raise ValidationError(
                self.env._(
                    "%(company)s, %(field)s: %(problem)s",
                    company=self.name,
                    field=field,
                    problem=self.env._(error.message, **error.params),
                )
            ) from error

    def _segment_settings_write(self, values):
        """Write the segmentation settings ``values`` in one write, so that
        the combination is validated, not each value against the old ones."""
        self.ensure_one()
        unknown = set(values) - set(SEGMENT_SETTINGS_EDITABLE)
        if unknown:
            raise ValidationError(
                self.env._("Not a segmentation setting: %s", ", ".join(sorted(unknown)))
            )
        if values:
            self.write(values)

    @api.model
    def _segment_settings_split(self, vals_list):
        """Copies of a settings form's ``vals_list`` without the company
        settings, and these settings, one dict per record: a form writes
        them in one company write (see :meth:`_segment_settings_write`),
        not one related field after the other, each checked against the old
        values of the others (A 85 % refused while B is still 20 %)."""
        vals_list = [dict(vals) for vals in vals_list]  # the caller's stay whole
        company_values = [
            {name: vals.pop(name) for name in SEGMENT_SETTINGS_EDITABLE if name in vals}
            for vals in vals_list
        ]
        return vals_list, company_values
