from odoo import api, models
from odoo.tools import SQL


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

    @api.model
    def _run_company(self, company, partners, commit, started, today=None):
        """The clients to re-aggregate in any case (``partners``) are
        re-aggregated by the predicted value's purchase summaries too."""
        if partners:
            self._mark_clv_dirty(partners.commercial_partner_id.ids, company)
        return super()._run_company(company, partners, commit, started, today=today)

    @api.model
    def _mark_dirty(self, partner_ids):
        """Documents moved away from these clients without an edit: their
        purchase summaries are re-aggregated at the next run too."""
        result = super()._mark_dirty(partner_ids)
        self._mark_clv_dirty(partner_ids)
        return result

    @api.model
    def _mark_clv_dirty(self, partner_ids, company=None):
        if not partner_ids:
            return
        self.env["client.clv.summary"].flush_model()
        self.env.cr.execute(
            SQL(
                "UPDATE client_clv_summary SET dirty = TRUE"
                " WHERE partner_id = ANY(%s) AND NOT dirty AND %s",
                list(partner_ids),
                SQL("company_id = %s", company.id) if company else SQL("TRUE"),
            )
        )
        self.env["client.clv.summary"].invalidate_model(["dirty"])
