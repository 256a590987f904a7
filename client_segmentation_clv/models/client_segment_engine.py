from odoo import api, models


class ClientSegmentEngine(models.AbstractModel):
    _inherit = "client.segment.engine"

    @api.model
    def _after_changes(self, company, changes, today, first_run):
        """After the segments (history, work plans): the predicted value of
        the company's clients, fitted and scored on the same documents. A
        failure of the fit is kept to this company (client.clv.engine)."""
        result = super()._after_changes(company, changes, today, first_run)
        self.env["client.clv.engine"]._run_company(company, today, first_run)
        return result
