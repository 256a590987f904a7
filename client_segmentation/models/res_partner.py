from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, create_index

from .. import sqlutil, validation
from ..classification_sql import rank_of_sql
from ..tools import key_dates
from .client_funnel_stage import TEMPERATURE_SELECTION
from .client_segment_engine import SEGMENT_FIELDS

# Funnel: written by the engine (and after stage changes) in SQL, never by users.
FUNNEL_COMPUTED_FIELDS = ("temperature",)
# Sales work on a client: readable by every internal user, written only by
# salespeople (and the addon's own engine, which writes in SQL).
SALES_WRITABLE_FIELDS = (
    "funnel_stage_id",
    "funnel_stage_locked",
    "refusal_reason_id",
    "refusal_date",
    "temperature_override",
    "client_type_id",
)
# Board columns that hold no work to do, folded when the board opens: no ABC
# class (no revenue in the window) and never bought.
FOLDED_EMPTY_GROUPS = {"abc_class": False, "recency_segment": "none"}
# Set by the partner merge: the merge copies every stored field of the
# duplicates, but the addon's engine and sales fields are carried over by
# _client_merge_apply() (and the next recompute), never copied blindly.
MERGE_CONTEXT_KEY = "client_segmentation_merge"
# Plain-text notes of the client card: on a merge the survivor keeps them all.
CARD_NOTE_FIELDS = ("client_needs", "gift_preferences", "relationship_notes")
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
# Links to per-company configuration (company-dependent values): each must be
# the current company's own record or a shared one (check_company).
COMPANY_LINK_FIELDS = ("funnel_stage_id", "refusal_reason_id", "client_type_id")

# Stages, types and reasons a client of the current company can take: the
# company's own and the shared ones (client.company.shared.mixin).
COMPANY_SHARED_DOMAIN = (
    "['|', ('company_id', '=', False), ('company_id', '=', current_company_id)]"
)


