from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from ..tools import segmentation

PREVIEW_VALUES = [
    ("a", "A"),
    ("b", "B"),
    ("c", "C"),
    ("hot", "Hot"),
    ("warm", "Warm"),
    ("sleeping", "Sleeping"),
    ("none", "None"),
]


class ClientSegmentPreview(models.TransientModel):
    """What-if of new ABC shares, window and recency days: how many clients
    would move between classes and segments, against the last recompute,
    computed in SQL with the cut-offs of ``tools.segmentation`` and nothing
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

    def _check_values(self):
        try:
            segmentation.check_abc_shares(self.abc_a_share, self.abc_b_share)
            segmentation.check_window_months(self.window_months)
            segmentation.check_recency_thresholds(
                self.recency_hot_days, self.recency_warm_days
            )
        except segmentation.SettingsError as error:
            raise UserError(
                self.env._(
                    "Class A Share, Class B Share, ABC Window, Hot Within or Warm "
                    "Within cannot be previewed: %(problem)s",
                    problem=str(error),
                )
            ) from error

    def action_preview(self):
        self.ensure_one()
        self._check_preview_rights()
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
        self.company_id.write(
            {
                "segment_abc_a_share": self.abc_a_share,
                "segment_abc_b_share": self.abc_b_share,
                "segment_window_months": self.window_months,
                "segment_recency_hot_days": self.recency_hot_days,
                "segment_recency_warm_days": self.recency_warm_days,
            }
        )
        return {"type": "ir.actions.act_window_close"}

    def _matrix(self):
        """``{(dimension, current, proposed): (clients, revenue)}`` over the
        clients of the company's last recompute (``client.segment.state``),
        for a recompute today with the proposed values. ``current`` and
        ``proposed`` are ``None`` for no class."""
        company = self.company_id
        today = fields.Date.context_today(self.with_company(company))
        self.env["client.segment.state"].flush_model()
        cr = self.env.cr
        revenues = self._revenues_sql(company, today)
        cr.execute(
            SQL(
                "SELECT partner_id, revenue FROM (%s) r"
                " WHERE revenue > 0 ORDER BY revenue DESC, partner_id",
                revenues,
            )
        )
        cut_a, cut_b = segmentation.abc_cutoffs(
            cr.fetchall(), self.abc_a_share, self.abc_b_share
        )
        hot_since, warm_since = segmentation.recency_cutoffs(
            today, self.recency_hot_days, self.recency_warm_days
        )

        def ranked_up_to(cut):
            if cut is None:
                return SQL("FALSE")
            revenue, partner_id = cut
            return SQL(
                "(r.revenue > %(revenue)s OR (r.revenue = %(revenue)s"
                " AND r.partner_id <= %(partner)s))",
                revenue=revenue,
                partner=partner_id,
            )

        cr.execute(
            SQL(
                """
                WITH proposed AS (
                    SELECT s.partner_id, s.abc_class,
                           COALESCE(s.recency_segment, 'none') AS recency_segment,
                           COALESCE(r.revenue, 0) AS revenue,
                           CASE WHEN COALESCE(r.revenue, 0) <= 0 THEN NULL
                                WHEN %(a)s THEN 'a' WHEN %(b)s THEN 'b'
                                ELSE 'c' END AS new_class,
                           CASE WHEN s.segment_last_purchase_date IS NULL
                                    THEN 'none'
                                WHEN s.segment_last_purchase_date >= %(hot)s
                                    THEN 'hot'
                                WHEN s.segment_last_purchase_date >= %(warm)s
                                    THEN 'warm'
                                ELSE 'sleeping' END AS new_recency
                      FROM client_segment_state s
                      LEFT JOIN (%(revenues)s) r ON r.partner_id = s.partner_id
                     WHERE s.company_id = %(company)s
                )
                SELECT 'abc', abc_class, new_class, COUNT(*), SUM(revenue)
                  FROM proposed GROUP BY abc_class, new_class
                 UNION ALL
                SELECT 'recency', recency_segment, new_recency, COUNT(*), SUM(revenue)
                  FROM proposed GROUP BY recency_segment, new_recency
                """,
                a=ranked_up_to(cut_a),
                b=ranked_up_to(cut_b),
                hot=hot_since,
                warm=warm_since,
                revenues=revenues,
                company=company.id,
            )
        )
        return {
            (dimension, current, proposed): (count, float(revenue or 0))
            for dimension, current, proposed, count, revenue in cr.fetchall()
        }

    def _revenues_sql(self, company, today):
        """``(partner_id, revenue)`` in the proposed window: the last
        recompute's window revenues when the window is unchanged, else one
        aggregate over the company's documents."""
        if self.window_months == company.segment_window_months:
            return SQL(
                """SELECT partner_id, segment_revenue_window AS revenue
                     FROM client_segment_state WHERE company_id = %s""",
                company.id,
            )
        start = segmentation.window_start(today, self.window_months)
        documents = self.env["client.segment.engine"]._documents_sql(company, today)
        in_window = SQL("TRUE") if start is None else SQL("d.day >= %s", start)
        return SQL(
            """SELECT d.partner_id, SUM(d.amount) AS revenue
                 FROM (%(documents)s) d
                WHERE d.counts AND d.day <= %(today)s AND %(in_window)s
                GROUP BY d.partner_id""",
            documents=documents,
            today=today,
            in_window=in_window,
        )


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
