"""Client segments on the partner: ABC class, recency, figures, purchase
frequency and buying rhythm, written by client.segment.engine in SQL, read by
everyone internal, never written by users. See docs/adr-001-segment-storage.md
and docs/adr-006-clients-over-time.md."""

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from .. import validation
from ..classification_sql import rank_of_sql
from .client_segment_engine import SEGMENT_FIELDS

# The recency segments, one name each wherever they are shown or chosen
# (boards, filters, work plan triggers, the what-if preview, mailings): the
# warm segment is "cooling down", never "due to buy again", which is the
# buying rhythm's list.
RECENCY_SELECTION = [
    ("hot", "Bought Recently"),
    ("warm", "Cooling Down"),
    ("sleeping", "Sleeping Buyer"),
    ("none", "Never Bought"),
]


class ResPartner(models.Model):
    # One class per concept of the partner, in its own file (docs/architecture.md):
    # pylint: disable=consider-merging-classes-inherited
    _inherit = "res.partner"

    abc_class = fields.Selection(
        selection=[("a", "A"), ("b", "B"), ("c", "C")],
        string="ABC Class",
        company_dependent=True,
        group_expand=True,
        readonly=True,
        index=False,
        groups="base.group_user",
        help="Value of the client by its share of the revenue in the ABC window "
        "(A: the most valuable). Empty: no revenue in the window.",
    )
    recency_segment = fields.Selection(
        selection=RECENCY_SELECTION,
        string="Purchase Recency",
        company_dependent=True,
        group_expand=True,
        readonly=True,
        index=False,
        groups="base.group_user",
        help="How fresh the last purchase is: bought recently (hot), cooling "
        "down (warm) or sleeping, by the thresholds of the company's settings.",
    )
    segment_revenue_window = fields.Float(
        string="Revenue in Window",
        company_dependent=True,
        readonly=True,
        index=False,
        digits="Account",
        groups="base.group_user",
        help="Untaxed revenue, net of credit notes, in the ABC window, in the "
        "company currency.",
    )
    segment_revenue_total = fields.Float(
        string="Lifetime Revenue",
        company_dependent=True,
        readonly=True,
        index=False,
        digits="Account",
        groups="base.group_user",
    )
    segment_purchase_count = fields.Integer(
        string="Purchases",
        company_dependent=True,
        readonly=True,
        index=False,
        groups="base.group_user",
        help="Number of purchases (credit notes are not purchases).",
    )
    segment_purchase_average = fields.Float(
        string="Average Purchase",
        company_dependent=True,
        readonly=True,
        index=False,
        digits="Account",
        groups="base.group_user",
        help="Lifetime revenue divided by the number of purchases.",
    )
    segment_first_purchase_date = fields.Date(
        string="First Purchase",
        company_dependent=True,
        readonly=True,
        index=False,
        groups="base.group_user",
    )
    segment_last_purchase_date = fields.Date(
        string="Last Purchase",
        company_dependent=True,
        readonly=True,
        index=False,
        groups="base.group_user",
    )
    segment_rank = fields.Integer(
        string="ABC Rank",
        compute="_compute_segment_rank",
        groups="sales_team.group_sale_salesman",
        help="Position of the client in the ABC ranking of the last recompute.",
    )
    segment_cumulative_share = fields.Float(
        string="Revenue Share of Higher-Ranked Clients (%)",
        compute="_compute_segment_rank",
        digits=(16, 2),
        groups="sales_team.group_sale_salesman",
        help="Part of the company's revenue brought by the clients ranked above "
        "this one; it decides the ABC class (A while it is under the A share).",
    )
    segment_computed_at = fields.Datetime(
        string="Segments Computed On",
        compute="_compute_segment_computed_at",
        groups="base.group_user",
    )
    segment_currency_id = fields.Many2one(
        comodel_name="res.currency",
        compute="_compute_segment_computed_at",
        groups="base.group_user",
    )

    purchase_frequency = fields.Selection(
        selection=[
            ("one_off", "Bought Once"),
            ("rare", "Buys Now and Then"),
            ("regular", "Buys Often"),
        ],
        company_dependent=True,
        readonly=True,
        index=False,
        groups="base.group_user",
        help="Purchases in the segmentation window: one is a one-off, from the "
        "company's threshold on the client is regular, in between rare. Empty: "
        "no purchase in the window. Computed with the segments.",
    )
    # ------------------------------------------------------------------
    # Clients over time: buying rhythm (tools/rhythm.py, computed with the
    # segments) and the segment history (client.segment.history).
    # ------------------------------------------------------------------

    buying_interval_days = fields.Integer(
        string="Usual Interval (days)",
        company_dependent=True,
        readonly=True,
        index=False,
        groups="base.group_user",
        help="Median number of days between two purchase days, for clients "
        "with at least three purchase days. Computed with the segments.",
    )
    next_purchase_date = fields.Date(
        string="Expected Next Purchase",
        company_dependent=True,
        readonly=True,
        index=False,
        groups="base.group_user",
        help="Last purchase plus the usual interval.",
    )
    rhythm_state = fields.Selection(
        selection=[
            ("not_due", "Not Due"),
            ("due_soon", "Due Soon"),
            ("overdue", "Overdue"),
        ],
        string="Buying Rhythm",
        company_dependent=True,
        readonly=True,
        index=False,
        groups="base.group_user",
        group_expand=True,
        help="Due soon from the company's lead time before the expected next "
        "purchase, overdue after its tolerance. Empty: no rhythm yet.",
    )
    segment_history_count = fields.Integer(
        string="Segment Changes",
        compute="_compute_segment_history_count",
        groups="base.group_user",
    )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            # Defaults (e.g. the 'none' recency fallback, which res.users and
            # forms pass along) are not a hand-set segment.
            self._check_segment_fields_not_written(
                {
                    name: value
                    for name, value in vals.items()
                    if value not in (False, None, 0, "none")
                }
            )
        return super().create(vals_list)

    def write(self, vals):
        self._check_segment_fields_not_written(vals)
        moved_from = (
            self.commercial_partner_id
            if {"parent_id", "is_company"} & set(vals)
            else self.browse()
        )
        result = super().write(vals)
        if moved_from - self.commercial_partner_id:
            # their documents moved with the contact: re-aggregate them
            self.env["client.segment.engine"]._mark_dirty(
                (moved_from - self.commercial_partner_id).ids
            )
        return result

    @api.depends_context("company")
    def _compute_segment_history_count(self):
        """One grouped count for the recordset, in the current company."""
        counts = {}
        commercial_ids = [pid for pid in self.commercial_partner_id.ids if pid]
        if commercial_ids:
            counts = dict(
                self.env["client.segment.history"]._read_group(
                    [
                        ("partner_id", "in", commercial_ids),
                        ("company_id", "=", self.env.company.id),
                    ],
                    ["partner_id"],
                    ["__count"],
                )
            )
        for partner in self:
            partner.segment_history_count = counts.get(partner.commercial_partner_id, 0)

    def action_view_segment_history(self):
        """The client's own timeline of segment changes in this company."""
        validation.ensure_one(self, self.env._("client"))
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "client_segmentation.client_segment_history_action"
        )
        action["domain"] = [
            ("partner_id", "=", self.commercial_partner_id.id),
            ("company_id", "=", self.env.company.id),
        ]
        action["context"] = {}
        return action

    @api.depends_context("company")
    def _compute_segment_computed_at(self):
        company = self.env.company
        self.segment_computed_at = company.segment_last_run_at
        self.segment_currency_id = company.currency_id

    @api.depends_context("company")
    @api.depends("commercial_partner_id", "segment_revenue_window")
    def _compute_segment_rank(self):
        """Rank and cumulative share follow from the window revenues of the
        last recompute, in one query for the recordset (see
        docs/adr-001-segment-storage.md for why they are not stored per
        partner). The engine's ranking, from classification_sql."""
        self.segment_rank = 0
        self.segment_cumulative_share = 0.0
        commercial_ids = [pid for pid in self.commercial_partner_id.ids if pid]
        if not commercial_ids:
            return
        self.env["res.partner"].flush_model(["commercial_partner_id"])
        self.env["client.segment.state"].flush_model()
        # The state table holds the window revenues of the last run, indexed
        # in rank order (client_segment_state_rank_index): the engine's
        # ranking for a few clients is a few index range scans.
        self.env.cr.execute(
            rank_of_sql(
                SQL(
                    """SELECT partner_id, segment_revenue_window
                         FROM client_segment_state WHERE company_id = %s""",
                    self.env.company.id,
                ),
                commercial_ids,
                revenue="segment_revenue_window",
            )
        )
        by_commercial = {
            pid: (rank, share) for pid, rank, share in self.env.cr.fetchall()
        }
        for partner in self:
            rank, share = by_commercial.get(partner.commercial_partner_id.id, (0, 0.0))
            partner.segment_rank = rank
            partner.segment_cumulative_share = float(share)

    @api.model
    def _check_segment_fields_not_written(self, vals):
        written = sorted(set(vals) & set(SEGMENT_FIELDS))
        if written:
            raise UserError(
                self.env._(
                    "Segments are computed from posted documents and cannot be "
                    "set by hand (%(fields)s). Use 'Recompute segments' instead.",
                    fields=", ".join(self._fields[name].string for name in written),
                )
            )

    def action_recompute_segments(self):
        """Recompute the segments of the current companies (server action,
        settings button). ABC is relative, so the whole company is re-ranked
        whatever partners are selected."""
        # the engine checks the rights (sales administrators)
        Engine = self.env["client.segment.engine"]
        result = Engine.recompute(self.env.companies)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "title": self.env._("Segments recomputed"),
                "message": Engine._describe(result),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    @api.model
    def _cron_recompute_segments(self, auto_commit=True):
        """Nightly job: every company, each from its own documents; the
        engine commits per company and batch (``auto_commit=False`` in
        tests, as core crons do)."""
        return self.env["client.segment.engine"]._recompute(
            self.env["res.company"].search([]), commit=auto_commit
        )
