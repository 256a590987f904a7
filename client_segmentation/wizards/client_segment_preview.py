from decimal import Decimal

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

from ..models.res_partner import RECENCY_SELECTION
from ..tools import segmentation

PREVIEW_VALUES = [("a", "A"), ("b", "B"), ("c", "C"), *RECENCY_SELECTION]


class ClientSegmentPreview(models.TransientModel):
    """What-if of new ABC shares, window and recency days: how many clients
    would move between classes and segments, against the last recompute,
    computed in SQL with the rules of ``tools.segmentation`` and nothing
    written but these preview lines."""

    _name = "client.segment.preview"
    _description = "Preview of Segment Settings"

    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        readonly=True,
        default=lambda self: self.env.company,
    )
    abc_a_share = fields.Float(string="Class A Share (%)", required=True)
    abc_b_share = fields.Float(string="Class B Share (%)", required=True)
    window_months = fields.Integer(string="ABC Window (months)", required=True)
    recency_hot_days = fields.Integer(string="Hot Within (days)", required=True)
    recency_warm_days = fields.Integer(string="Warm Within (days)", required=True)
    line_ids = fields.One2many(
        comodel_name="client.segment.preview.line",
        inverse_name="preview_id",
        string="Current -> Proposed",
        readonly=True,
    )
    abc_moves = fields.Integer(string="Clients Changing Class", readonly=True)
    recency_moves = fields.Integer(string="Clients Changing Recency", readonly=True)
    computed_on = fields.Datetime(
        related="company_id.segment_last_run_at", string="Current: Recompute Of"
    )

    @api.model
    def _check_preview_rights(self):
        # The preview reads every client's state in raw SQL (no record rule):
        # the same audience as the settings it previews.
        if not self.env.user.has_group("sales_team.group_sale_manager"):
            raise AccessError(
                self.env._("Only sales administrators can preview segment settings.")
            )

    @api.model
    def _action_open(self, settings):
        """Open a preview of the values on the settings form ``settings``."""
        self._check_preview_rights()
        preview = self.create(
            {
                "company_id": settings.company_id.id,
                "abc_a_share": settings.segment_abc_a_share,
                "abc_b_share": settings.segment_abc_b_share,
                "window_months": settings.segment_window_months,
                "recency_hot_days": settings.segment_recency_hot_days,
                "recency_warm_days": settings.segment_recency_warm_days,
            }
        )
        preview.action_preview()
        return preview._action_reopen()

    def _action_reopen(self):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Preview of Segment Settings"),
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
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
        """The proposed values, keyed by the company's settings fields."""
        return {
            "segment_abc_a_share": self.abc_a_share,
            "segment_abc_b_share": self.abc_b_share,
            "segment_window_months": self.window_months,
            "segment_recency_hot_days": self.recency_hot_days,
            "segment_recency_warm_days": self.recency_warm_days,
        }

    def _check_values(self):
        """The company's own validation of settings (the field at fault is
        named), before anything is computed."""
        self.company_id._segment_settings_check(self._settings_values())

    def action_preview(self):
        self.ensure_one()
        self._check_preview_rights()
        self._check_company()
        self._check_values()
        matrix = self._matrix()
        self.write(
            {
                "line_ids": [Command.clear()]
                + [
                    Command.create(
                        {
                            "dimension": dimension,
                            "current_value": current,
                            "proposed_value": proposed,
                            "client_count": count,
                            "revenue": revenue,
                        }
                    )
                    for (dimension, current, proposed), (count, revenue) in sorted(
                        matrix.items(), key=lambda item: [v or "" for v in item[0]]
                    )
                ],
                "abc_moves": sum(
                    count
                    for (dimension, current, proposed), (count, _rev) in matrix.items()
                    if dimension == "abc" and current != proposed
                ),
                "recency_moves": sum(
                    count
                    for (dimension, current, proposed), (count, _rev) in matrix.items()
                    if dimension == "recency" and current != proposed
                ),
            }
        )
        return self._action_reopen()

    def action_apply(self):
        """Save the proposed values as the company's settings (its constraints
        apply); the next recompute uses them."""
        self.ensure_one()
        self._check_preview_rights()
        self._check_company()
        # sudo: sales managers own these settings but not the company record
        # (as in client.segmentation.settings); only the previewed settings
        # are written, after the rights checks above, and validated.
        self.company_id.sudo()._segment_settings_write(self._settings_values())
        return {"type": "ir.actions.act_window_close"}

    def _matrix(self):
        """``{(dimension, current, proposed): (clients, revenue)}`` over the
        clients of the company's last recompute (``client.segment.state``),
        for a recompute today with the proposed values. ``current`` and
        ``proposed`` are ``None`` for no class."""
        company = self.company_id
        today = fields.Date.context_today(self.with_company(company))
        self.env["client.segment.state"].flush_model()
        if self.window_months == company.segment_window_months:
            # the state holds the window revenues of the last run
            return self._matrix_of(
                company, today, SQL("s.segment_revenue_window"), SQL()
            )
        # another window: the window revenue of each client aggregated from
        # the documents in the same query (a hash join on the aggregate; no
        # table written)
        start = segmentation.window_start(today, self.window_months)
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
        query. ABC: the rule of ``tools.segmentation`` (cumulative share of
        the clients ranked before, exact numeric comparisons) as the engine
        applies it, ranked by the database: handing a million ranked rows to
        ``abc_cutoffs`` costs more than the whole query."""
        a_share, b_share = self.abc_a_share, self.abc_b_share
        hot_since, warm_since = segmentation.recency_cutoffs(
            today, self.recency_hot_days, self.recency_warm_days
        )
        self.env.cr.execute(
            SQL(
                """
                WITH clients AS (
                    SELECT s.partner_id, s.abc_class, s.recency_segment,
                           s.segment_last_purchase_date AS last_purchase,
                           %(revenue)s AS revenue
                      FROM client_segment_state s %(join)s
                     WHERE s.company_id = %(company)s
                ), ranked AS (
                    SELECT c.*,
                           SUM(c.revenue) FILTER (WHERE c.revenue > 0)
                               OVER (ORDER BY c.revenue DESC NULLS LAST,
                                              c.partner_id
                                     ROWS BETWEEN UNBOUNDED PRECEDING
                                              AND 1 PRECEDING) AS before,
                           SUM(c.revenue) FILTER (WHERE c.revenue > 0)
                               OVER () AS total
                      FROM clients c
                ), proposed AS (
                    SELECT abc_class,
                           COALESCE(recency_segment, 'none') AS recency_segment,
                           COALESCE(revenue, 0) AS revenue,
                           CASE WHEN COALESCE(revenue, 0) <= 0 THEN NULL
                                WHEN COALESCE(before, 0) * 100 < %(a)s * total
                                    THEN 'a'
                                WHEN COALESCE(before, 0) * 100 < %(ab)s * total
                                    THEN 'b'
                                ELSE 'c' END AS new_class,
                           CASE WHEN last_purchase IS NULL THEN 'none'
                                WHEN last_purchase >= %(hot)s THEN 'hot'
                                WHEN last_purchase >= %(warm)s THEN 'warm'
                                ELSE 'sleeping' END AS new_recency
                      FROM ranked
                )
                SELECT 'abc', abc_class, new_class, COUNT(*), SUM(revenue)
                  FROM proposed GROUP BY abc_class, new_class
                 UNION ALL
                SELECT 'recency', recency_segment, new_recency, COUNT(*), SUM(revenue)
                  FROM proposed GROUP BY recency_segment, new_recency
                """,
                revenue=revenue,
                join=join,
                company=company.id,
                a=Decimal(str(a_share)),
                ab=Decimal(str(a_share + b_share)),
                hot=hot_since,
                warm=warm_since,
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


class ClientSegmentationSettings(models.TransientModel):
    _inherit = "client.segmentation.settings"

    def action_preview_segments(self):
        """What-if of the settings on the form against the last recompute."""
        return self.env["client.segment.preview"]._action_open(self)
