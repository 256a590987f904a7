"""The documents of the predicted-value benchmark: clients who buy unevenly
and stop (bench/bench_clv.py)."""


def churned_documents(SQL):
    """seed.py's own documents give every client the same chance of each
    document, evenly over two years: no client buys more often than
    another, and none ever leaves, so BG/NBD has neither rate heterogeneity
    nor dropout to fit and its parameters run to the edge of their range
    (the page then says "did not converge", rightly, but that measures
    nothing). These are dealt to the clients unevenly (a client's share
    falls with its rank, like real buyers), and half of the clients stop at
    a random point of their history (their documents compressed before it);
    still 5N documents, seed.py's dates, kinds and amounts. Generated in
    the one INSERT of the seed (``seed(..., documents=...)``): updating 5N
    documents afterwards, with the dozens of indexes of account_move, took
    longer than the whole benchmark."""

    def documents(low, high, count):
        return SQL(
            """
            WITH docs AS MATERIALIZED (
                SELECT g,
                       CASE WHEN mod(g, 20) = 0 THEN 'out_refund'
                            ELSE 'out_invoice' END AS move_type,
                       CURRENT_DATE - mod(g * 104729, 730)::int AS day,
                       %(low)s + floor((%(high)s - %(low)s + 1)
                                       * power(random(), 2))::int4 AS partner,
                       round((10 + 20000 * power(random(), 6))::numeric, 2)
                           AS amount
                  FROM generate_series(1::bigint, %(count)s) g
            ), clients AS (
                SELECT partner, MIN(day) AS first_day,
                       CASE WHEN random() < 0.5 THEN random() ELSE 1 END AS keep
                  FROM docs GROUP BY partner
            )
            SELECT d.move_type, d.partner, 'BENCH/' || d.g AS name, d.amount,
                   c.first_day + ((d.day - c.first_day) * c.keep)::int4 AS day
              FROM docs d JOIN clients c USING (partner)
            """,
            low=low,
            high=high,
            count=count,
        )

    return documents
