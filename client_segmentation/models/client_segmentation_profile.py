from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.tools import SQL, sql

from ..tools import settings

# Settings whose change makes the next recompute re-aggregate every client's
# documents (the window revenue and counts are stored in the state), and
# those whose change makes it re-examine every client's funnel stage. Each
# group has its version (see :meth:`write`): the engine keeps the version it
# applied, and a run whose applied version differs is a full one.
VERSIONED_FIELDS = {
    "figures_version": ("segment_window_months", "segment_revenue_source"),
    "funnel_version": (
        "segment_funnel_platinum_purchases",
        "segment_funnel_long_purchases",
        "segment_funnel_long_months",
        "segment_interest_days",
    ),
}
# The settings 18.0.2.0.0 kept on res.company, under the same names: the
# migration to 18.0.3.0.0 moves them here (:meth:`_migrate_company_settings`).
# Settings added after 18.0.3.0.0 live on the profile only.
PROFILE_ONLY_SETTINGS = ("segment_interest_days",)
COMPANY_SETTINGS_COLUMNS = (
    *(name for name in settings.SETTINGS_FIELDS if name not in PROFILE_ONLY_SETTINGS),
    "segment_revenue_source",
    "key_date_responsible_user_id",
)
# Engine bookkeeping: written by the engine (as superuser) only.
BOOKKEEPING_FIELDS = (
    "figures_version",
    "funnel_version",
    "figures_applied_version",
    "funnel_applied_version",
)


