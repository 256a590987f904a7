from odoo import api, models
from odoo.tools import SQL


class ClientWorkPlanTrigger(models.Model):
    _inherit = "client.work.plan.trigger"

    @api.model
    def _pressure_touches(self, company, partner_ids, since):
        """Mailings sent to the clients are touches too (any mailing of
        contacts that was not cancelled or failed, on the day it went out)."""
        touches = super()._pressure_touches(company, partner_ids, since)
        self.env["mailing.trace"].flush_model()
        self.env.cr.execute(
            SQL(
                """
                SELECT res_id,
                       array_agg(COALESCE(sent_datetime, create_date)::date)
                  FROM mailing_trace
                 WHERE model = 'res.partner'
                   AND res_id = ANY(%(partners)s)
                   AND trace_status NOT IN ('cancel', 'error')
                   AND COALESCE(sent_datetime, create_date)::date
                       > %(since)s::date - %(window)s
                 GROUP BY res_id
                """,
                partners=partner_ids,
                since=since,
                window=company._segment_profile().work_plan_pressure_days,
            )
        )
        for partner_id, days in self.env.cr.fetchall():
            touches[partner_id].extend(days)
        return touches
