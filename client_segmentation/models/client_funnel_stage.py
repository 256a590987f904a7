import re

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..tools import funnel

TEMPERATURE_SELECTION = [
    ("hot", "Hot: Ready to Buy"),
    ("warm", "Warm: Interested"),
    ("cold", "Cold: No Interest Yet"),
]
# The stage colour goes into a style attribute of the boards: only a plain
# #rrggbb colour (what the colour widget writes) may reach it.
COLOR_PATTERN = re.compile(r"#[0-9A-Fa-f]{6}")


class ClientFunnelStage(models.Model):
    _name = "client.funnel.stage"
    _inherit = ["client.company.shared.mixin"]
    _description = "Client Funnel Stage"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    color = fields.Char(
        string="Colour",
        default="#FFFFFF",
        help="Colour of the stage on the client cards, as #rrggbb.",
    )
    fold = fields.Boolean(
        string="Folded in Board",
        help="Fold this column in the funnel board.",
    )
    temperature = fields.Selection(
        selection=TEMPERATURE_SELECTION,
        default="cold",
        required=True,
        help="Temperature of the clients in this stage, unless a sign of "
        "interest of theirs is warmer. Not used by the stages set by purchases: "
        "there the purchases and the signs of interest decide.",
    )
    description = fields.Text(translate=True)
    auto_rule = fields.Selection(
        selection=[
            ("white", "New client"),
            ("grey", "Company without known decision maker"),
            ("gold", "First purchase"),
            ("platinum", "Repeated purchases"),
            ("red_gold", "Sleeping after a few purchases"),
            ("platinum_red", "Sleeping after a long cooperation"),
        ],
        string="Set Automatically When",
        help="Empty: a manual stage, set by the salesperson. Otherwise the "
        "segment recompute moves clients into this stage by the rule.",
    )
    is_automatic = fields.Boolean(
        string="Automatic",
        compute="_compute_is_automatic",
        store=True,
    )
    requires_reason = fields.Boolean(
        string="Refusal Stage",
        help="Entering this stage by hand asks for a refusal reason, so that "
        "marketing can count the most common ones.",
    )

    _sql_constraints = [
        (
            "auto_rule_unique",
            "UNIQUE (auto_rule)",
            "Only one stage can be set automatically by each rule.",
        ),
    ]

    @api.constrains("color")
    def _check_color(self):
        for stage in self:
            if stage.color and not COLOR_PATTERN.fullmatch(stage.color):
                raise ValidationError(
                    self.env._(
                        "%(stage)s: the colour must be written #rrggbb, e.g. "
                        "#43A047 (got %(color)s).",
                        stage=stage.name,
                        color=stage.color,
                    )
                )

    @api.constrains("auto_rule", "company_id")
    def _check_automatic_stage_shared(self):
        for stage in self:
            if stage.auto_rule and stage.company_id:
                raise ValidationError(
                    self.env._(
                        "%(stage)s is set automatically by the recompute of every "
                        "company: it cannot belong to one company.",
                        stage=stage.name,
                    )
                )

    @api.depends("auto_rule")
    def _compute_is_automatic(self):
        for stage in self:
            stage.is_automatic = bool(stage.auto_rule)

    @api.model
    def _funnel_rule_stages(self):
        """Map each automatic rule to the id of its active stage."""
        stages = self.with_context(active_test=True).search(
            [("auto_rule", "in", list(funnel.RULES))]
        )
        return {stage.auto_rule: stage.id for stage in stages}

    @api.ondelete(at_uninstall=False)
    def _unlink_except_automatic(self):
        if any(stage.auto_rule for stage in self):
            raise UserError(
                self.env._(
                    "Stages set automatically cannot be deleted; archive them or "
                    "clear their rule first."
                )
            )
