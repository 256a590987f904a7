"""Funnel colour stages, typology and temperature on the partner: set by
salespeople (stages, typology, override) and by client.funnel.engine
(automatic stages, temperature). See docs/adr-004-funnel.md."""

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from .. import validation
from .client_funnel_stage import TEMPERATURE_SELECTION

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
# Links to per-company configuration (company-dependent values): each must be
# the current company's own record or a shared one (check_company).
COMPANY_LINK_FIELDS = ("funnel_stage_id", "refusal_reason_id", "client_type_id")

# Stages, types and reasons a client of the current company can take: the
# company's own and the shared ones (client.company.shared.mixin).
COMPANY_SHARED_DOMAIN = (
    "['|', ('company_id', '=', False), ('company_id', '=', current_company_id)]"
)


class ResPartner(models.Model):
    # One class per concept of the partner, in its own file (docs/architecture.md):
    # pylint: disable=consider-merging-classes-inherited
    _inherit = "res.partner"

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

    @api.model_create_multi
    def create(self, vals_list):
        fallback_stage = self._fields["funnel_stage_id"].get_company_dependent_fallback(
            self
        )
        for vals in vals_list:
            # Defaults may carry the funnel fallbacks: the temperature is
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
        self._check_sales_fields_access(vals)
        self._check_funnel_computed_fields_not_written(vals)
        self._check_link_ids(vals)
        if "funnel_stage_id" in vals:
            vals = self._funnel_prepare_stage_write(vals)
        # Segment history: manual changes of stage, typology and override.
        History = self.env["client.segment.history"]
        history_before = History._manual_values(self, vals)
        result = super().write(vals)
        self._check_company_links(vals)
        if history_before:
            History._record_manual_changes(self, history_before)
        if {"funnel_stage_id", "temperature_override"} & set(vals):
            self.env["client.funnel.engine"]._refresh_temperature(
                self, self.env.company
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
