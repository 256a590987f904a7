from odoo import fields, models


class ClientClvModelLine(models.Model):
    """The paper's check of a fit (Fader, Hardie & Lee 2005, figure 2): for
    each number of repeat purchases (0, 1, ... and "7+"), how many clients
    made that many, and how many the fitted model expects given each
    client's time since the first purchase. Rewritten by each fit."""

    _name = "client.clv.model.line"
    _description = "Predicted Value Model Fit Check"
    _order = "model_id, repeat_purchases"
    _log_access = False

    model_id = fields.Many2one(
        comodel_name="client.clv.model",
        required=True,
        ondelete="cascade",
        index=True,
        readonly=True,
    )
    company_id = fields.Many2one(related="model_id.company_id", store=True)
    repeat_purchases = fields.Integer(readonly=True)
    label = fields.Char(string="Repeat Purchases (label)", readonly=True)
    actual_clients = fields.Float(readonly=True, aggregator="sum")
    expected_clients = fields.Float(readonly=True, aggregator="sum")
