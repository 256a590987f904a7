from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError

# What users (sales managers) may change; the rest is the engine's.
SETTINGS_FIELDS = {"horizon_days", "likely_threshold", "lost_threshold"}

STATE_SELECTION = [
    ("new", "Not fitted yet"),
    ("fitted", "Fitted"),
    ("insufficient", "Too little data"),
    ("failed", "Did not converge"),
]


class ClientClvModel(models.Model):
    """The predicted-value model of one company: its settings (horizon,
    bands), the parameters of the last good fit of BG/NBD and Gamma-Gamma,
    the data they were fitted on and the outcome of the last nightly run.
    Fitted by client.clv.engine; users edit only the settings."""

    _name = "client.clv.model"
    _description = "Predicted Value Model"
    _order = "company_id"
    _rec_name = "company_id"

    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        readonly=True,
        ondelete="cascade",
        index=True,
        default=lambda self: self.env.company,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    horizon_days = fields.Integer(
        string="Horizon (days)",
        default=365,
        required=True,
        help="The period ahead over which purchases, revenue and the value at "
        "risk are predicted.",
    )
    likely_threshold = fields.Float(
        string="Likely Still a Client From (%)",
        default=70.0,
        required=True,
        help="Clients whose probability of being still active is at least this "
        "are 'likely still a client'.",
    )
    lost_threshold = fields.Float(
        string="Probably Lost Below (%)",
        default=30.0,
        required=True,
        help="Clients whose probability of being still active is below this are "
        "'probably lost'; between the two thresholds: 'uncertain'.",
    )
    state = fields.Selection(
        selection=STATE_SELECTION,
        string="Status",
        default="new",
        required=True,
        readonly=True,
    )
    status_message = fields.Text(string="Status Details", readonly=True)
    last_run_at = fields.Datetime(string="Last Run", readonly=True)
    fitted_at = fields.Datetime(
        string="Fitted On",
        readonly=True,
        help="When the parameters in use were fitted (the last good fit).",
    )
    time_unit = fields.Selection(
        selection=[("week", "Weeks")],
        default="week",
        required=True,
        readonly=True,
        help="Recency and age are measured in weeks, as in the paper (Fader, "
        "Hardie & Lee 2005), so that the parameters compare with the published "
        "ones; purchases are counted as purchase days.",
    )
    # the data of the fit in use
    client_count = fields.Integer(string="Clients", readonly=True)
    repeat_client_count = fields.Integer(string="Repeat Buyers", readonly=True)
    value_client_count = fields.Integer(
        string="Clients in the Value Fit",
        readonly=True,
        help="Clients with at least one repeat purchase of positive value: the "
        "data of the Gamma-Gamma fit.",
    )
    period_start = fields.Date(string="Data From", readonly=True)
    period_end = fields.Date(string="Data Until", readonly=True)
    # BG/NBD
    bgnbd_r = fields.Float(string="r", digits=(16, 4), readonly=True)
    bgnbd_alpha = fields.Float(string="alpha", digits=(16, 4), readonly=True)
    bgnbd_a = fields.Float(string="a", digits=(16, 4), readonly=True)
    bgnbd_b = fields.Float(string="b", digits=(16, 4), readonly=True)
    bgnbd_log_likelihood = fields.Float(
        string="Log-Likelihood (BG/NBD)", digits=(16, 2), readonly=True
    )
    # Gamma-Gamma
    gg_p = fields.Float(string="p", digits=(16, 4), readonly=True)
    gg_q = fields.Float(string="q", digits=(16, 4), readonly=True)
    gg_v = fields.Float(string="v", digits=(16, 4), readonly=True)
    gg_log_likelihood = fields.Float(
        string="Log-Likelihood (Gamma-Gamma)", digits=(16, 2), readonly=True
    )
    line_ids = fields.One2many(
        comodel_name="client.clv.model.line",
        inverse_name="model_id",
        string="Fit Check",
        readonly=True,
    )
    score_count = fields.Integer(compute="_compute_score_count", string="Scores")
    # the stored purchase summaries (client.clv.summary): up to date with
    # the documents as of this cutoff and day, under this version of the
    # profile's figures settings; a run re-aggregates only the clients
    # changed since (none set: the next run aggregates every client)
    summary_cutoff = fields.Datetime(readonly=True, copy=False)
    summary_date = fields.Date(readonly=True, copy=False)
    summary_version = fields.Integer(readonly=True, copy=False)

    _sql_constraints = [
        (
            "company_unique",
            "UNIQUE (company_id)",
            "One predicted value model per company.",
        )
    ]

    @api.model_create_multi
    def create(self, vals_list):
        self._check_settings_only(vals_list, SETTINGS_FIELDS | {"company_id"})
        return super().create(vals_list)

    def write(self, vals):
        self._check_settings_only([vals], SETTINGS_FIELDS)
        return super().write(vals)

    def _check_settings_only(self, vals_list, allowed):
        """The fitted figures are written by the engine (as superuser) only."""
        if self.env.su:
            return
        for vals in vals_list:
            if set(vals) - allowed:
                raise AccessError(
                    self.env._(
                        "The parameters and figures of the predicted value model "
                        "are computed by the nightly run; only the horizon and the "
                        "thresholds can be changed (%(fields)s).",
                        fields=", ".join(sorted(set(vals) - allowed)),
                    )
                )

    @api.constrains("horizon_days")
    def _check_horizon(self):
        for model in self:
            if not 1 <= model.horizon_days <= 3650:
                raise ValidationError(
                    self.env._(
                        "The horizon of the predicted value must be between 1 and "
                        "3650 days (%(company)s: %(days)s).",
                        company=model.company_id.name,
                        days=model.horizon_days,
                    )
                )

    @api.constrains("likely_threshold", "lost_threshold")
    def _check_thresholds(self):
        for model in self:
            for value in (model.likely_threshold, model.lost_threshold):
                if not 0 <= value <= 100:
                    raise ValidationError(
                        self.env._(
                            "The thresholds of the 'still active' bands are "
                            "percentages between 0 and 100 %% (%(company)s: "
                            "%(value)s).",
                            company=model.company_id.name,
                            value=value,
                        )
                    )
            if model.lost_threshold > model.likely_threshold:
                raise ValidationError(
                    self.env._(
                        "'Probably lost below' (%(lost)s %%) cannot be above 'likely "
                        "still a client from' (%(likely)s %%) (%(company)s).",
                        lost=model.lost_threshold,
                        likely=model.likely_threshold,
                        company=model.company_id.name,
                    )
                )

    def _compute_score_count(self):
        counts = dict(
            self.env["client.clv.score"]._read_group(
                [("company_id", "in", self.company_id.ids)],
                ["company_id"],
                ["__count"],
            )
        )
        for model in self:
            model.score_count = counts.get(model.company_id, 0)

    def _params(self):
        """(r, alpha, a, b), (p, q, v) of the fit in use; None when never
        fitted."""
        self.ensure_one()
        if not self.fitted_at:
            return None
        return (
            (self.bgnbd_r, self.bgnbd_alpha, self.bgnbd_a, self.bgnbd_b),
            (self.gg_p, self.gg_q, self.gg_v),
        )

    @api.model
    def _for_company(self, company):
        """The company's model, created with the defaults when missing."""
        # sudo: the engine's bookkeeping record of the company; rights are
        # checked by the callers (engine: sales managers or the cron; the
        # menu action: salespeople, who then read it under the access rules).
        Model = self.sudo()
        model = Model.search([("company_id", "=", company.id)], limit=1)
        return model or Model.create({"company_id": company.id})

    @api.model
    def action_open_current(self):
        """The menu's entry: the current company's model page (for users
        who may read it: salespeople)."""
        self.browse().check_access("read")
        model = self._for_company(self.env.company)
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": model.id,
            "view_mode": "form",
            "name": self.env._("Predicted Value Model"),
            "target": "current",
        }

    def action_view_fit_check(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "client_segmentation_clv.client_clv_model_line_action"
        )
        action["domain"] = [("model_id", "=", self.id)]
        return action

    def action_view_scores(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "client_segmentation_clv.client_clv_score_action_slipping"
        )
        action["domain"] = [("company_id", "=", self.company_id.id)]
        action["context"] = {}
        return action
