from odoo import api, fields, models
from odoo.tools import SQL

from ..tools import rhythm


class ClientSegmentRhythm(models.AbstractModel):
    """Buying rhythm in the segment recompute: the rules of
    :mod:`..tools.rhythm` in SQL, one query per company over its documents.

    The usual interval is a figure of the client (it changes only with its
    documents): the engine has :meth:`_collect` add it to the figures of the
    clients it re-aggregates, keeps it in the state with the other figures,
    and classifies every client with :meth:`_values_sql`, like the recency
    (the state moves with today)."""

    _name = "client.segment.rhythm"
    _description = "Client Buying Rhythm"

    @api.model
    def _intervals_sql(self, documents, today, figures):
        """``(partner_id, interval_days)`` of the clients of the table
        ``figures`` with at least ``rhythm.MIN_PURCHASE_DAYS`` distinct
        purchase days: the median of the gaps between consecutive purchase
        days, rounded half up (``ROUND`` of a numeric, like
        ``tools.rhythm.round_days``). Credit notes are no purchase days."""
        return SQL(
            """
            SELECT partner_id,
                   ROUND((percentile_cont(0.5) WITHIN GROUP (ORDER BY gap))::numeric)
                       ::int4 AS interval_days
              FROM (
                  SELECT partner_id,
                         day - lag(day) OVER (PARTITION BY partner_id ORDER BY day)
                             AS gap
                    FROM (
                        SELECT DISTINCT d.partner_id, d.day
                          FROM (%(documents)s) d
                         WHERE d.is_purchase AND d.counts AND d.day <= %(today)s
                           AND d.partner_id IN (SELECT partner_id FROM %(figures)s)
                    ) days
              ) gaps
             WHERE gap IS NOT NULL
             GROUP BY partner_id
            HAVING COUNT(*) >= %(gaps)s
            """,
            documents=documents,
            today=today,
            figures=figures,
            gaps=rhythm.MIN_PURCHASE_DAYS - 1,
        )

    @api.model
    def _collect(self, company, figures, today):
        """Add the figure ``buying_interval_days`` to the figures table
        ``figures`` (a ``TempTable`` of the run's clients) and fill it for the
        clients with a rhythm, in one statement."""
        cr = self.env.cr
        cr.execute(
            SQL("ALTER TABLE %s ADD COLUMN buying_interval_days int4", figures.sql)
        )
        documents = self.env["client.segment.engine"]._documents_sql(company, today)
        cr.execute(
            SQL(
                """
                UPDATE %(figures)s f SET buying_interval_days = r.interval_days
                  FROM (%(intervals)s) r
                 WHERE r.partner_id = f.partner_id
                """,
                figures=figures.sql,
                intervals=self._intervals_sql(documents, today, figures.sql),
            )
        )

    @api.model
    def _values_sql(self, company, today, alias):
        """The expected next purchase and the rhythm state over the classified
        row ``alias`` (figures ``buying_interval_days`` and
        ``segment_last_purchase_date``): the rule of
        ``tools.rhythm.rhythm_state`` through its two cut-off dates."""
        due_after, overdue_before = rhythm.rhythm_cutoffs(
            today,
            company.segment_rhythm_lead_days,
            company.segment_rhythm_tolerance_days,
        )
        interval = SQL("%s.buying_interval_days", alias)
        next_date = SQL("(%s.segment_last_purchase_date + %s)", alias, interval)
        return {
            "next_purchase_date": next_date,
            "rhythm_state": SQL(
                """CASE WHEN %(interval)s IS NULL THEN NULL
                        WHEN %(next)s > %(due_after)s THEN 'not_due'
                        WHEN %(next)s >= %(overdue_before)s THEN 'due_soon'
                        ELSE 'overdue' END""",
                interval=interval,
                next=next_date,
                due_after=due_after,
                overdue_before=overdue_before,
            ),
        }


class ClientSegmentState(models.Model):
    _inherit = "client.segment.state"

    # the usual interval is a figure (kept for reruns), the others are values
    buying_interval_days = fields.Integer(readonly=True)
    next_purchase_date = fields.Date(readonly=True)
    rhythm_state = fields.Char(readonly=True)
