from odoo import api, fields, models

from odoo.addons.client_segmentation_clv.models.client_clv_score import ALIVE_BANDS


class MailingMailing(models.Model):
    _inherit = "mailing.mailing"

    client_target = fields.Selection(
        selection_add=[("clv", "Still active (predicted)")],
        ondelete={"clv": "set null"},
    )
    client_clv_alive_band = fields.Selection(
        selection=ALIVE_BANDS,
        string="Still Active",
        help="The clients of this band of the company's predicted value model.",
    )

    @api.depends("client_clv_alive_band")
    def _compute_mailing_domain(self):
        return super()._compute_mailing_domain()

    def _client_target_domain(self):
        if (
            self.mailing_model_name == "res.partner"
            and self.client_target == "clv"
            and self.client_clv_alive_band
        ):
            return [("clv_alive_band", "=", self.client_clv_alive_band)]
        return super()._client_target_domain()