class ClientSegmentationProfile(models.Model):
    """Every threshold and choice of the addon for one company: the ABC
    shares and window, the recency days, the purchase frequency, the funnel
    thresholds, the buying rhythm, the contact pressure, the revenue source
    and who gets the key date reminders of clients without salesperson.

    One record per company, created with it. Sales managers edit it (access
    rules and a multi-company record rule, no ``sudo()``); the record is
    checked as a whole by :meth:`_check_profile` with the rules of
    ``tools/settings.py``. See docs/adr-008-settings-profile.md.
    """

    _name = "client.segmentation.profile"
    _description = "Client Segmentation Settings"
    _rec_name = "company_id"
    _check_company_auto = True

    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        readonly=True,
        ondelete="cascade",
        index=True,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")

    # --- Value (ABC) ---------------------------------------------------------
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
    segment_abc_c_share = fields.Float(
        string="Class C Share (%)",
        compute="_compute_segment_abc_c_share",
        help="What the A and B shares leave: the clients after them are class C.",
    )
    segment_window_months = fields.Integer(
        string="ABC Window (months)",
        default=12,
        help="Revenue of this many months, up to today, ranks the clients. "
        "0 ranks them on all their revenue.",
    )
    segment_revenue_source = fields.Selection(
        # the bridge modules add their sources (client_segmentation_sale,
        # client_segmentation_pos): docs/adr-010-revenue-sources.md
        selection=[("invoice", "Posted customer invoices")],
        string="Revenue Source",
        default="invoice",
        required=True,
        help="The documents whose untaxed amounts, in the company currency, "
        "make the revenue and the purchases: posted customer invoices minus "
        "credit notes; with Sales, confirmed sales orders; with Point of Sale, "
        "paid orders of known customers, alone or with the invoices.",
    )

    # --- Recency and frequency -----------------------------------------------
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
    segment_frequency_regular_min = fields.Integer(
        string="Regular From (purchases)",
        default=3,
        help="Purchases in the segmentation window from which a client is "
        "regular; one purchase is a one-off, in between is rare.",
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

    segment_interest_days = fields.Integer(
        string="Interest Shown Within (days)",
        default=90,
        help="A conversation logged on the client or an activity done with it "
        "at most this many days ago is a sign of interest: the client is at "
        "least warm.",
    )

    # --- Client card ---------------------------------------------------------
    key_date_responsible_user_id = fields.Many2one(
        comodel_name="res.users",
        string="Key Date Reminders For",
        check_company=True,
        domain="[('share', '=', False), ('company_ids', 'in', company_id)]",
        help="Receives the key date reminders of clients without salesperson: "
        "an internal user of this company.",
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

    # --- The last recompute (the company's bookkeeping) ----------------------
    segment_last_run_at = fields.Datetime(related="company_id.segment_last_run_at")
    segment_history_start = fields.Date(related="company_id.segment_history_start")
    figures_version = fields.Integer(
        default=1,
        readonly=True,
        copy=False,
        help="Raised by every change of the window or the revenue source.",
    )
    funnel_version = fields.Integer(
        default=1,
        readonly=True,
        copy=False,
        help="Raised by every change of the funnel thresholds.",
    )
    figures_applied_version = fields.Integer(
        readonly=True,
        copy=False,
        help="Figures version of the last recompute; when it differs, the next "
        "recompute re-aggregates every client.",
    )
    funnel_applied_version = fields.Integer(
        readonly=True,
        copy=False,
        help="Funnel version of the last recompute; when it differs, the next "
        "recompute re-examines every client's stage.",
    )

    _sql_constraints = [
        (
            "company_uniq",
            "unique(company_id)",
            "A company has one client segmentation profile.",
        ),
    ]

    @api.depends("company_id")
    def _compute_display_name(self):
        for profile in self:
            profile.display_name = self.env._(
                "Client Segmentation Settings: %(company)s",
                company=profile.company_id.name,
            )

    @api.depends("segment_abc_a_share", "segment_abc_b_share")
    def _compute_segment_abc_c_share(self):
        for profile in self:
            profile.segment_abc_c_share = max(
                0.0, 100.0 - profile.segment_abc_a_share - profile.segment_abc_b_share
            )

    # ------------------------------------------------------------------
    # Validation
    # ------------------------------------------------------------------

    @api.constrains(
        *settings.SETTINGS_FIELDS,
        "segment_revenue_source",
        "key_date_responsible_user_id",
    )
    def _check_profile(self):
        """The whole profile, once written: every value against its bounds
        and against the others it depends on (``tools/settings.py``), the
        reminders' user against the company (a revenue source is offered only
        with its bridge module)."""
        for profile in self:
            profile._check_values(
                {name: profile[name] for name in settings.SETTINGS_FIELDS}
            )
            user = profile.key_date_responsible_user_id
            if user and (user.share or profile.company_id not in user.company_ids):
                raise ValidationError(
                    self.env._(
                        "%(company)s: the key date reminders go to an internal "
                        "user of the company; %(user)s is not one.",
                        company=profile.company_id.name,
                        user=user.name,
                    )
                )

    def _check_values(self, values):
        """Raise a ValidationError naming the field for the first invalid
        value of ``values`` (setting name to value): the one translation of
        the rules of ``tools/settings.py``. Also used by the preview on its
        proposed values."""
        self.ensure_one()
        try:
            settings.check_settings(values)
        except settings.SettingsError as error:
            field = self._fields[error.field]._description_string(self.env)
            raise ValidationError(
                self.env._(
                    "%(company)s, %(field)s: %(problem)s",
                    company=self.company_id.name,
                    field=field,
                    problem=self.env._(error.message, **error.params),
                )
            ) from error

    # ------------------------------------------------------------------
    # ORM
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        self._check_bookkeeping(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        """Write, and raise the versions of the groups of settings written
        (see :data:`VERSIONED_FIELDS`) in one statement."""
        self._check_bookkeeping([vals])
        if "company_id" in vals and not self.env.su:
            raise AccessError(
                self.env._("The company of a segmentation profile cannot change.")
            )
        result = super().write(vals)
        raised = [
            SQL("%(version)s = %(version)s + 1", version=SQL.identifier(version))
            for version, names in VERSIONED_FIELDS.items()
            if set(names) & vals.keys()
        ]
        if raised:
            self.flush_recordset()
            self.env.cr.execute(
                SQL(
                    "UPDATE %s SET %s WHERE id = ANY(%s)",
                    SQL.identifier(self._table),
                    SQL(", ").join(raised),
                    self.ids,
                )
            )
            self.invalidate_recordset(list(VERSIONED_FIELDS))
        return result

    def _check_bookkeeping(self, vals_list):
        if self.env.su:
            return
        for vals in vals_list:
            written = set(BOOKKEEPING_FIELDS) & vals.keys()
            if written:
                raise AccessError(
                    self.env._(
                        "Only the segment recompute writes %(fields)s.",
                        fields=", ".join(sorted(written)),
                    )
                )

    @api.model
    def _renew_funnel(self):
        """Make the next recompute of every company re-examine the stage and
        temperature of all its clients: the rule or its signals changed (a
        new version of the rule, a glue module adding signals installed)."""
        self.flush_model()
        self.env.cr.execute(
            SQL(
                "UPDATE client_segmentation_profile"
                " SET funnel_version = funnel_version + 1"
            )
        )
        self.invalidate_model(["funnel_version"])

    @api.model
    def _create_missing_profiles(self):
        """A profile with the default values for every company without one
        (install, upgrade; new companies get theirs in
        ``res.company.create``). Returns the profiles created."""
        companies = (
            self.env["res.company"]
            .with_context(active_test=False)
            .sudo()
            .search([("segment_profile_ids", "=", False)])
        )
        # sudo: every company gets its profile, whoever installs the addon
        return self.sudo().create([{"company_id": company.id} for company in companies])

    @api.model
    def _migrate_company_settings(self):
        """18.0.2.0.0 -> 18.0.3.0.0: the settings of each company move from
        its res_company columns into its profile, then the columns go.

        The versions the last recompute applied follow from its keys
        (window/source/"rhythm", and the funnel thresholds): a company whose
        last run used the saved values needs no full run after the upgrade;
        any other (or one from before the buying rhythm, whose key lacks
        "/rhythm") gets one. A reminders' user the profile refuses (a portal
        user, a user of another company) is dropped. Columns already gone
        are skipped: running it twice changes nothing."""
        cr = self.env.cr
        self._create_missing_profiles()
        self.flush_model()
        present = [
            name
            for name in COMPANY_SETTINGS_COLUMNS
            if sql.column_exists(cr, "res_company", name)
        ]
        keys = [
            name
            for name in ("segment_figures_applied_key", "segment_funnel_applied_key")
            if sql.column_exists(cr, "res_company", name)
        ]
        if present:
            cr.execute(
                SQL(
                    "UPDATE client_segmentation_profile p SET %s"
                    " FROM res_company c WHERE c.id = p.company_id",
                    SQL(", ").join(
                        SQL(
                            "%(col)s = COALESCE(c.%(col)s, p.%(col)s)",
                            col=SQL.identifier(name),
                        )
                        for name in present
                    ),
                )
            )
        if len(keys) == 2:
            cr.execute(
                SQL(
                    """
                    -- 18.0.2.0.0 recorded what the last run applied as
                    -- text keys: "<window months>/<revenue source>/rhythm"
                    -- (the "/rhythm" suffix from the release that added the
                    -- buying rhythm to the figures) and "<platinum
                    -- purchases>/<long purchases>/<long months>"
                    UPDATE client_segmentation_profile p
                       SET figures_applied_version = CASE
                               WHEN c.segment_figures_applied_key
                                    = p.segment_window_months || '/'
                                      || p.segment_revenue_source || '/rhythm'
                               THEN p.figures_version ELSE 0 END,
                           funnel_applied_version = CASE
                               WHEN c.segment_funnel_applied_key
                                    = p.segment_funnel_platinum_purchases || '/'
                                      || p.segment_funnel_long_purchases || '/'
                                      || p.segment_funnel_long_months
                               THEN p.funnel_version ELSE 0 END
                      FROM res_company c
                     WHERE c.id = p.company_id
                    """
                )
            )
        cr.execute(
            SQL(
                """
                UPDATE client_segmentation_profile p
                   SET key_date_responsible_user_id = NULL
                  FROM res_users u
                 WHERE u.id = p.key_date_responsible_user_id
                   AND (u.share OR NOT EXISTS (
                        SELECT 1 FROM res_company_users_rel r
                         WHERE r.user_id = u.id AND r.cid = p.company_id))
                """
            )
        )
        for name in present + keys:
            cr.execute(
                SQL(
                    "ALTER TABLE res_company DROP COLUMN IF EXISTS %s",
                    SQL.identifier(name),
                )
            )
        self.invalidate_model()
        return present + keys

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    @api.model
    def action_open_current(self):
        """The form of the current company's profile itself (Client
        Segmentation > Configuration > Settings, and the link on Odoo's
        Settings page)."""
        profile = self.search([("company_id", "=", self.env.company.id)], limit=1)
        if not profile:
            raise AccessError(
                self.env._(
                    "%(company)s has no client segmentation settings you can open.",
                    company=self.env.company.name,
                )
            )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Client Segmentation Settings"),
            "res_model": self._name,
            "res_id": profile.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
        }

    def action_recompute_segments(self):
        self.ensure_one()
        return (
            self.env["res.partner"]
            .with_company(self.company_id)
            .action_recompute_segments()
        )

    def action_open_preview(self):
        """The what-if preview of this company, starting from the saved
        values: the proposed values are typed in the preview itself."""
        self.ensure_one()
        return self.env["client.segment.preview"]._action_open(self.company_id)