class ResPartner(models.Model):
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

    # ------------------------------------------------------------------
    # Client card: reference, business and relationship
    # information, key dates. See docs/adr-003-client-card-key-dates.md.
    # ------------------------------------------------------------------

    preferred_channel_id = fields.Many2one(
        comodel_name="client.channel",
        tracking=True,
        index="btree_not_null",
        groups="base.group_user",
        help="How this client or contact person prefers to be reached.",
    )
    call_time_from = fields.Float(
        string="Call From",
        groups="base.group_user",
        help="Start of the convenient time to call, in the contact's time zone.",
    )
    call_time_to = fields.Float(
        string="Call Until",
        groups="base.group_user",
        help="End of the convenient time to call, in the contact's time zone.",
    )
    working_hours = fields.Char(
        groups="base.group_user",
        help="Working hours of the organisation, e.g. Mon-Fri 9:00-18:00.",
    )
    is_decision_maker = fields.Boolean(
        string="Decision Maker",
        tracking=True,
        groups="base.group_user",
        help="This contact person decides on purchases.",
    )
    decision_maker_known = fields.Boolean(
        compute="_compute_decision_maker_known",
        search="_search_decision_maker_known",
        groups="base.group_user",
        help="The client itself or one of its active contact persons is flagged "
        "as decision maker.",
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
    current_order_stage = fields.Char(
        string="Current Order or Invoice",
        compute="_compute_current_order_stage",
        groups="base.group_user",
        help="Latest open quotation or sales order (with Sales), otherwise the "
        "latest customer invoice and its payment state.",
    )
    top_product_category_ids = fields.Many2many(
        comodel_name="product.category",
        string="Buys Most",
        compute="_compute_purchase_preferences",
        groups="base.group_user",
        help="Product categories with the highest invoiced revenue.",
    )
    usual_payment_term_id = fields.Many2one(
        comodel_name="account.payment.term",
        string="Usual Payment Terms",
        compute="_compute_purchase_preferences",
        groups="base.group_user",
        help="Payment terms of most of the client's invoices.",
    )
    client_needs = fields.Text(
        string="Needs and Pains",
        groups="base.group_user",
        help="Qualifying information: what the client needs, what hurts.",
    )
    interest_tag_ids = fields.Many2many(
        comodel_name="client.interest.tag",
        relation="res_partner_client_interest_tag_rel",
        column1="partner_id",
        column2="tag_id",
        string="Interests and Hobbies",
        groups="base.group_user",
    )
    gift_preferences = fields.Text(groups="base.group_user")
    relationship_notes = fields.Text(
        string="Informal Notes",
        groups="base.group_user",
        help="Facts not tied to a deal that matter for a long relationship.",
    )
    key_date_ids = fields.One2many(
        comodel_name="client.key.date",
        inverse_name="partner_id",
        string="Key Dates",
        groups="sales_team.group_sale_salesman",
    )
    next_key_date = fields.Date(
        compute="_compute_next_key_date",
        groups="sales_team.group_sale_salesman",
        help="Next occurrence among the key dates of this partner and of its "
        "contact persons.",
    )
    next_key_date_name = fields.Char(
        string="Next Key Date For",
        compute="_compute_next_key_date",
        groups="sales_team.group_sale_salesman",
    )

    # ------------------------------------------------------------------
    # Funnel colour stages, typology and temperature.
    # See docs/adr-004-funnel.md.
    # ------------------------------------------------------------------

    funnel_stage_id = fields.Many2one(
        comodel_name="client.funnel.stage",
        company_dependent=True,
        check_company=True,
        tracking=True,
        copy=False,
        ondelete="restrict",
        domain=COMPANY_SHARED_DOMAIN,
        group_expand="_read_group_funnel_stage_ids",
        groups="base.group_user",
        help="Colour stage of the client in the sales funnel. Automatic stages "
        "follow the purchases at each segment recompute; manual ones are set "
        "by the salesperson.",
    )
    funnel_stage_color = fields.Char(
        related="funnel_stage_id.color", groups="base.group_user"
    )
    funnel_stage_is_automatic = fields.Boolean(
        related="funnel_stage_id.is_automatic", groups="base.group_user"
    )
    funnel_stage_requires_reason = fields.Boolean(
        related="funnel_stage_id.requires_reason",
        groups="base.group_user",
    )
    funnel_stage_locked = fields.Boolean(
        string="Stage Locked",
        company_dependent=True,
        tracking=True,
        copy=False,
        groups="base.group_user",
        help="Keep the stage chosen by hand: the segment recompute leaves it "
        "alone, and automatic stages can be set by hand.",
    )
    refusal_reason_id = fields.Many2one(
        comodel_name="client.refusal.reason",
        company_dependent=True,
        check_company=True,
        tracking=True,
        copy=False,
        ondelete="restrict",
        domain=COMPANY_SHARED_DOMAIN,
        groups="base.group_user",
        help="Why the client refused or stopped; asked when entering a red stage.",
    )
    refusal_date = fields.Date(
        company_dependent=True,
        tracking=True,
        copy=False,
        readonly=True,
        groups="base.group_user",
        help="When the refusal was recorded: it stands until the client buys "
        "again after this day.",
    )
    client_type_id = fields.Many2one(
        comodel_name="client.type",
        string="Typology",
        company_dependent=True,
        check_company=True,
        tracking=True,
        copy=False,
        ondelete="restrict",
        domain=COMPANY_SHARED_DOMAIN,
        group_expand="_read_group_client_type_ids",
        groups="base.group_user",
        help="Behaviour model of the client, learnt in conversation.",
    )
    temperature = fields.Selection(
        selection=TEMPERATURE_SELECTION,
        company_dependent=True,
        readonly=True,
        copy=False,
        group_expand=True,
        groups="base.group_user",
        help="Hot, warm or cold: from the recency of the purchases for buyers "
        "(sleeping is cold), from the funnel stage for the others, unless "
        "overridden.",
    )
    # A contact person is worked as part of its client: its form shows the
    # client's stage, typology and temperature, never its own defaults.
    client_funnel_stage_id = fields.Many2one(
        string="Client's Funnel Stage",
        related="commercial_partner_id.funnel_stage_id",
    )
    client_client_type_id = fields.Many2one(
        string="Client's Typology",
        related="commercial_partner_id.client_type_id",
    )
    client_temperature = fields.Selection(
        string="Client's Temperature",
        related="commercial_partner_id.temperature",
    )
    temperature_override = fields.Selection(
        selection=TEMPERATURE_SELECTION,
        string="Temperature Set by Hand",
        company_dependent=True,
        tracking=True,
        copy=False,
        groups="base.group_user",
        help="Replaces the computed temperature of the client.",
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

    def init(self):
        res = super().init()
        # The funnel's "grey" rule asks, for each client it classifies,
        # whether an active contact of it decides on purchases: a small index
        # of the few decision makers answers it without reading every
        # partner. It goes with its column when the module is uninstalled.
        create_index(
            self.env.cr,
            "client_segment_res_partner_decision_maker_index",
            self._table,
            ["commercial_partner_id"],
            where="is_decision_maker",
        )
        return res

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

    @api.depends("is_decision_maker", "child_ids.is_decision_maker", "child_ids.active")
    def _compute_decision_maker_known(self):
        """One grouped query for the whole recordset (non-stored on purpose:
        no install-time recompute of every partner, see the ADR)."""
        commercial_ids = [pid for pid in self.commercial_partner_id.ids if pid]
        known = set()
        if commercial_ids:
            groups = self._read_group(
                [
                    ("is_decision_maker", "=", True),
                    ("commercial_partner_id", "in", commercial_ids),
                ],
                ["commercial_partner_id"],
            )
            known = {partner.id for (partner,) in groups}
        for partner in self:
            partner.decision_maker_known = partner.commercial_partner_id.id in known

    def _search_decision_maker_known(self, operator, value):
        if operator not in ("=", "!="):
            raise UserError(
                self.env._("Decision Maker Known can only be searched with = or !=.")
            )
        flagged = self._search([("is_decision_maker", "=", True)])
        positive = (operator == "=") == bool(value)
        return [
            (
                "commercial_partner_id",
                "in" if positive else "not in",
                flagged.subselect("commercial_partner_id"),
            )
        ]

    @api.depends_context("company")
    @api.depends("commercial_partner_id")
    def _compute_current_order_stage(self):
        self.current_order_stage = False
        commercial_ids = [pid for pid in self.commercial_partner_id.ids if pid]
        if not commercial_ids:
            return
        # open orders first (client_segmentation_sale), else the last invoice
        stage_by_client = self._current_open_orders(commercial_ids)
        Move = self.env["account.move"]
        missing = [pid for pid in commercial_ids if pid not in stage_by_client]
        if missing and Move.has_access("read"):
            groups = Move._read_group(
                [
                    ("commercial_partner_id", "in", missing),
                    ("move_type", "=", "out_invoice"),
                    ("state", "=", "posted"),
                ],
                ["commercial_partner_id"],
                ["id:max"],
            )
            payment_states = dict(
                Move._fields["payment_state"]._description_selection(self.env)
            )
            for invoice in Move.browse(move_id for _partner, move_id in groups):
                stage_by_client[invoice.commercial_partner_id.id] = self.env._(
                    "Invoice %(name)s (%(payment)s)",
                    name=invoice.name,
                    payment=payment_states.get(invoice.payment_state, ""),
                )
        for partner in self:
            partner.current_order_stage = stage_by_client.get(
                partner.commercial_partner_id.id, False
            )

    @api.model
    def _current_open_orders(self, commercial_ids):
        """Hook of the client card's current order: ``{client id: label}``
        of the latest open order of each of ``commercial_ids``, read as the
        current user. None here; client_segmentation_sale adds the open
        quotations and sales orders."""
        return {}

    @api.depends_context("company")
    @api.depends("commercial_partner_id")
    def _compute_purchase_preferences(self):
        """Top three product categories by invoiced revenue and the most used
        payment terms, from posted customer invoices (two grouped queries)."""
        self.top_product_category_ids = False
        self.usual_payment_term_id = False
        commercial_ids = [pid for pid in self.commercial_partner_id.ids if pid]
        if not commercial_ids or not self.env["account.move.line"].has_access("read"):
            return
        revenue = {}
        groups = self.env["account.move.line"]._read_group(
            [
                ("move_id.commercial_partner_id", "in", commercial_ids),
                ("move_id.move_type", "=", "out_invoice"),
                ("parent_state", "=", "posted"),
                ("display_type", "=", "product"),
                ("product_id", "!=", False),
                ("company_id", "in", self.env.companies.ids),
            ],
            ["partner_id", "product_id"],
            ["balance:sum"],
        )
        for partner, product, balance in groups:
            by_category = revenue.setdefault(partner.commercial_partner_id.id, {})
            category = product.categ_id.id
            by_category[category] = by_category.get(category, 0.0) - balance
        terms = {}
        groups = self.env["account.move"]._read_group(
            [
                ("commercial_partner_id", "in", commercial_ids),
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
                ("invoice_payment_term_id", "!=", False),
                ("company_id", "in", self.env.companies.ids),
            ],
            ["commercial_partner_id", "invoice_payment_term_id"],
            ["__count"],
        )
        for partner, term, count in groups:
            best = terms.get(partner.id)
            if best is None or count > best[1]:
                terms[partner.id] = (term, count)
        for partner in self:
            client_id = partner.commercial_partner_id.id
            by_category = revenue.get(client_id, {})
            top = sorted(
                (cid for cid, amount in by_category.items() if amount > 0),
                key=lambda cid: (-by_category[cid], cid),
            )[:3]
            partner.top_product_category_ids = [Command.set(top)]
            partner.usual_payment_term_id = terms.get(
                client_id, (self.env["account.payment.term"], 0)
            )[0]

    @api.depends_context("tz")
    @api.depends("key_date_ids.next_occurrence", "child_ids.key_date_ids")
    def _compute_next_key_date(self):
        """Next occurrence among the key dates of each partner and of its
        contacts: one search for the whole recordset."""
        self.next_key_date = False
        self.next_key_date_name = False
        partner_ids = [pid for pid in self.ids if pid]
        if not partner_ids:
            return
        today = fields.Date.context_today(self)
        upcoming = self.env["client.key.date"].search(
            [
                ("partner_id", "child_of", partner_ids),
                ("partner_id.active", "=", True),
                ("next_occurrence", ">=", today),
            ],
            order="next_occurrence, id",
        )
        wanted = set(partner_ids)
        found = {}
        for key_date in upcoming:
            ancestor = key_date.partner_id
            while ancestor:
                if ancestor.id in wanted:
                    found.setdefault(ancestor.id, key_date)
                ancestor = ancestor.parent_id
        for partner in self:
            key_date = found.get(partner.id)
            if key_date:
                partner.next_key_date = key_date.next_occurrence
                partner.next_key_date_name = key_date.display_name

    @api.constrains("call_time_from", "call_time_to")
    def _check_call_window(self):
        for partner in self:
            try:
                key_dates.check_call_window(
                    partner.call_time_from, partner.call_time_to
                )
            except key_dates.KeyDateError as error:
                raise ValidationError(
                    self.env._(
                        "%(partner)s: the convenient time to call must lie between "
                        "00:00 and 24:00 and start before it ends (from "
                        "%(start)s to %(end)s).",
                        partner=partner.display_name,
                        start=self._format_call_time(partner.call_time_from),
                        end=self._format_call_time(partner.call_time_to),
                    )
                ) from error

    @api.model
    def _format_call_time(self, value):
        hours, minutes = divmod(round((value or 0.0) * 60), 60)
        return f"{hours:02d}:{minutes:02d}"

    @api.model_create_multi
    def create(self, vals_list):
        fallback_stage = self._fields["funnel_stage_id"].get_company_dependent_fallback(
            self
        )
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
            # Defaults may carry the funnel fallbacks too: the temperature is
            # computed below, never taken from input, and the fallback stage
            # is what a new partner has anyway.
            for name in FUNNEL_COMPUTED_FIELDS:
                vals.pop(name, None)
            if fallback_stage and vals.get("funnel_stage_id") == fallback_stage.id:
                del vals["funnel_stage_id"]
            self._check_sales_fields_access(
                [name for name, value in vals.items() if value]
            )
            self._check_link_ids(vals)
            if vals.get("funnel_stage_id"):
                self.browse()._funnel_check_stage_entry(vals)
                stage = self.env["client.funnel.stage"].browse(vals["funnel_stage_id"])
                if stage.requires_reason:
                    vals["refusal_date"] = fields.Date.context_today(self)
        partners = super().create(vals_list)
        partners._check_company_links(
            {name for vals in vals_list for name, value in vals.items() if value}
        )
        funnel_partners = partners.filtered(
            lambda partner: partner.funnel_stage_id or partner.temperature_override
        )
        if funnel_partners:
            self.env["client.funnel.engine"]._refresh_temperature(
                funnel_partners, self.env.company
            )
        return partners

    def write(self, vals):
        if self.env.context.get(MERGE_CONTEXT_KEY):
            vals = {
                name: value
                for name, value in vals.items()
                if name
                not in SEGMENT_FIELDS
                + FUNNEL_COMPUTED_FIELDS
                + SALES_WRITABLE_FIELDS
                + CARD_NOTE_FIELDS
            }
        self._check_sales_fields_access(vals)
        self._check_segment_fields_not_written(vals)
        self._check_funnel_computed_fields_not_written(vals)
        self._check_link_ids(vals)
        if "funnel_stage_id" in vals:
            vals = self._funnel_prepare_stage_write(vals)
        # Segment history: manual changes of stage, typology and override.
        History = self.env["client.segment.history"]
        history_before = History._manual_values(self, vals)
        moved_from = (
            self.commercial_partner_id
            if {"parent_id", "is_company"} & set(vals)
            else self.browse()
        )
        result = super().write(vals)
        self._check_company_links(vals)
        if history_before:
            History._record_manual_changes(self, history_before)
        if {"funnel_stage_id", "temperature_override"} & set(vals):
            self.env["client.funnel.engine"]._refresh_temperature(
                self, self.env.company
            )
        if moved_from - self.commercial_partner_id:
            # their documents moved with the contact: re-aggregate them
            self.env["client.segment.engine"]._mark_dirty(
                (moved_from - self.commercial_partner_id).ids
            )
        return result

    @api.model
    def _check_link_ids(self, vals):
        """A stage, typology or reason is written as an id (or False)."""
        for name in COMPANY_LINK_FIELDS:
            if name in vals:
                validation.id_of(
                    self.env,
                    self._fields[name].comodel_name,
                    vals[name],
                    self._fields[name]._description_string(self.env),
                )

    def _check_company_links(self, names):
        """A stage, typology or refusal reason of another company is refused
        (res.partner does not check its links automatically: only the
        addon's are checked here, the other modules' links keep their own
        behaviour)."""
        linked = [name for name in COMPANY_LINK_FIELDS if name in names]
        if linked:
            self._check_company(linked)

    @api.model
    def _check_sales_fields_access(self, names):
        """Only salespeople place clients in the funnel or type them."""
        written = [name for name in SALES_WRITABLE_FIELDS if name in names]
        if (
            written
            and not self.env.su
            and not self.env.user.has_group("sales_team.group_sale_salesman")
        ):
            raise AccessError(
                self.env._(
                    "Only salespeople can change %(fields)s of a client.",
                    fields=", ".join(self._fields[name].string for name in written),
                )
            )

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

    def _client_merge_prepare(self, duplicates):
        """What the survivor ``self`` of a partner merge keeps of the
        duplicates, read before the merge: every distinct note, and per
        company the funnel stage, typology and temperature set by hand on the
        survivor, or else on a duplicate (a locked stage first). Automatic
        stages and segments follow from the merged history at the next
        recompute."""
        self.ensure_one()
        # sudo: the merge is checked by core (partner managers); it must see
        # the sales data of every company to carry it over.
        partners = (self | duplicates).sudo()
        kept = {
            "notes": {
                name: "\n\n".join(dict.fromkeys(p[name] for p in partners if p[name]))
                for name in CARD_NOTE_FIELDS
            },
            "companies": {},
        }
        for company in self.env["res.company"].sudo().search([]):
            ordered = partners.with_company(company).sorted(
                lambda p: (p.id != self.id, not p.funnel_stage_locked)
            )
            values = {}
            for partner in ordered:
                stage = partner.funnel_stage_id
                if (
                    "funnel_stage_id" not in values
                    and stage
                    and (partner.funnel_stage_locked or not stage.is_automatic)
                ):
                    values["funnel_stage_id"] = stage.id
                    values["funnel_stage_locked"] = partner.funnel_stage_locked
                    values["refusal_reason_id"] = partner.refusal_reason_id.id
                    values["refusal_date"] = partner.refusal_date
                for name in ("client_type_id", "temperature_override"):
                    if name not in values and partner[name]:
                        values[name] = partner._fields[name].convert_to_write(
                            partner[name], partner
                        )
            kept["companies"][company] = values
        return kept

    def _client_merge_apply(self, kept):
        """Write what :meth:`_client_merge_prepare` kept on the survivor and
        have the next recompute aggregate it again, from the merged history
        (the merge moves documents without a write date)."""
        self.ensure_one()
        # sudo: see _client_merge_prepare; the values come from the merged
        # partners, not from the user.
        survivor = self.sudo().with_context(**{MERGE_CONTEXT_KEY: False})
        survivor.write({name: note or False for name, note in kept["notes"].items()})
        for company, values in kept["companies"].items():
            partner = survivor.with_company(company)
            changed = {
                name: value
                for name, value in values.items()
                if partner._fields[name].convert_to_write(partner[name], partner)
                != value
            }
            if changed:
                partner.write(changed)
        self.env["client.segment.engine"]._mark_dirty(self.ids)

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

    def action_view_key_dates(self):
        """Key dates of the client and of all its contact persons."""
        validation.ensure_one(self, self.env._("client"))
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "client_segmentation.client_key_date_action"
        )
        action["domain"] = [("partner_id", "child_of", self.ids)]
        action["context"] = {
            "default_partner_id": self.id,
            "search_default_upcoming": 1,
        }
        return action

    @api.model
    def _cron_recompute_segments(self, auto_commit=True):
        """Nightly job: every company, each from its own documents; the
        engine commits per company and batch (``auto_commit=False`` in
        tests, as core crons do)."""
        return self.env["client.segment.engine"]._recompute(
            self.env["res.company"].search([]), commit=auto_commit
        )

    @api.model
    def _order_field_to_sql(self, alias, field_name, direction, nulls, query):
        """The addon's figures (revenue, purchases) sort a client without a
        value as 0: "most revenue first" lists start with the clients that
        bring the most, not with those that bring nothing (an empty
        company-dependent value is NULL, which PostgreSQL sorts first in
        descending order)."""
        field = self._fields.get(field_name)
        if (
            field
            and field.company_dependent
            and field.type in ("float", "integer", "monetary")
            and (field._module or "").startswith("client_segmentation")
        ):
            return SQL(
                "COALESCE(%s, 0) %s %s",
                self._field_to_sql(alias, field_name, query),
                direction,
                nulls,
            )
        return super()._order_field_to_sql(alias, field_name, direction, nulls, query)

    @api.model
    def _read_group_orderby(self, order, groupby_terms, query):
        """Groups of the addon's selections (recency, ABC class, frequency,
        rhythm, temperature) come in the order of the selection, as on the
        boards (recent, due, sleeping, never), in pivots, graphs and
        dashboards too, instead of alphabetically by key."""
        terms = dict(groupby_terms)
        for spec, expr in groupby_terms.items():
            field = self._fields.get(spec)
            if (
                field
                and field.type == "selection"
                and (field._module or "").startswith("client_segmentation")
            ):
                keys = [key for key, _label in field._description_selection(self.env)]
                terms[spec] = sqlutil.in_order(expr, keys)
        return super()._read_group_orderby(order, terms, query)

    @api.model
    def read_group(
        self, domain, fields, groupby, offset=0, limit=None, orderby=False, lazy=True
    ):
        """Boards open with the columns that hold no work to do folded: no ABC
        class and never bought (FOLDED_EMPTY_GROUPS); the clients without
        typology are grouped as "To Classify"."""
        groups = super().read_group(
            domain,
            fields,
            groupby,
            offset=offset,
            limit=limit,
            orderby=orderby,
            lazy=lazy,
        )
        if not lazy or not groupby:
            return groups
        first = groupby[0] if isinstance(groupby, list | tuple) else groupby
        if first in FOLDED_EMPTY_GROUPS:
            folded = FOLDED_EMPTY_GROUPS[first]
            for group in groups:
                if group.get(first) == folded:
                    group["__fold"] = True
        elif first == "client_type_id":
            # clients without typology are work to do: say so
            for group in groups:
                if not group.get(first):
                    group[first] = (False, self.env._("To Classify"))
        return groups

    @api.model
    def _read_group_funnel_stage_ids(self, stages, domain):
        return stages._for_company(self.env.company)

    @api.model
    def _read_group_client_type_ids(self, types, domain):
        return types._for_company(self.env.company)

    @api.model
    def _check_funnel_computed_fields_not_written(self, vals):
        if set(vals) & set(FUNNEL_COMPUTED_FIELDS):
            raise UserError(
                self.env._(
                    "The temperature is computed from the purchases and the funnel "
                    "stage; set 'Temperature Set by Hand' to change it."
                )
            )

    def _funnel_prepare_stage_write(self, vals):
        """Check the partners entering the written stage; leaving a refusal
        stage forgets the refusal reason. Return the values to write."""
        stage = self.env["client.funnel.stage"].browse(vals["funnel_stage_id"])
        entering = self.filtered(lambda partner: partner.funnel_stage_id != stage)
        if entering:
            entering._funnel_check_stage_entry(vals)
        if not stage.requires_reason:
            if "refusal_reason_id" not in vals:
                vals = dict(vals, refusal_reason_id=False)
            vals = dict(vals, refusal_date=False)
        elif entering or "refusal_reason_id" in vals:
            # the refusal stands until the client buys again after this day
            vals = dict(vals, refusal_date=fields.Date.context_today(self))
        return vals

    def _funnel_check_stage_entry(self, vals):
        """Refuse a manual move of ``self`` (empty on create) into the stage of
        ``vals`` that the rules forbid."""
        stage = self.env["client.funnel.stage"].browse(vals["funnel_stage_id"])
        if not stage:
            return
        names = ", ".join(self.mapped("display_name")) or vals.get("name", "")
        if stage.auto_rule:
            if "funnel_stage_locked" in vals:
                unlocked = not vals["funnel_stage_locked"]
            else:
                unlocked = not self or any(
                    not partner.funnel_stage_locked for partner in self
                )
            if unlocked:
                raise UserError(
                    self.env._(
                        "%(stage)s is set automatically from the purchases of the "
                        "client, it cannot be chosen by hand (%(clients)s). Lock the "
                        "stage on the client card first to place a client there "
                        "yourself.",
                        stage=stage.name,
                        clients=names,
                    )
                )
        elif not stage.requires_reason and not vals.get("funnel_stage_locked"):
            # a purchase rule wins over a manual stage at the next recompute:
            # a buyer put there by hand would silently move back
            buyers = self.filtered(
                lambda partner: (
                    partner.commercial_partner_id.segment_purchase_count
                    and not partner.funnel_stage_locked
                )
            )
            if buyers:
                raise UserError(
                    self.env._(
                        "%(clients)s bought already: their stage follows their "
                        "purchases (%(current)s) and would be set back at the next "
                        "recompute. Lock the stage on the client card first to place "
                        "them in %(stage)s yourself.",
                        clients=", ".join(buyers.mapped("display_name")),
                        current=", ".join(buyers.funnel_stage_id.mapped("name")),
                        stage=stage.name,
                    )
                )
        if stage.requires_reason and not vals.get("refusal_reason_id"):
            if not self or any(not partner.refusal_reason_id for partner in self):
                raise UserError(
                    self.env._(
                        "Moving %(clients)s to %(stage)s needs a refusal reason: "
                        "open the client card and choose the stage together with "
                        "the reason.",
                        stage=stage.name,
                        clients=names,
                    )
                )
