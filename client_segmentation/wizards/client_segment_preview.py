from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

from ..classification_sql import classified_sql
from ..models.res_partner_segment import RECENCY_SELECTION
from ..tools import segmentation

# The proposed values: fields of the preview named as the profile's.
PREVIEW_FIELDS = (
    "segment_abc_a_share",
    "segment_abc_b_share",
    "segment_window_months",
    "segment_recency_hot_days",
    "segment_recency_warm_days",
)
# The clients the Value and Recency boards show (their action's domain and
# their default "Clients" filter): the preview counts the same clients.
BOARD_DOMAIN = [
    "|",
    ("is_company", "=", True),
    ("parent_id", "=", False),
    ("customer_rank", ">", 0),
]

PREVIEW_VALUES = [("a", "A"), ("b", "B"), ("c", "C"), *RECENCY_SELECTION]


class ClientSegmentPreview(models.TransientModel):
    """What-if of other ABC shares, window and recency days: how many clients
    of the boards would move between classes and segments, against the last
    recompute.

    The proposed values are the preview's own fields (the names of the
    profile's), filled from the saved profile when it opens: the profile is
    neither written nor saved by the web client to preview (the dialog is
    the preview's form, not the profile's). Only Apply writes the profile,
    as the user, through its access rules and its constraint. Computed in
    SQL by the rule the engine uses (``classification_sql``)."""

    _name = "client.segment.preview"
    _description = "Preview of Segment Settings"

    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        readonly=True,
        default=lambda self: self.env.company,
    )
    segment_abc_a_share = fields.Float(string="Class A Share (%)", required=True)
    segment_abc_b_share = fields.Float(string="Class B Share (%)", required=True)
    segment_window_months = fields.Integer(string="ABC Window (months)", required=True)
    segment_recency_hot_days = fields.Integer(string="Hot Within (days)", required=True)
    segment_recency_warm_days = fields.Integer(
        string="Warm Within (days)", required=True
    )
    abc_line_ids = fields.One2many(
        comodel_name="client.segment.preview.line",
        inverse_name="preview_id",
        string="ABC Class: Current -> Proposed",
        domain=[("dimension", "=", "abc")],
        readonly=True,
    )
    recency_line_ids = fields.One2many(
        comodel_name="client.segment.preview.line",
        inverse_name="preview_id",
        string="Recency: Current -> Proposed",
        domain=[("dimension", "=", "recency")],
        readonly=True,
    )
    abc_moves = fields.Integer(string="Clients Changing Class", readonly=True)
    recency_moves = fields.Integer(string="Clients Changing Recency", readonly=True)
    computed_on = fields.Datetime(
        related="company_id.segment_last_run_at", string="Current: Recompute Of"
    )

    @api.depends("company_id")
    def _compute_display_name(self):
        for preview in self:
            preview.display_name = self.env._(
                "Preview of Segment Settings: %(company)s",
                company=preview.company_id.name,
            )

    @api.model
    def _check_preview_rights(self):
        # The preview reads every client's state in raw SQL (no record rule):
        # the same audience as the settings it previews.
        if not self.env.user.has_group("sales_team.group_sale_manager"):
            raise AccessError(
                self.env._("Only sales administrators can preview segment settings.")
            )

    def _profile(self):
        """The company's profile as the user sees it (its record rule)."""
        self.ensure_one()
        self._check_company()
        profile = self.env["client.segmentation.profile"].search(
            [("company_id", "=", self.company_id.id)], limit=1
        )
        if not profile:
            raise AccessError(
                self.env._(
                    "You cannot preview or change the settings of %(company)s.",
                    company=self.company_id.name,
                )
            )
        return profile

    @api.model
    def _action_open(self, company):
        """Open the preview of ``company`` with its saved values, computed."""
        self._check_preview_rights()
        preview = self.new({"company_id": company.id})
        profile = preview._profile()
        preview = self.create(
            {
                "company_id": company.id,
                **{name: profile[name] for name in PREVIEW_FIELDS},
            }
        )
        return preview.action_preview()

    def _action_reopen(self):
        return {
            "type": "ir.actions.act_window",
            "name": self.display_name,
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
        }

    def _check_company(self):
        if self.company_id not in self.env.user.company_ids:
            raise AccessError(
                self.env._(
                    "You cannot preview or change the settings of %(company)s.",
                    company=self.company_id.name,
                )
            )

    def _settings_values(self):
        """The proposed values, keyed by the profile's fields."""
        return {name: self[name] for name in PREVIEW_FIELDS}

    def action_preview(self):
        """Compute the moves of the proposed values (the wizard's lines only
        are written)."""
        self.ensure_one()
        self._check_preview_rights()
        profile = self._profile()
        profile._check_values(self._settings_values())
        matrix = self._matrix(profile)
        Line = self.env["client.segment.preview.line"]
        Line.search([("preview_id", "=", self.id)]).unlink()
        Line.create(
            [
                {
                    "preview_id": self.id,
                    "dimension": dimension,
                    "current_value": current,
                    "proposed_value": proposed,
                    "client_count": count,
                    "revenue": revenue,
                }
                for (dimension, current, proposed), (count, revenue) in sorted(
                    matrix.items(), key=lambda item: [v or "" for v in item[0]]
                )
            ]
        )
        self.write(
            {
                f"{dim}_moves": sum(
                    count
                    for (dimension, current, proposed), (count, _rev) in matrix.items()
                    if dimension == dim and current != proposed
                )
                for dim in ("abc", "recency")
            }
        )
        return self._action_reopen()

    def action_apply(self):
        """Save the proposed values in the company's profile (its access
        rules and constraint apply); the next recompute uses them."""
        self.ensure_one()
        self._check_preview_rights()
        self._profile().write(self._settings_values())
        return {"type": "ir.actions.act_window_close"}

    def _matrix(self, profile):
        """``{(dimension, current, proposed): (clients, revenue)}`` over the
        clients of the boards (:data:`BOARD_DOMAIN`), for a recompute today
        with the proposed values; ``current`` is the class of the last
        recompute. ``current`` and ``proposed`` are ``None`` for no ABC
        class, ``'none'`` for never bought."""
        company = self.company_id
        today = fields.Date.context_today(self.with_company(company))
        self.env["client.segment.state"].flush_model()
        if self.segment_window_months == profile.segment_window_months:
            # the state holds the window revenues of the last run
            return self._matrix_of(
                company, today, SQL("s.segment_revenue_window"), SQL()
            )
        # another window: the window revenue of each client aggregated from
        # the documents in the same query (a hash join on the aggregate; no
        # table written)
        start = segmentation.window_start(today, self.segment_window_months)
        in_window = SQL("TRUE") if start is None else SQL("d.day >= %s", start)
        revenues = SQL(
            """SELECT d.partner_id, SUM(d.amount) AS revenue
                 FROM (%(documents)s) d
                WHERE d.counts AND d.day <= %(today)s AND %(in_window)s
                GROUP BY d.partner_id""",
            documents=self.env["client.segment.engine"]._documents_sql(company, today),
            today=today,
            in_window=in_window,
        )
        return self._matrix_of(
            company,
            today,
            SQL("r.revenue"),
            SQL("LEFT JOIN (%s) r ON r.partner_id = s.partner_id", revenues),
        )

    def _matrix_of(self, company, today, revenue, join):
        """The matrix with ``revenue`` (an expression over the state ``s`` and
        what ``join`` adds) as the window revenue of each client, in one
        query. The whole company is ranked, as the engine ranks it; the
        clients counted are those of the boards, with or without a state
        (a client who never bought has none): the counts are the boards'."""
        hot_since, warm_since = segmentation.recency_cutoffs(
            today, self.segment_recency_hot_days, self.segment_recency_warm_days
        )
        classified = classified_sql(
            SQL(
                """SELECT s.partner_id, s.abc_class, s.recency_segment,
                          s.segment_last_purchase_date, %(revenue)s AS revenue
                     FROM client_segment_state s %(join)s
                    WHERE s.company_id = %(company)s""",
                revenue=revenue,
                join=join,
                company=company.id,
            ),
            revenue="revenue",
            last_purchase="segment_last_purchase_date",
            a_share=self.segment_abc_a_share,
            b_share=self.segment_abc_b_share,
            hot_since=hot_since,
            warm_since=warm_since,
        )
        board = (
            self.env["res.partner"]
            .with_company(company)
            ._search(BOARD_DOMAIN)
            .subselect()
        )
        self.env.cr.execute(
            SQL(
                """
                WITH proposed AS (
                    SELECT k.abc_class,
                           COALESCE(k.recency_segment, 'none') AS recency_segment,
                           COALESCE(k.revenue, 0) AS revenue,
                           k.rule_abc_class AS new_class,
                           COALESCE(k.rule_recency, 'none') AS new_recency
                      FROM (%(board)s) board
                      LEFT JOIN (%(classified)s) k ON k.partner_id = board.id
                )
                SELECT 'abc', abc_class, new_class, COUNT(*), SUM(revenue)
                  FROM proposed GROUP BY abc_class, new_class
                 UNION ALL
                SELECT 'recency', recency_segment, new_recency, COUNT(*), SUM(revenue)
                  FROM proposed GROUP BY recency_segment, new_recency
                """,
                board=board,
                classified=classified,
            )
        )
        return {
            (dimension, current, proposed): (count, float(total or 0))
            for dimension, current, proposed, count, total in self.env.cr.fetchall()
        }


class ClientSegmentPreviewLine(models.TransientModel):
    _name = "client.segment.preview.line"
    _description = "Preview of Segment Settings: One Move"
    _order = "dimension, current_value, proposed_value"

    preview_id = fields.Many2one(
        comodel_name="client.segment.preview", required=True, ondelete="cascade"
    )
    dimension = fields.Selection(
        selection=[("abc", "ABC Class"), ("recency", "Recency")], required=True
    )
    current_value = fields.Selection(selection=PREVIEW_VALUES, string="Current")
    proposed_value = fields.Selection(selection=PREVIEW_VALUES, string="Proposed")
    client_count = fields.Integer(string="Clients")
    revenue = fields.Float(string="Revenue in Window", digits="Account")
    moves = fields.Boolean(compute="_compute_moves")

    @api.depends("current_value", "proposed_value")
    def _compute_moves(self):
        for line in self:
            line.moves = line.current_value != line.proposed_value
