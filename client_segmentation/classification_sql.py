"""The ABC and recency rule of ``tools/segmentation.py`` in SQL, written once.

The rows to classify are a query whose columns carry the figures: the caller
puts its revenue expression in that query (the state's window revenue, or the
revenue of another window aggregated from the documents) and names the
columns here (``revenue``, ``last_purchase``, ``partner``).

- :func:`classified_sql` ranks and classifies every row: the engine
  classifies every client of a company with it (``_classified_sql``), the
  what-if preview the same clients with proposed values;
- :func:`ranked_sql` is its ranking alone;
- :func:`rank_of_sql` is the same ranking for a few clients, the client
  card's rank and cumulative share (``_compute_segment_rank``).

tests/test_classification_sql.py compares them with ``tools/segmentation.py``
on random states.

ABC: the rows with a positive revenue ranked by revenue descending, ties by
partner id ascending; the class of a row follows from the revenue of the rows
ranked *before* it, compared exactly (numeric, no division):
``before * 100 < a_share * total`` is A, ``< (a_share + b_share) * total`` B,
else C. Rows without a positive revenue get no class and rank 0.

Recency: ``last_purchase >= hot_since`` hot, ``>= warm_since`` warm, else
sleeping; no purchase: NULL (the "never bought" fallback of the partner
field). The two dates come from ``tools.segmentation.recency_cutoffs``.
"""

from decimal import Decimal

from odoo.tools import SQL

# Columns :func:`classified_sql` adds to the rows of its query.
RULE_COLUMNS = (
    "rule_position",
    "rule_rank",
    "rule_before",
    "rule_total",
    "rule_share_before",
    "rule_abc_class",
    "rule_recency",
)


def _column(alias, name):
    return SQL("%s.%s", SQL.identifier(alias), SQL.identifier(name))


def ranked_sql(rows, *, revenue, partner="partner_id"):
    """A query: every row of ``rows`` (a query) with its place in the ABC
    ranking: ``rule_rank`` (0 without a positive revenue), ``rule_before``
    (revenue of the rows ranked before), ``rule_total`` (positive revenue of
    all rows) and ``rule_share_before`` (their ratio, in percent).

    :param revenue: the column of ``rows`` holding the ranking revenue
    :param partner: the column of ``rows`` holding the tie-breaking partner id

    The ranking orders by ``revenue DESC, partner``: rows without a positive
    revenue are filtered out of every window sum, so where they sort changes
    nothing, and the order is the one of the state's rank index.
    """
    value = _column("c", revenue)
    return SQL(
        """
        SELECT r.*,
               CASE WHEN r.%(revenue)s > 0 THEN r.rule_position ELSE 0 END
                   AS rule_rank,
               CASE WHEN r.%(revenue)s > 0
                    THEN r.rule_before * 100 / r.rule_total ELSE 0 END
                   AS rule_share_before
          FROM (
              SELECT c.*,
                     COUNT(*) FILTER (WHERE %(value)s > 0)
                         OVER (rank_order ROWS BETWEEN UNBOUNDED PRECEDING
                                                   AND CURRENT ROW)
                         AS rule_position,
                     COALESCE(SUM(%(value)s) FILTER (WHERE %(value)s > 0)
                                  OVER (rank_order ROWS BETWEEN UNBOUNDED PRECEDING
                                                             AND 1 PRECEDING), 0)
                         AS rule_before,
                     SUM(%(value)s) FILTER (WHERE %(value)s > 0) OVER ()
                         AS rule_total
                FROM (%(rows)s) c
              WINDOW rank_order AS (ORDER BY %(value)s DESC, %(partner)s)
          ) r
        """,
        revenue=SQL.identifier(revenue),
        value=value,
        partner=_column("c", partner),
        rows=rows,
    )


def rank_of_sql(rows, ids, *, revenue, partner="partner_id"):
    """A query: ``partner_id``, ``rule_rank`` and ``rule_share_before`` of the
    rows of ``rows`` whose ``partner`` is in ``ids`` and whose revenue is
    positive, in the ranking of :func:`ranked_sql`.

    The same order for a few clients (the client card): the rows ranked
    before a client (revenue above, or equal with a lower partner id) are
    counted and summed where it stands, which the state's rank index answers
    with range scans; :func:`ranked_sql` would rank the whole company for
    them (8 s instead of 1 s for two clients among a million).
    """
    mine, mine_partner = _column("c", revenue), _column("c", partner)
    other, other_partner = _column("o", revenue), _column("o", partner)
    return SQL(
        """
        SELECT %(mine_partner)s AS partner_id,
               1 + above.count + tied.count AS rule_rank,
               (COALESCE(above.revenue, 0) + tied.count * %(mine)s) * 100
                   / total.revenue AS rule_share_before
          FROM (%(rows)s) c
         CROSS JOIN LATERAL (
               SELECT COUNT(*) AS count, SUM(%(other)s) AS revenue
                 FROM (%(rows)s) o
                WHERE %(other)s > 0 AND %(other)s > %(mine)s
         ) above
         CROSS JOIN LATERAL (
               SELECT COUNT(*) AS count
                 FROM (%(rows)s) o
                WHERE %(other)s > 0 AND %(other)s = %(mine)s
                  AND %(other_partner)s < %(mine_partner)s
         ) tied
         CROSS JOIN (
               SELECT SUM(%(other)s) AS revenue FROM (%(rows)s) o
                WHERE %(other)s > 0
         ) total
         WHERE %(mine)s > 0 AND %(mine_partner)s = ANY(%(ids)s)
        """,
        rows=rows,
        mine=mine,
        mine_partner=mine_partner,
        other=other,
        other_partner=other_partner,
        ids=list(ids),
    )


def classified_sql(
    rows,
    *,
    revenue,
    last_purchase,
    a_share,
    b_share,
    hot_since,
    warm_since,
    partner="partner_id",
):
    """A query: every row of ``rows`` with the columns of
    :data:`RULE_COLUMNS`: those of :func:`ranked_sql`, ``rule_abc_class``
    and ``rule_recency``.

    :param revenue: the column of ``rows`` holding the ranking revenue
    :param last_purchase: the column of ``rows`` holding the last purchase
    :param a_share: share of class A, in percent
    :param b_share: share of class B, in percent
    :param hot_since: earliest last purchase that is hot
    :param warm_since: earliest last purchase that is warm
    """
    value, last = _column("k", revenue), _column("k", last_purchase)
    return SQL(
        """
        SELECT k.*,
               CASE WHEN COALESCE(%(value)s, 0) <= 0 THEN NULL
                    WHEN k.rule_before * 100 < %(a)s * k.rule_total THEN 'a'
                    WHEN k.rule_before * 100 < %(ab)s * k.rule_total THEN 'b'
                    ELSE 'c' END AS rule_abc_class,
               CASE WHEN %(last)s IS NULL THEN NULL
                    WHEN %(last)s >= %(hot)s THEN 'hot'
                    WHEN %(last)s >= %(warm)s THEN 'warm'
                    ELSE 'sleeping' END AS rule_recency
          FROM (%(ranked)s) k
        """,
        ranked=ranked_sql(rows, revenue=revenue, partner=partner),
        value=value,
        last=last,
        # exact decimals: 75.0 is 75, not 74.99999999999999
        a=Decimal(str(a_share)),
        ab=Decimal(str(a_share + b_share)),
        hot=hot_since,
        warm=warm_since,
    )
