from odoo import api, models
from odoo.tools import SQL


class ClientFunnelEngine(models.AbstractModel):
    _inherit = "client.funnel.engine"

    @api.model
    def _interest_sources(self, company, today):
        return [
            *super()._interest_sources(company, today),
            self._interest_opportunity_source(company, today),
        ]

    @api.model
    def _interest_opportunity_source(self, company, today):
        """Hot: an open opportunity of the client or one of its contacts
        (active, neither won nor lost) in the company or without company:
        ready to buy now. Warm: an open lead (not yet an opportunity): a
        sign of interest. A lead deleted is seen by the next full run."""
        # crm.lead.action_set_won: a won stage, probability 100;
        # action_set_lost: archived, probability 0.
        open_lead = SQL(
            """l.active AND l.partner_id IS NOT NULL
               AND (l.company_id = %(company)s OR l.company_id IS NULL)
               AND COALESCE(l.probability, 0) < 100
               AND NOT COALESCE(st.is_won, FALSE)""",
            company=company.id,
        )
        partners = SQL(
            """
            SELECT lp.commercial_partner_id AS partner_id,
                   CASE WHEN l.type = 'opportunity' THEN 'hot' ELSE 'warm' END
                       AS temperature
              FROM crm_lead l
              JOIN res_partner lp ON lp.id = l.partner_id
              LEFT JOIN crm_stage st ON st.id = l.stage_id
             WHERE %(open_lead)s
            """,
            open_lead=open_lead,
        )
        since, _previous_day = self._since_last_run(company, today)
        changed = None
        if since:
            # opened, won, lost, archived, moved to another client or
            # company since the last run (a stage's won flag: its leads'
            # next write; the nightly run of a later edit)
            changed = SQL(
                """
                SELECT lp.commercial_partner_id AS partner_id
                  FROM crm_lead l
                  JOIN res_partner lp ON lp.id = l.partner_id
                 WHERE l.write_date >= %(since)s
                """,
                since=since,
            )
        return self._interest_source("opportunity", partners, changed)
