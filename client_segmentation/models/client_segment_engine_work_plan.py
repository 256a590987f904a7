from odoo import api, models


class ClientSegmentEngine(models.AbstractModel):
    _inherit = "client.segment.engine"

    @api.model
    def _after_changes(self, company, changes, today, first_run):
        """Work plans consume the run's changes: entries launch their plans,
        leaving clients and buyers get their remaining steps cancelled."""
        result = super()._after_changes(company, changes, today, first_run)
        self.env["client.work.plan.trigger"]._apply_changes(
            company, changes, today, first_run
        )
        return result
