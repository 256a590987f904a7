"""The clients of the predicted-value benchmark made to buy unevenly and to
stop (bench/bench_clv.py)."""


def churn(cr, SQL):
    """seed.py gives every client the same chance of each document, evenly
    over two years: no client buys more often than another, and none ever
    leaves, so BG/NBD has neither rate heterogeneity nor dropout to fit and
    its parameters run to the edge of their range (the page then says "did
    not converge", rightly, but that measures nothing). Here the documents
    are dealt to the clients unevenly (a client's share falls with its rank,
    like real buyers), and half of the clients stop at a random point of
    their history (their documents compressed before it); still 5N
    documents."""
    cr.execute(SQL("SELECT setseed(0.21)"))
    cr.execute(
        SQL(
            """
            WITH bounds AS (
                SELECT MIN(commercial_partner_id) AS low,
                       MAX(commercial_partner_id) AS high
                  FROM account_move WHERE move_type IN ('out_invoice', 'out_refund')
            )
            UPDATE account_move m
               SET commercial_partner_id = v.partner, partner_id = v.partner
              FROM (SELECT m2.id, b.low + floor((b.high - b.low + 1)
                                                * power(random(), 2))::int4 AS partner
                      FROM account_move m2, bounds b
                     WHERE m2.move_type IN ('out_invoice', 'out_refund')) v
             WHERE m.id = v.id
            """
        )
    )
    cr.execute(
        SQL(
            """
            UPDATE account_move m
               SET invoice_date = f.first_day
                       + ((m.invoice_date - f.first_day) * f.keep)::int4,
                   date = f.first_day + ((m.invoice_date - f.first_day) * f.keep)::int4
              FROM (SELECT commercial_partner_id, MIN(invoice_date) AS first_day,
                           CASE WHEN random() < 0.5 THEN random() ELSE 1 END AS keep
                      FROM account_move
                     WHERE move_type IN ('out_invoice', 'out_refund')
                     GROUP BY commercial_partner_id) f
             WHERE m.commercial_partner_id = f.commercial_partner_id
               AND f.keep < 1
            """
        )
    )
    cr.execute(SQL("ANALYZE account_move"))
