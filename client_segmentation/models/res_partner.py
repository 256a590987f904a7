import json
import logging
import time

from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

from ..tools import funnel, key_dates, segmentation

_logger = logging.getLogger(__name__)

# Partners written per UPDATE statement of a recompute (by id range).
SEGMENT_BATCH_SIZE = 100_000
# Engine stage-change notes written per INSERT statement.
FUNNEL_MESSAGE_BATCH_SIZE = 10_000

# Segment fields are stored company_dependent (jsonb keyed by company id, see
# docs/adr-001-segment-storage.md); the engine writes them in SQL, nobody else.
SEGMENT_FIELDS = (
    "abc_class",
    "recency_segment",
    "segment_revenue_window",
    "segment_revenue_total",
    "segment_purchase_count",
    "segment_purchase_average",
    "segment_first_purchase_date",
    "segment_last_purchase_date",
    # client card (issue #3)
    "purchase_frequency",
)

# Funnel: written by the engine (and after stage changes) in SQL, never by users.
FUNNEL_COMPUTED_FIELDS = ("temperature",)
# Sales work on a client: readable by every internal user, written only by
# salespeople (and the addon's own engine, which writes in SQL).
SALES_WRITABLE_FIELDS = (
    "funnel_stage_id",
    "funnel_stage_locked",
    "refusal_reason_id",
    "temperature_override",
    "client_type_id",
)
TEMPERATURE_SELECTION = [("cold", "Cold"), ("warm", "Warm"), ("hot", "Hot")]
# Set by the partner merge: the merge copies every stored field of the
# duplicates, but the addon's engine and sales fields are carried over by
# _client_merge_apply() (and the next recompute), never copied blindly.
MERGE_CONTEXT_KEY = "client_segmentation_merge"
# Plain-text notes of the client card: on a merge the survivor keeps them all.
CARD_NOTE_FIELDS = ("client_needs", "gift_preferences", "relationship_notes")

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
        selection=[
            ("hot", "Hot"),
            ("warm", "Warm"),
            ("sleeping", "Sleeping"),
            ("none", "Never Bought"),
        ],
        string="Recency",
        company_dependent=True,
        group_expand=True,
        readonly=True,
        index=False,
        groups="base.group_user",
        help="How fresh the last purchase is: hot, warm or sleeping by the "
        "thresholds of the company's settings.",
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
        string="Cumulative Share Before (%)",
        compute="_compute_segment_rank",
        digits=(16, 2),
        groups="sales_team.group_sale_salesman",
        help="Share of the revenue of all clients ranked before this one; it "
        "decides the ABC class.",
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
    # Client card (issue #3): reference, business and relationship
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
        selection=[("one_off", "One-off"), ("rare", "Rare"), ("regular", "Regular")],
        company_dependent=True,
        readonly=True,
        index=False,
        groups="base.group_user",
        help="Purchases in the segmentation window: one is a one-off, from the "
        "company's threshold on the client is regular, in between rare. Empty: "
        "no purchase in the window. Computed with the segments.",
    )
    current_order_stage = fields.Char(
        string="Current Order",
        compute="_compute_current_order_stage",
        groups="base.group_user",
        help="Latest open quotation or sales order and its state (with Sales), "
        "otherwise the latest customer invoice and its payment state.",
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
    # Funnel colour stages, typology and temperature (issue #4).
    # See docs/adr-004-funnel.md.
    # ------------------------------------------------------------------

    funnel_stage_id = fields.Many2one(
        comodel_name="client.funnel.stage",
        company_dependent=True,
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
        tracking=True,
        copy=False,
        ondelete="restrict",
        domain=COMPANY_SHARED_DOMAIN,
        groups="base.group_user",
        help="Why the client refused or stopped; asked when entering a red stage.",
    )
    client_type_id = fields.Many2one(
        comodel_name="client.type",
        string="Typology",
        company_dependent=True,
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
    temperature_override = fields.Selection(
        selection=TEMPERATURE_SELECTION,
        string="Temperature Set by Hand",
        company_dependent=True,
        tracking=True,
        copy=False,
        groups="base.group_user",
        help="Replaces the computed temperature of the client.",
    )

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
        partner). Same rule as tools.segmentation.iter_ranked."""
        self.segment_rank = 0
        self.segment_cumulative_share = 0.0
        commercial_ids = [pid for pid in self.commercial_partner_id.ids if pid]
        if not commercial_ids:
            return
        self.env["res.partner"].flush_model(["commercial_partner_id"])
        self.env["client.segment.state"].flush_model()
        # The state table holds the window revenues of the last run, indexed
        # in rank order (client_segment_state_rank_index): counting and
        # summing the entries ranked before a client is an index-only scan.
        self.env.cr.execute(
            SQL(
                """
                SELECT client.partner_id,
                       1 + above.count + tied.count,
                       (COALESCE(above.revenue, 0)
                        + tied.count * client.segment_revenue_window)
                       * 100 / total.revenue
                  FROM client_segment_state client
                 CROSS JOIN LATERAL (
                       SELECT COUNT(*) AS count,
                              SUM(other.segment_revenue_window) AS revenue
                         FROM client_segment_state other
                        WHERE other.company_id = client.company_id
                          AND other.segment_revenue_window > 0
                          AND other.segment_revenue_window
                              > client.segment_revenue_window
                 ) above
                 CROSS JOIN LATERAL (
                       SELECT COUNT(*) AS count
                         FROM client_segment_state other
                        WHERE other.company_id = client.company_id
                          AND other.segment_revenue_window > 0
                          AND other.segment_revenue_window
                              = client.segment_revenue_window
                          AND other.partner_id < client.partner_id
                 ) tied
                 CROSS JOIN (
                       SELECT SUM(segment_revenue_window) AS revenue
                         FROM client_segment_state
                        WHERE company_id = %(company)s
                          AND segment_revenue_window > 0
                 ) total
                 WHERE client.company_id = %(company)s
                   AND client.segment_revenue_window > 0
                   AND client.partner_id = ANY(%(ids)s)
                """,
                company=self.env.company.id,
                ids=commercial_ids,
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
        stage_by_client = {}
        SaleOrder = self.env.get("sale.order")
        if SaleOrder is not None and SaleOrder.has_access("read"):
            groups = SaleOrder._read_group(
                [
                    ("partner_id.commercial_partner_id", "in", commercial_ids),
                    "|",
                    ("state", "in", ("draft", "sent")),
                    "&",
                    ("state", "=", "sale"),
                    ("invoice_status", "!=", "invoiced"),
                ],
                ["partner_id"],
                ["id:max"],
            )
            latest = {}
            for partner, order_id in groups:
                client_id = partner.commercial_partner_id.id
                latest[client_id] = max(latest.get(client_id, 0), order_id)
            states = dict(SaleOrder._fields["state"]._description_selection(self.env))
            for order in SaleOrder.browse(latest.values()):
                stage_by_client[order.partner_id.commercial_partner_id.id] = (
                    f"{order.name} - {states.get(order.state, order.state)}"
                )
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
                stage_by_client[invoice.commercial_partner_id.id] = (
                    f"{invoice.name} - {payment_states.get(invoice.payment_state, '')}"
                )
        for partner in self:
            partner.current_order_stage = stage_by_client.get(
                partner.commercial_partner_id.id, False
            )

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
            if vals.get("funnel_stage_id"):
                self.browse()._funnel_check_stage_entry(vals)
        partners = super().create(vals_list)
        funnel_partners = partners.filtered(
            lambda partner: partner.funnel_stage_id or partner.temperature_override
        )
        if funnel_partners:
            funnel_partners._funnel_update(self.env.company, assign_stages=False)
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
        if "funnel_stage_id" in vals:
            vals = self._funnel_prepare_stage_write(vals)
        result = super().write(vals)
        if {"funnel_stage_id", "temperature_override"} & set(vals):
            self._funnel_update(self.env.company, assign_stages=False)
        return result

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
                for name in ("client_type_id", "temperature_override"):
                    if name not in values and partner[name]:
                        values[name] = partner._fields[name].convert_to_write(
                            partner[name], partner
                        )
            kept["companies"][company] = values
        return kept

    def _client_merge_apply(self, kept):
        """Write what :meth:`_client_merge_prepare` kept on the survivor and
        forget its segment state, so that the next recompute classifies it
        from the merged history."""
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
        self.env["client.segment.state"].sudo().search(
            [("partner_id", "=", self.id)]
        ).unlink()

    def action_recompute_segments(self):
        """Recompute the segments of the current companies (server action,
        settings button). ABC is relative, so the whole company is re-ranked
        whatever partners are selected."""
        if not self.env.user.has_group("sales_team.group_sale_manager"):
            raise AccessError(
                self.env._("Only sales administrators can recompute client segments.")
            )
        stats = self._segment_recompute(self.env.companies)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "title": self.env._("Segments recomputed"),
                "message": self.env._(
                    "%(clients)s clients ranked, %(written)s contacts updated.",
                    clients=stats["clients"],
                    written=stats["written"],
                ),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def action_view_key_dates(self):
        """Key dates of the client and of all its contact persons."""
        self.ensure_one()
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
    def _cron_recompute_segments(self):
        """Nightly job: every company, each from its own documents."""
        companies = self.env["res.company"].search([])
        for done, company in enumerate(companies, start=1):
            self._segment_recompute(company)
            self.env["ir.cron"]._notify_progress(
                done=done, remaining=len(companies) - done
            )

    @api.model
    def _segment_recompute(self, companies):
        """Recompute segments for ``companies``; return summed statistics.

        Per company: one aggregate query over its documents into a temporary
        table, the ABC cut-offs from :mod:`..tools.segmentation`, then one
        UPDATE per batch of partner ids that writes only the rows whose values
        change. Raw SQL bypasses access rules: callers check rights.
        """
        totals = {"clients": 0, "written": 0}
        for company in companies:
            stats = self._segment_recompute_company(company)
            totals["clients"] += stats["clients"]
            totals["written"] += stats["written"]
        return totals

    @api.model
    def _segment_recompute_company(self, company):
        started = time.monotonic()
        last_run = company.segment_last_run_at
        funnel_full = self._funnel_needs_full_update(company)
        today = fields.Date.context_today(self.with_company(company))
        self.env.flush_all()
        self._segment_collect_figures(company, today)
        cr = self.env.cr
        cr.execute(
            SQL(
                "SELECT partner_id, revenue_window FROM client_segment_figures"
                " WHERE revenue_window > 0 ORDER BY revenue_window DESC, partner_id"
            )
        )
        cut_a, cut_b = segmentation.abc_cutoffs(
            cr.fetchall(), company.segment_abc_a_share, company.segment_abc_b_share
        )
        hot_since, warm_since = segmentation.recency_cutoffs(
            today, company.segment_recency_hot_days, company.segment_recency_warm_days
        )
        cr.execute(SQL("SELECT count(*) FROM client_segment_figures"))
        clients = cr.fetchone()[0]
        written, changed_ids = self._segment_write(
            company, cut_a, cut_b, hot_since, warm_since
        )
        cr.execute(SQL("DROP TABLE client_segment_figures"))
        self.invalidate_model(list(SEGMENT_FIELDS))
        # sudo: the caller's rights were checked (sales manager action or the
        # cron); sales managers cannot write the company record itself.
        company.sudo().segment_last_run_at = fields.Datetime.now()
        # Funnel inputs are the segments (changed_ids: the partners whose
        # segments changed) and the partners' contacts (also in changed_ids
        # when edited since the last run). The first run of a company is its
        # initial classification: every buyer leaves the default stage at
        # once, which is no news worth one chatter message per client.
        if funnel_full or changed_ids is None:
            moved = self._funnel_update(company, log_changes=bool(last_run))
        elif changed_ids:
            moved = self.browse(changed_ids)._funnel_update(company)
        else:
            moved = 0
        # sudo: engine bookkeeping; the caller's rights were checked.
        company.sudo().segment_funnel_applied_key = self._funnel_settings_key(company)
        _logger.info(
            "Client segments of %s: %s clients ranked, %s contacts written, "
            "%s funnel moves in %.1fs",
            company.name,
            clients,
            written,
            moved,
            time.monotonic() - started,
        )
        return {
            "clients": clients,
            "written": written,
            "changed_ids": changed_ids,
            "funnel_moved": moved,
        }

    @api.model
    def _segment_collect_figures(self, company, today):
        """Aggregate the company's purchases per commercial partner into the
        temporary table ``client_segment_figures`` (one query)."""
        start = segmentation.window_start(today, company.segment_window_months)
        cr = self.env.cr
        cr.execute(SQL("DROP TABLE IF EXISTS client_segment_figures"))
        if company.segment_revenue_source == "sale" and "sale.order" in self.env:
            documents = SQL(
                """
                SELECT partner.commercial_partner_id AS partner_id,
                       so.date_order::date AS day,
                       so.amount_untaxed / COALESCE(NULLIF(so.currency_rate, 0), 1)
                           AS amount,
                       TRUE AS is_purchase
                  FROM sale_order so
                  JOIN res_partner partner ON partner.id = so.partner_id
                 WHERE so.company_id = %(company)s
                   AND so.state = 'sale'
                   AND so.date_order::date <= %(today)s
                """,
                company=company.id,
                today=today,
            )
        else:
            documents = SQL(
                """
                SELECT move.commercial_partner_id AS partner_id,
                       move.invoice_date AS day,
                       move.amount_untaxed_signed AS amount,
                       move.move_type = 'out_invoice' AS is_purchase
                  FROM account_move move
                 WHERE move.company_id = %(company)s
                   AND move.state = 'posted'
                   AND move.move_type IN ('out_invoice', 'out_refund')
                   AND move.commercial_partner_id IS NOT NULL
                   AND move.invoice_date <= %(today)s
                """,
                company=company.id,
                today=today,
            )
        in_window = SQL("TRUE") if start is None else SQL("day >= %s", start)
        cr.execute(
            SQL(
                """
                CREATE TEMPORARY TABLE client_segment_figures AS
                SELECT partner_id,
                       COALESCE(SUM(amount) FILTER (WHERE %(in_window)s), 0)
                           AS revenue_window,
                       SUM(amount) AS revenue_total,
                       COUNT(*) FILTER (WHERE is_purchase) AS purchase_count,
                       COUNT(*) FILTER (WHERE is_purchase AND %(in_window)s)
                           AS window_purchase_count,
                       MIN(day) FILTER (WHERE is_purchase) AS first_purchase,
                       MAX(day) FILTER (WHERE is_purchase) AS last_purchase
                  FROM (%(documents)s) documents
                 GROUP BY partner_id
                """,
                in_window=in_window,
                documents=documents,
            )
        )
        cr.execute(SQL("CREATE UNIQUE INDEX ON client_segment_figures (partner_id)"))
        cr.execute(SQL("ANALYZE client_segment_figures"))

    @api.model
    def _segment_values_sql(self, company, cut_a, cut_b, hot_since, warm_since):
        """SQL expressions of every stored segment value, over the figures
        ``f`` of one commercial partner: the rules of ``tools.segmentation``
        applied through their cut-offs."""

        def ranked_up_to(cut):
            if cut is None:
                return SQL("FALSE")
            revenue, partner_id = cut
            return SQL(
                "(f.revenue_window > %(revenue)s OR (f.revenue_window = %(revenue)s"
                " AND f.partner_id <= %(partner)s))",
                revenue=revenue,
                partner=partner_id,
            )

        return {
            "abc_class": SQL(
                """CASE WHEN COALESCE(f.revenue_window, 0) <= 0 THEN NULL
                        WHEN %(a)s THEN 'a' WHEN %(b)s THEN 'b' ELSE 'c' END""",
                a=ranked_up_to(cut_a),
                b=ranked_up_to(cut_b),
            ),
            # 'none' (never bought) is the field's fallback: stored as no key.
            "recency_segment": SQL(
                """CASE WHEN f.last_purchase IS NULL THEN NULL
                        WHEN f.last_purchase >= %(hot)s THEN 'hot'
                        WHEN f.last_purchase >= %(warm)s THEN 'warm'
                        ELSE 'sleeping' END""",
                hot=hot_since,
                warm=warm_since,
            ),
            "segment_revenue_window": SQL("NULLIF(f.revenue_window, 0)"),
            "segment_revenue_total": SQL("NULLIF(f.revenue_total, 0)"),
            "segment_purchase_count": SQL("NULLIF(f.purchase_count, 0)::int4"),
            "segment_purchase_average": SQL(
                "ROUND(f.revenue_total / NULLIF(f.purchase_count, 0), %s)",
                company.currency_id.decimal_places,
            ),
            "segment_first_purchase_date": SQL("f.first_purchase"),
            "segment_last_purchase_date": SQL("f.last_purchase"),
            # Same rule as tools.segmentation.purchase_frequency.
            "purchase_frequency": SQL(
                """CASE WHEN COALESCE(f.window_purchase_count, 0) <= 0 THEN NULL
                        WHEN f.window_purchase_count = 1 THEN 'one_off'
                        WHEN f.window_purchase_count >= %(regular)s THEN 'regular'
                        ELSE 'rare' END""",
                regular=company.segment_frequency_regular_min,
            ),
        }

    @api.model
    def _segment_write(self, company, cut_a, cut_b, hot_since, warm_since):
        """Apply the classification to the partners of ``company`` and write
        only what changed; children of a commercial partner, archived ones
        included, get its values. Return ``(rows written, ids of the
        commercial partners whose values changed or that were edited since
        the last run, or None when every partner was examined)``.

        ``client.segment.state`` holds what the previous run wrote: comparing
        the new values with it (two narrow tables) finds the few commercial
        partners to write without reading every ``res_partner`` row. Without
        a state for the company (first run), every partner is examined.
        """
        values = self._segment_values_sql(company, cut_a, cut_b, hot_since, warm_since)
        names = list(values)
        cr = self.env.cr
        cr.execute(SQL("DROP TABLE IF EXISTS client_segment_new"))
        cr.execute(
            SQL(
                """
                CREATE TEMPORARY TABLE client_segment_new AS
                SELECT f.partner_id, %s FROM client_segment_figures f
                """,
                SQL(", ").join(
                    SQL("%s AS %s", expr, SQL.identifier(name))
                    for name, expr in values.items()
                ),
            )
        )
        cr.execute(SQL("CREATE UNIQUE INDEX ON client_segment_new (partner_id)"))
        cr.execute(SQL("ANALYZE client_segment_new"))
        State = self.env["client.segment.state"]
        State.flush_model()
        cr.execute(
            SQL(
                "SELECT 1 FROM client_segment_state WHERE company_id = %s LIMIT 1",
                company.id,
            )
        )
        incremental = bool(cr.fetchone()) and company.segment_last_run_at
        cr.execute(SQL("DROP TABLE IF EXISTS client_segment_changed"))
        if incremental:
            self._segment_collect_changes(company, names)
            written = self._segment_update_partners(company, names, "changed")
            cr.execute(SQL("SELECT partner_id FROM client_segment_changed"))
            changed_ids = [row[0] for row in cr.fetchall()]
        else:
            written = self._segment_update_partners(company, names, "all")
            changed_ids = None
        State._segment_store(company, names, bool(incremental))
        cr.execute(SQL("DROP TABLE IF EXISTS client_segment_changed"))
        cr.execute(SQL("DROP TABLE client_segment_new"))
        return written, changed_ids

    @api.model
    def _segment_collect_changes(self, company, names):
        """Fill the temporary table ``client_segment_changed`` with the
        commercial partners whose new values differ from the stored state
        (new, changed or gone), plus those with a contact created or edited
        since the last run (a new or re-parented contact, a decision maker)."""
        columns = [SQL.identifier(name) for name in names]
        self.env.cr.execute(
            SQL(
                """
                CREATE TEMPORARY TABLE client_segment_changed AS
                SELECT COALESCE(n.partner_id, s.partner_id) AS partner_id
                  FROM client_segment_new n
                  FULL JOIN (
                      SELECT * FROM client_segment_state WHERE company_id = %(company)s
                  ) s ON s.partner_id = n.partner_id
                 WHERE n.partner_id IS NULL OR s.partner_id IS NULL
                    OR (%(new)s) IS DISTINCT FROM (%(old)s)
                 UNION
                SELECT commercial_partner_id FROM res_partner
                 WHERE write_date >= %(since)s AND commercial_partner_id IS NOT NULL
                """,
                company=company.id,
                new=SQL(", ").join(SQL("n.%s", column) for column in columns),
                old=SQL(", ").join(SQL("s.%s", column) for column in columns),
                since=company.segment_last_run_at,
            )
        )
        self.env.cr.execute(
            SQL("CREATE UNIQUE INDEX ON client_segment_changed (partner_id)")
        )
        self.env.cr.execute(SQL("ANALYZE client_segment_changed"))

    @api.model
    def _segment_update_partners(self, company, names, scope):
        """Write the company's key of every segment field where it differs:
        on the commercial partners of ``client_segment_changed`` (``scope``
        ``"changed"``) or of every partner (``"all"``), and their contacts.
        A partner without new values loses the company's keys; other
        companies' keys are never touched. Batches of commercial partner ids
        bound each statement."""
        key = str(company.id)
        columns = [SQL.identifier(name) for name in names]
        assignments = SQL(", ").join(
            SQL(
                """%(col)s = CASE WHEN v.%(col)s IS NULL THEN p.%(col)s - %(key)s
                        ELSE COALESCE(p.%(col)s, '{}'::jsonb)
                             || jsonb_build_object(%(key)s, v.%(col)s) END""",
                col=column,
                key=key,
            )
            for column in columns
        )
        changed = SQL(" OR ").join(
            SQL(
                "(p.%(col)s -> %(key)s) IS DISTINCT FROM to_jsonb(v.%(col)s)",
                col=column,
                key=key,
            )
            for column in columns
        )
        new_columns = SQL(", ").join(SQL("n.%s", column) for column in columns)
        if scope == "changed":
            candidates = SQL(
                "SELECT c.partner_id, %s FROM client_segment_changed c"
                " LEFT JOIN client_segment_new n ON n.partner_id = c.partner_id",
                new_columns,
            )
        else:
            # every commercial partner: with new values, or holding values of
            # this company from an earlier run
            has_value = SQL(" OR ").join(
                SQL("cp.%s ? %s", column, key) for column in columns
            )
            candidates = SQL(
                """SELECT cp.id AS partner_id, %s FROM res_partner cp
                     LEFT JOIN client_segment_new n ON n.partner_id = cp.id
                    WHERE cp.id = cp.commercial_partner_id
                      AND (n.partner_id IS NOT NULL OR %s)""",
                new_columns,
                has_value,
            )
        cr = self.env.cr
        cr.execute(
            SQL(
                "SELECT COALESCE(MIN(partner_id), 0), COALESCE(MAX(partner_id), -1)"
                " FROM (%s) c",
                candidates,
            )
        )
        first_id, last_id = cr.fetchone()
        written = 0
        for low in range(first_id, last_id + 1, SEGMENT_BATCH_SIZE):
            cr.execute(
                SQL(
                    """
                    UPDATE res_partner p
                       SET %(assignments)s
                      FROM (
                          SELECT * FROM (%(candidates)s) c
                           WHERE c.partner_id >= %(low)s AND c.partner_id < %(high)s
                      ) v
                     WHERE p.commercial_partner_id = v.partner_id AND (%(changed)s)
                    """,
                    assignments=assignments,
                    candidates=candidates,
                    low=low,
                    high=low + SEGMENT_BATCH_SIZE,
                    changed=changed,
                )
            )
            written += cr.rowcount
        return written

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
        if not stage.requires_reason and "refusal_reason_id" not in vals:
            vals = dict(vals, refusal_reason_id=False)
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

    @api.model
    def _funnel_settings_key(self, company):
        return (
            f"{company.segment_funnel_platinum_purchases}/"
            f"{company.segment_funnel_long_purchases}/"
            f"{company.segment_funnel_long_months}"
        )

    @api.model
    def _funnel_needs_full_update(self, company):
        """Every client must be re-examined when the funnel thresholds or the
        stages changed since the last run (or there was none)."""
        last_run = company.segment_last_run_at
        if not last_run or (
            company.segment_funnel_applied_key != self._funnel_settings_key(company)
        ):
            return True
        Stage = self.env["client.funnel.stage"].with_context(active_test=False)
        return bool(Stage.search_count([("write_date", ">=", last_run)], limit=1))

    @api.model
    def _funnel_decision_maker_known_sql(self, partner_alias):
        """SQL truth value of "the decision maker of the commercial partner
        ``partner_alias`` is known", for the grey rule: the same definition as
        the client card's ``decision_maker_known`` (the partner itself or one
        of its active contact persons is flagged ``is_decision_maker``)."""
        return SQL(
            """EXISTS (SELECT 1 FROM res_partner dm
                        WHERE dm.commercial_partner_id = %(partner)s.id
                          AND dm.is_decision_maker AND dm.active)""",
            partner=partner_alias,
        )

    def _funnel_update(self, company, assign_stages=True, log_changes=True):
        """Apply the funnel rules of :mod:`..tools.funnel` for ``company`` in
        SQL and return the number of stage changes.

        On an empty recordset (the engine run), every commercial partner is
        processed, one UPDATE per batch of ids; otherwise only ``self``.
        ``assign_stages=False`` only refreshes the temperature (after a manual
        stage or override change). Only changed rows are written; stage changes
        into or out of a purchase stage are logged in the chatter, in batch.
        Raw SQL bypasses access rules: callers check rights.
        """
        key = str(company.id)
        Stage = self.env["client.funnel.stage"]
        partners = self.with_company(company)
        fallback = self._fields["funnel_stage_id"].get_company_dependent_fallback(
            partners
        )
        fallback_id = fallback.id or None
        temperature_fallback = (
            self._fields["temperature"].get_company_dependent_fallback(partners) or None
        )
        rule_stages = Stage._funnel_rule_stages()
        manual_ids = (
            Stage.with_context(active_test=False)
            .search([("is_automatic", "=", False)])
            .ids
        )
        self.env.flush_all()

        def company_value(column, cast):
            return SQL("(p2.%s ->> %s)::%s", SQL.identifier(column), key, SQL(cast))

        current = SQL(
            "COALESCE(%s, %s)", company_value("funnel_stage_id", "int4"), fallback_id
        )
        purchases = SQL(
            "COALESCE(%s, 0)", company_value("segment_purchase_count", "int4")
        )
        recency = company_value("recency_segment", "varchar")
        long_cooperation = SQL(
            """(%(purchases)s >= %(long_purchases)s
                AND (%(long_months)s = 0
                     OR %(last)s
                        >= %(first)s + make_interval(months => %(long_months)s)))""",
            purchases=purchases,
            long_purchases=company.segment_funnel_long_purchases,
            long_months=company.segment_funnel_long_months,
            first=company_value("segment_first_purchase_date", "date"),
            last=company_value("segment_last_purchase_date", "date"),
        )
        rule = SQL(
            """CASE WHEN %(purchases)s > 0 THEN
                        CASE WHEN %(recency)s = 'sleeping' THEN
                                  CASE WHEN %(long)s THEN 'platinum_red'
                                       ELSE 'red_gold' END
                             WHEN %(purchases)s >= %(platinum)s THEN 'platinum'
                             ELSE 'gold' END
                    WHEN p2.is_company AND NOT %(dm_known)s THEN 'grey'
                    ELSE 'white' END""",
            purchases=purchases,
            recency=recency,
            long=long_cooperation,
            platinum=company.segment_funnel_platinum_purchases,
            dm_known=self._funnel_decision_maker_known_sql(SQL("p2")),
        )
        if assign_stages and rule_stages:
            target = SQL(
                "CASE r.rule %s END",
                SQL(" ").join(
                    SQL("WHEN %s THEN %s", name, stage_id)
                    for name, stage_id in rule_stages.items()
                ),
            )
            new_stage = SQL(
                """CASE WHEN r.locked THEN r.current
                        WHEN r.rule IN %(purchase_rules)s
                            THEN COALESCE(%(target)s, r.current)
                        WHEN r.current = ANY(%(manual)s) THEN r.current
                        ELSE COALESCE(%(target)s, r.current) END""",
                purchase_rules=funnel.PURCHASE_RULES,
                target=target,
                manual=manual_ids,
            )
        else:
            new_stage = SQL("r.current")
        temperature = SQL(
            """CASE WHEN c.override IS NOT NULL THEN c.override
                    WHEN c.purchases > 0 THEN
                        CASE WHEN c.recency IN ('hot', 'warm') THEN c.recency
                             ELSE 'cold' END
                    ELSE COALESCE(s.temperature, 'cold') END"""
        )
        if self:
            scope = SQL("p2.id = ANY(%s)", self.ids)
            ranges = [(0, 0)]
        else:
            scope = SQL("p2.id = p2.commercial_partner_id")
            self.env.cr.execute(SQL("SELECT COALESCE(MAX(id), 0) FROM res_partner"))
            max_id = self.env.cr.fetchone()[0]
            ranges = [
                (low, low + SEGMENT_BATCH_SIZE)
                for low in range(0, max_id + 1, SEGMENT_BATCH_SIZE)
            ]
        changes = []
        for low, high in ranges:
            in_range = (
                SQL("TRUE") if self else SQL("p2.id >= %s AND p2.id < %s", low, high)
            )
            self.env.cr.execute(
                SQL(
                    """
                    UPDATE res_partner p
                       SET funnel_stage_id = CASE
                               WHEN n.new_stage IS NOT DISTINCT FROM %(fallback)s
                                   THEN p.funnel_stage_id - %(key)s
                               ELSE COALESCE(p.funnel_stage_id, '{}'::jsonb)
                                    || jsonb_build_object(%(key)s, n.new_stage) END,
                           temperature = CASE
                               WHEN n.new_temperature IS NOT DISTINCT FROM
                                    %(temperature_fallback)s
                                   THEN p.temperature - %(key)s
                               ELSE COALESCE(p.temperature, '{}'::jsonb)
                                    || jsonb_build_object(%(key)s, n.new_temperature)
                               END,
                           refusal_reason_id = CASE WHEN n.keep_reason
                               THEN p.refusal_reason_id
                               ELSE p.refusal_reason_id - %(key)s END
                      FROM (
                          SELECT c.id, c.current, c.new_stage, c.old_temperature,
                                 %(temperature)s AS new_temperature,
                                 COALESCE(s.requires_reason, FALSE) AS keep_reason
                            FROM (
                                SELECT r.*, %(new_stage)s AS new_stage
                                  FROM (
                                      SELECT p2.id,
                                             %(current)s AS current,
                                             COALESCE(%(locked)s, FALSE) AS locked,
                                             %(purchases)s AS purchases,
                                             %(recency)s AS recency,
                                             %(rule)s AS rule,
                                             %(override)s AS override,
                                             COALESCE(%(old_temperature)s,
                                                      %(temperature_fallback)s)
                                                 AS old_temperature
                                        FROM res_partner p2
                                       WHERE %(scope)s AND %(in_range)s
                                  ) r
                            ) c
                            LEFT JOIN client_funnel_stage s ON s.id = c.new_stage
                      ) n
                     WHERE p.id = n.id
                       AND (n.new_stage IS DISTINCT FROM n.current
                            OR n.new_temperature IS DISTINCT FROM n.old_temperature
                            OR (NOT n.keep_reason AND p.refusal_reason_id ? %(key)s))
                    RETURNING p.id, n.current, n.new_stage
                    """,
                    fallback=fallback_id,
                    key=key,
                    temperature_fallback=temperature_fallback,
                    temperature=temperature,
                    new_stage=new_stage,
                    current=current,
                    locked=company_value("funnel_stage_locked", "boolean"),
                    purchases=purchases,
                    recency=recency,
                    rule=rule,
                    override=company_value("temperature_override", "varchar"),
                    old_temperature=company_value("temperature", "varchar"),
                    scope=scope,
                    in_range=in_range,
                )
            )
            changes.extend(row for row in self.env.cr.fetchall() if row[1] != row[2])
        self.invalidate_model(["funnel_stage_id", "temperature", "refusal_reason_id"])
        if assign_stages and log_changes:
            purchase_stage_ids = {
                rule_stages[name]
                for name in funnel.PURCHASE_RULES
                if name in rule_stages
            }
            self._funnel_log_stage_changes(
                company,
                [row for row in changes if {row[1], row[2]} & purchase_stage_ids],
            )
        return len(changes)

    @api.model
    def _funnel_log_stage_changes(self, company, changes):
        """Post one tracking message per ``(partner_id, old_stage_id,
        new_stage_id)`` change, like the chatter tracking of a manual change,
        with one mail.message create() per batch."""
        if not changes:
            return
        stage_names = {
            stage.id: stage.display_name
            for stage in self.env["client.funnel.stage"]
            .with_context(active_test=False)
            .browse({stage_id for row in changes for stage_id in row[1:] if stage_id})
        }
        field_id = self.env["ir.model.fields"]._get(self._name, "funnel_stage_id").id
        note_id = self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_note")
        author_id = self.env.user.partner_id.id
        body = self.env._(
            "Funnel stage updated by the segment recompute (%(company)s).",
            company=company.name,
        )
        # Engine bookkeeping, set-based: one INSERT of the messages and one of
        # their tracking values per batch, the rows mail.message.create()
        # would write for a note with tracking (no follower is notified of a
        # note). Rights were checked by the caller (sales manager action or
        # the cron); raw SQL bypasses mail's per-record create.
        cr = self.env.cr
        for start in range(0, len(changes), FUNNEL_MESSAGE_BATCH_SIZE):
            batch = changes[start : start + FUNNEL_MESSAGE_BATCH_SIZE]
            cr.execute(
                SQL(
                    """
                    WITH changes AS (
                        SELECT * FROM unnest(%(partners)s::int4[], %(olds)s::int4[],
                                             %(news)s::int4[])
                                 AS c(partner_id, old_id, new_id)
                    ), messages AS (
                        INSERT INTO mail_message (model, res_id, message_type,
                                                  subtype_id, author_id, is_internal,
                                                  body, date, create_uid, write_uid,
                                                  create_date, write_date)
                        SELECT %(model)s, partner_id, 'notification', %(note)s,
                               %(author)s, TRUE, %(body)s, %(now)s, %(uid)s,
                               %(uid)s, %(now)s, %(now)s
                          FROM changes
                        RETURNING id, res_id
                    )
                    INSERT INTO mail_tracking_value (field_id, mail_message_id,
                                                     old_value_integer,
                                                     old_value_char,
                                                     new_value_integer,
                                                     new_value_char, create_uid,
                                                     write_uid, create_date,
                                                     write_date)
                    SELECT %(field)s, m.id, COALESCE(c.old_id, 0),
                           COALESCE((%(names)s::jsonb) ->> c.old_id::text, ''),
                           COALESCE(c.new_id, 0),
                           COALESCE((%(names)s::jsonb) ->> c.new_id::text, ''),
                           %(uid)s, %(uid)s, %(now)s, %(now)s
                      FROM messages m JOIN changes c ON c.partner_id = m.res_id
                    """,
                    partners=[row[0] for row in batch],
                    olds=[row[1] for row in batch],
                    news=[row[2] for row in batch],
                    model=self._name,
                    note=note_id,
                    author=author_id,
                    body=str(Markup("<p>%s</p>") % body),
                    now=fields.Datetime.now(),
                    uid=self.env.uid,
                    field=field_id,
                    names=json.dumps({str(k): v for k, v in stage_names.items()}),
                )
            )
        self.env["mail.message"].invalidate_model()
        self.env["mail.tracking.value"].invalidate_model()
        self.invalidate_model(["message_ids"])
