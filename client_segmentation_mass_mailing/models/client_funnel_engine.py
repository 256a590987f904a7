from odoo import api, models
from odoo.tools import SQL


class ClientFunnelEngine(models.AbstractModel):
    _inherit = "client.funnel.engine"

    @api.model
    def _interest_sources(self, company, today):
        return [
            *super()._interest_sources(company, today),
            self._interest_mailing_source(company, today),
        ]

    @api.model
    def _interest_mailing_source(self, company, today):
        """Warm: the e-mail of the client or one of its contacts is
        subscribed to an active mailing list (not opted out, not
        blacklisted): it agreed to hear from us. Mailing lists have no
        company: a subscription counts for every company."""
        subscribed = SQL(
            """
              FROM mailing_subscription sub
              JOIN mailing_contact mc ON mc.id = sub.contact_id
              JOIN mailing_list ml ON ml.id = sub.list_id
              JOIN res_partner sp ON sp.email_normalized = mc.email_normalized
            """
        )
        partners = SQL(
            """
            SELECT sp.commercial_partner_id AS partner_id, 'warm' AS temperature
              %(subscribed)s
             WHERE ml.active AND NOT COALESCE(sub.opt_out, FALSE)
               AND NOT EXISTS (SELECT 1 FROM mail_blacklist bl
                                WHERE bl.email = mc.email_normalized AND bl.active)
            """,
            subscribed=subscribed,
        )
        since, _previous_day = self._since_last_run(company, today)
        changed = None
        if since:
            # subscribed, opted out, list (de)activated, e-mail changed or
            # blacklisted since the last run (a partner's own edit makes it
            # a candidate anyway)
            changed = SQL(
                """
                SELECT sp.commercial_partner_id AS partner_id
                  %(subscribed)s
                 WHERE sub.write_date >= %(since)s OR mc.write_date >= %(since)s
                    OR ml.write_date >= %(since)s
                    OR EXISTS (SELECT 1 FROM mail_blacklist bl
                                WHERE bl.email = mc.email_normalized
                                  AND bl.write_date >= %(since)s)
                """,
                subscribed=subscribed,
                since=since,
            )
        return self._interest_source("mailing", partners, changed)
