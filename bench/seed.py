"""The benchmark's data, seeded directly in SQL (used by ``bench_segments.py``).

- :func:`seed`: N commercial partners and 5N posted customer documents over two
  years (one in twenty a credit note, skewed amounts);
- :func:`touch_one_percent`: a new invoice, dated today, for ~1 % of them
  (before the rerun).
"""


def seed(cr, SQL, n, company_id):
    """N commercial partners, 5N posted documents over two years."""
    cr.execute(SQL("SELECT setseed(0.42)"))
    cr.execute(
        SQL(
            "SELECT id, currency_id FROM account_journal WHERE company_id = %s"
            " AND type = 'sale' ORDER BY id LIMIT 1",
            company_id,
        )
    )
    journal_id, journal_currency = cr.fetchone()
    cr.execute(SQL("SELECT currency_id FROM res_company WHERE id = %s", company_id))
    currency_id = journal_currency or cr.fetchone()[0]
    cr.execute(
        SQL(
            """
            INSERT INTO res_partner (id, commercial_partner_id, name, complete_name,
                                     active, is_company, type, customer_rank,
                                     autopost_bills, create_date, write_date)
            SELECT id, id, 'Bench client ' || id, 'Bench client ' || id, TRUE,
                   TRUE, 'contact', 1, 'ask', now(), now()
              FROM (SELECT nextval('res_partner_id_seq') AS id
                      FROM generate_series(1, %(n)s)) ids
            RETURNING id
            """,
            n=n,
        )
    )
    partner_ids = [row[0] for row in cr.fetchall()]
    low, high = min(partner_ids), max(partner_ids)
    # Revenues are skewed (a few large clients, many small ones) like a real
    # base; amounts and dates are deterministic given the seed.
    cr.execute(
        SQL(
            """
            INSERT INTO account_move (journal_id, currency_id, company_id, state,
                                      move_type, auto_post, date, invoice_date,
                                      partner_id, commercial_partner_id, name,
                                      amount_untaxed, amount_untaxed_signed,
                                      amount_total, amount_total_signed,
                                      create_date, write_date)
            SELECT %(journal)s, %(currency)s, %(company)s, 'posted',
                   CASE WHEN refund THEN 'out_refund' ELSE 'out_invoice' END, 'no',
                   day, day, partner, partner, 'BENCH/' || g,
                   amount, CASE WHEN refund THEN -amount ELSE amount END,
                   amount, CASE WHEN refund THEN -amount ELSE amount END,
                   now(), now()
              FROM (
                  SELECT g,
                         %(low)s + mod(g * 7919, %(high)s - %(low)s + 1) AS partner,
                         CURRENT_DATE - mod(g * 104729, 730)::int AS day,
                         round((10 + 20000 * power(random(), 6))::numeric, 2)
                             AS amount,
                         mod(g, 20) = 0 AS refund
                    FROM generate_series(1::bigint, %(count)s) g
              ) seed
            """,
            journal=journal_id,
            currency=currency_id,
            company=company_id,
            low=low,
            high=high,
            count=5 * n,
        )
    )
    cr.execute(SQL("ANALYZE res_partner"))
    cr.execute(SQL("ANALYZE account_move"))
    return partner_ids, journal_id, currency_id


def touch_one_percent(cr, SQL, partner_ids, journal_id, currency_id, company_id):
    """A new invoice, dated today, for about 1 % of the partners."""
    chosen = partner_ids[::100]
    cr.execute(
        SQL(
            """
            INSERT INTO account_move (journal_id, currency_id, company_id, state,
                                      move_type, auto_post, date, invoice_date,
                                      partner_id, commercial_partner_id, name,
                                      amount_untaxed, amount_untaxed_signed,
                                      amount_total, amount_total_signed,
                                      create_date, write_date)
            SELECT %(journal)s, %(currency)s, %(company)s, 'posted', 'out_invoice',
                   'no', CURRENT_DATE, CURRENT_DATE, p, p, 'BENCH/NEW/' || p,
                   500, 500, 500, 500, now(), now()
              FROM unnest(%(partners)s) p
            """,
            journal=journal_id,
            currency=currency_id,
            company=company_id,
            partners=chosen,
        )
    )
    return len(chosen)
