from odoo import api, fields, models
from odoo.tools import SQL

from ..tools import rhythm


class ClientSegmentRhythm(models.AbstractModel):
    """Buying rhythm in the segment recompute: the rules of
    :mod:`..tools.rhythm` in SQL, in the engine's one pass over the documents.

    The usual interval is a figure of the client (it changes only with its
    documents): the engine aggregates it with :meth:`_interval_sql` in the
    same pass over the documents as the other figures of the clients it
    re-aggregates, keeps it in the state with them, and classifies every
    client with :meth:`_values_sql`, like the recency (the state moves with
    today)."""

    _name = "client.segment.rhythm"
    _description = "Client Buying Rhythm"

    @api.model
    def _interval_sql(self, gap):
        """The usual interval of a client, an aggregate over its rows of
        purchase days: ``gap`` is the days since the client's previous
        purchase day (NULL on its first one and on days without a purchase).
        The median of the gaps, rounded half up (``ROUND`` of a numeric, like
        ``tools.rhythm.round_days``), for clients with at least
        ``rhythm.MIN_PURCHASE_DAYS`` distinct purchase days; NULL for the
        others. ``percentile_cont`` ignores the NULL gaps."""
        return SQL(
            """CASE WHEN COUNT(%(gap)s) >= %(gaps)s THEN
                    ROUND((percentile_cont(0.5) WITHIN GROUP (ORDER BY %(gap)s))
                          ::numeric)::int4 END""",
            gap=gap,
            gaps=rhythm.MIN_PURCHASE_DAYS - 1,
        )

    @api.model
    def _values_sql(self, company, today, alias):
        """The expected next purchase and the rhythm state over the classified
        row ``alias`` (figures ``buying_interval_days`` and
        ``segment_last_purchase_date``): the rule of
        ``tools.rhythm.rhythm_state`` through its two cut-off dates."""
        profile = company._segment_profile()
        due_after, overdue_before = rhythm.rhythm_cutoffs(
            today,
            profile.segment_rhythm_lead_days,
            profile.segment_rhythm_tolerance_days,
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
