from odoo import api, fields, models
from odoo.osv import expression

from odoo.addons.client_segmentation.models.res_partner_segment import RECENCY_SELECTION
from odoo.addons.client_segmentation.tools import pressure


class MailingMailing(models.Model):
    _inherit = "mailing.mailing"

    client_target = fields.Selection(
        selection=[
            ("recency", "Recency segment"),
            ("abc", "ABC class"),
            ("stage", "Funnel stage (board column)"),
            ("filter", "Saved filter of contacts"),
        ],
        string="Client Segment",
        help="Mail the clients of a segment, a funnel board column or a saved "
        "filter of contacts (for mailings on contacts).",
    )
    client_recency_segment = fields.Selection(
        selection=RECENCY_SELECTION,
        string="Recency",
    )
    client_abc_class = fields.Selection(
        selection=[("a", "A"), ("b", "B"), ("c", "C")],
        string="ABC Class",
    )
    client_funnel_stage_id = fields.Many2one(
        comodel_name="client.funnel.stage",
        string="Funnel Stage",
        ondelete="set null",
    )
    client_filter_id = fields.Many2one(
        comodel_name="ir.filters",
        string="Saved Filter",
        ondelete="set null",
        domain="[('model_id', '=', 'res.partner')]",
    )
    client_pressure_respect = fields.Boolean(
        string="Respect Contact Pressure",
        default=True,
        help="Leave out the clients who would get more touches than the "
        "company's contact-pressure limit allows (planned activities and "
        "mailings sent).",
    )
    client_pressure_excluded_count = fields.Integer(
        string="Left Out (Contact Pressure)",
        readonly=True,
        copy=False,
        help="Clients left out at the last sending because they were over the "
        "contact-pressure limit.",
    )

    @api.depends(
        "mailing_model_id",
        "contact_list_ids",
        "mailing_type",
        "mailing_filter_id",
        "client_target",
        "client_recency_segment",
        "client_abc_class",
        "client_funnel_stage_id",
        "client_filter_id",
    )
    def _compute_mailing_domain(self):
        result = super()._compute_mailing_domain()
        for mailing in self:
            domain = mailing._client_target_domain()
            if domain is not None:
                mailing.mailing_domain = repr(
                    expression.AND([mailing._get_default_mailing_domain(), domain])
                )
        return result

    def _client_target_domain(self):
        """Domain of the chosen segment, board column or saved filter on
        contacts; None when the mailing does not target clients."""
        self.ensure_one()
        if self.mailing_model_name != "res.partner" or not self.client_target:
            return None
        if self.client_target == "recency" and self.client_recency_segment:
            return [("recency_segment", "=", self.client_recency_segment)]
        if self.client_target == "abc" and self.client_abc_class:
            return [("abc_class", "=", self.client_abc_class)]
        if self.client_target == "stage" and self.client_funnel_stage_id:
            return [("funnel_stage_id", "=", self.client_funnel_stage_id.id)]
        if self.client_target == "filter" and self.client_filter_id:
            return self.client_filter_id._get_eval_domain()
        return None

    def _get_remaining_recipients(self):
        res_ids = super()._get_remaining_recipients()
        if (
            self.mailing_model_real != "res.partner"
            or not self.client_pressure_respect
            or not res_ids
        ):
            return res_ids
        over = self._client_over_pressure(res_ids)
        self.client_pressure_excluded_count = len(over)
        return [res_id for res_id in res_ids if res_id not in over]

    def _client_over_pressure(self, partner_ids):
        """Clients for whom a mailing today would exceed the company's
        contact pressure (one query for the touches, the rule of
        client_segmentation/tools/pressure.py)."""
        company = self.env.company
        today = fields.Date.context_today(self)
        touches = self.env["client.work.plan.trigger"]._pressure_touches(
            company, partner_ids, today
        )
        profile = company._segment_profile()
        limit = profile.work_plan_pressure_touches
        window = profile.work_plan_pressure_days
        return {
            partner_id
            for partner_id, days in touches.items()
            if not pressure.is_free(today, sorted(days), limit, window)
        }
