from odoo import fields, models

from .. import validation


class ClientRefusalWizard(models.TransientModel):
    """Asked when clients enter a red funnel stage (a drop on the funnel board):
    the stage and the refusal reason are written together."""

    _name = "client.refusal.wizard"
    _description = "Refusal Reason for a Red Funnel Stage"

    partner_ids = fields.Many2many(
        comodel_name="res.partner", string="Clients", required=True
    )
    stage_id = fields.Many2one(
        comodel_name="client.funnel.stage",
        required=True,
        domain="[('requires_reason', '=', True), '|', ('company_id', '=', False), "
        "('company_id', '=', current_company_id)]",
    )
    refusal_reason_id = fields.Many2one(
        comodel_name="client.refusal.reason",
        required=True,
        domain="['|', ('company_id', '=', False), "
        "('company_id', '=', current_company_id)]",
    )

    def action_apply(self):
        validation.ensure_one(self, self.env._("refusal"))
        # A plain write as the user: access rights and the stage rules of
        # res.partner apply.
        self.partner_ids.write(
            {
                "funnel_stage_id": self.stage_id.id,
                "refusal_reason_id": self.refusal_reason_id.id,
            }
        )
        return {"type": "ir.actions.act_window_close"}
