"""The ABC and recency rule of ``tools/segmentation.py`` in SQL, written once.

:func:`classified_sql` ranks and classifies the rows of a query: the engine
classifies every client of a company with it (``_classified_sql``), the
what-if preview the same clients with proposed values; the client card reads
a client's rank and cumulative share from its ranking, :func:`ranked_sql`
(``_compute_segment_rank``).
A test compares it with ``tools/segmentation.py`` on random data
(tests/test_classification_sql.py).

ABC: the rows with a positive ``revenue`` ranked by revenue descending, ties
by partner id ascending; the class of a row follows from the revenue of the
rows ranked *before* it, compared exactly (numeric, no division):
``before * 100 < a_share * total`` is A, ``< (a_share + b_share) * total`` B,
else C. Rows without a positive revenue get no class and rank 0.

Recency: ``last_purchase >= hot_since`` hot, ``>= warm_since`` warm, else
sleeping; no purchase: NULL (the "never bought" fallback of the partner
field). The two dates come from ``tools.segmentation.recency_cutoffs``.
"""

from decimal import Decimal

from odoo.tools import SQL

# The tie-breaking partner id of a row, by default.
PARTNER_ID = SQL("partner_id")
# Columns :func:`classified_sql` adds to the rows of its query.
RULE_COLUMNS = (
    "rule_revenue",
    "rule_last_purchase",
    "rule_position",
    "rule_rank",
    "rule_before",
    "rule_total",
    "rule_share_before",
    "rule_abc_class",
    "rule_recency",
)


def ranked_sql(rows, *, revenue, partner=PARTNER_ID):
    """A query: every row of ``rows`` (a query, alias ``c``) with its place in
    the ABC ranking: ``rule_revenue``, ``rule_rank`` (0 without a positive
    revenue), ``rule_before`` (revenue of the rows ranked before),
    ``rule_total`` (positive revenue of all rows) and ``rule_share_before``
    (their ratio, in percent).

    :param revenue: expression of the ranking revenue over ``c``
    :param partner: expression of the tie-breaking partner id over ``c``

    The ranking orders by ``revenue DESC, partner``: rows without a positive
    revenue are filtered out of every window sum, so where they sort changes
    nothing, and the order is the one of the state's rank index.
    """
    return SQL(
        """
        SELECT r.*,
               CASE WHEN r.rule_revenue > 0 THEN r.rule_position ELSE 0 END
                   AS rule_rank,
               CASE WHEN r.rule_revenue > 0
                    THEN r.rule_before * 100 / r.rule_total ELSE 0 END
                   AS rule_share_before
          FROM (
              SELECT c.*, %(revenue)s AS rule_revenue,
                     COUNT(*) FILTER (WHERE %(revenue)s > 0)
                         OVER (rank_order ROWS BETWEEN UNBOUNDED PRECEDING
                                                   AND CURRENT ROW)
                         AS rule_position,
                     COALESCE(SUM(%(revenue)s) FILTER (WHERE %(revenue)s > 0)
                                  OVER (rank_order ROWS BETWEEN UNBOUNDED PRECEDING
                                                             AND 1 PRECEDING), 0)
                         AS rule_before,
                     SUM(%(revenue)s) FILTER (WHERE %(revenue)s > 0) OVER ()
                         AS rule_total
                FROM (%(rows)s) c
              WINDOW rank_order AS (ORDER BY %(revenue)s DESC, %(partner)s)
          ) r
        """,
        revenue=revenue,
        partner=partner,
        rows=rows,
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
    partner=PARTNER_ID,
):
    """A query: every row of ``rows`` (alias ``c``) with the columns of
    :data:`RULE_COLUMNS`: those of :func:`ranked_sql`, ``rule_abc_class``
    and ``rule_recency``.

    :param last_purchase: expression of the last purchase date over ``c``
    :param a_share: share of class A, in percent
    :param b_share: share of class B, in percent
    :param hot_since: earliest last purchase that is hot
    :param warm_since: earliest last purchase that is warm
    """
    return SQL(
        """
        SELECT k.*,
               CASE WHEN COALESCE(k.rule_revenue, 0) <= 0 THEN NULL
                    WHEN k.rule_before * 100 < %(a)s * k.rule_total THEN 'a'
                    WHEN k.rule_before * 100 < %(ab)s * k.rule_total THEN 'b'
                    ELSE 'c' END AS rule_abc_class,
               CASE WHEN k.rule_last_purchase IS NULL THEN NULL
                    WHEN k.rule_last_purchase >= %(hot)s THEN 'hot'
                    WHEN k.rule_last_purchase >= %(warm)s THEN 'warm'
                    ELSE 'sleeping' END AS rule_recency
          FROM (%(ranked)s) k
        """,
        ranked=ranked_sql(
            SQL(
                "SELECT c.*, %s AS rule_last_purchase FROM (%s) c", last_purchase, rows
            ),
            revenue=revenue,
            partner=partner,
        ),
        # exact decimals: 75.0 is 75, not 74.99999999999999
        a=Decimal(str(a_share)),
        ab=Decimal(str(a_share + b_share)),
        hot=hot_since,
        warm=warm_since,
    )
