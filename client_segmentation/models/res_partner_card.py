"""The client card on the partner: reference, business and relationship
information, key dates. See docs/adr-003-client-card-key-dates.md."""

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import create_index

from .. import validation
from ..tools import key_dates

# Plain-text notes of the client card: on a merge the survivor keeps them all.
CARD_NOTE_FIELDS = ("client_needs", "gift_preferences", "relationship_notes")


class ResPartner(models.Model):
    # One class per concept of the partner, in its own file (docs/architecture.md):
    # pylint: disable=consider-merging-classes-inherited
    _inherit = "res.partner"

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
