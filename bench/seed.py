"""The benchmark's data, seeded directly in SQL (used by ``bench_segments.py``).

- :func:`seed`: N commercial partners and 5N posted customer documents over two
  years (one in twenty a credit note, skewed amounts);
- :func:`touch_one_percent`: a new invoice, dated today, for ~1 % of them
  (before the rerun).
"""


def seed(cr, SQL, n, company_id, documents=None):
    """N commercial partners, 5N posted documents over two years.
    ``documents(low, high, count)``: the select of the documents (see
    :func:`insert_documents`) instead of the default one."""
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
    insert_documents(
        cr,
        SQL,
        documents(low, high, 5 * n)
        if documents
        else SQL(
            """
            SELECT CASE WHEN mod(g, 20) = 0 THEN 'out_refund'
                        ELSE 'out_invoice' END AS move_type,
                   CURRENT_DATE - mod(g * 104729, 730)::int AS day,
                   %(low)s + mod(g * 7919, %(high)s - %(low)s + 1) AS partner,
                   'BENCH/' || g AS name,
                   round((10 + 20000 * power(random(), 6))::numeric, 2) AS amount
              FROM generate_series(1::bigint, %(count)s) g
            """,
            low=low,
            high=high,
            count=5 * n,
        ),
        journal_id,
        currency_id,
        company_id,
    )
    cr.execute(SQL("ANALYZE res_partner"))
    cr.execute(SQL("ANALYZE account_move"))
    return partner_ids, journal_id, currency_id


def touch_one_percent(cr, SQL, partner_ids, journal_id, currency_id, company_id):
    """A new invoice, dated today, for about 1 % of the partners."""
    chosen = partner_ids[::100]
    insert_documents(
        cr,
        SQL,
        SQL(
            "SELECT 'out_invoice' AS move_type, CURRENT_DATE AS day, p AS partner,"
            " 'BENCH/NEW/' || p AS name, 500 AS amount FROM unnest(%s) p",
            chosen,
        ),
        journal_id,
        currency_id,
        company_id,
    )
    return len(chosen)


def insert_documents(cr, SQL, documents, journal_id, currency_id, company_id):
    """Posted customer documents, one per row of ``documents`` (an SQL
    select of ``move_type``, ``day``, ``partner``, ``name`` and a positive
    ``amount``; a credit note's signed amounts are negative)."""
    cr.execute(
        SQL(
            """
            INSERT INTO account_move (journal_id, currency_id, company_id, state,
                                      move_type, auto_post, date, invoice_date,
                                      partner_id, commercial_partner_id, name,
                                      amount_untaxed, amount_untaxed_signed,
                                      amount_total, amount_total_signed,
                                      create_date, write_date)
            SELECT %(journal)s, %(currency)s, %(company)s, 'posted', move_type,
                   'no', day, day, partner, partner, name, amount, signed,
                   amount, signed, now(), now()
              FROM (SELECT d.*,
                           CASE WHEN move_type = 'out_refund' THEN -amount
                                ELSE amount END AS signed
                      FROM (%(documents)s) d) documents
            """,
            journal=journal_id,
            currency=currency_id,
            company=company_id,
            documents=documents,
        )
    )
