"""Benchmark of the client_segmentation recompute against real Odoo 18.

For each size N it copies a template database that has the module installed
(no demo data), seeds N commercial partners and 5N posted customer documents
(one in twenty a credit note) directly in SQL, then prints one table row:

- first: the module's first full run (``client.segment.engine.recompute``)
  on that data;
- rerun: a second run after ~1 % of the partners got a new invoice today (it
  re-aggregates only those clients and re-ranks the state);
- floor: the bare aggregate query over the same invoices, server side only:
  what one full re-aggregation costs at the least;
- clients re-aggregated: how many clients the rerun aggregated again;
- incr = full: the values of every partner after the rerun are identical to
  those of a full recompute of the same data (state and last run dropped);
- per-partner: search the partner's invoices, then write, for each partner, on
  a slice, extrapolated to N (the approach the module replaces);
- peak RSS of this Python process (the Odoo side; PostgreSQL is separate).

Usage (bench/run.sh wraps it with the private cluster and .odoorc):

    python3 bench/bench_segments.py -c .odoorc --template cs_bench_template \
        --sizes 10000,100000,1000000
"""

import argparse
import resource
import subprocess
import sys
import time

import bench_history


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-c", "--config", required=True, help="Odoo config file")
    parser.add_argument("--template", default="cs_bench_template")
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--slice", type=int, default=500, help="per-partner slice")
    parser.add_argument("--keep", action="store_true", help="keep the databases")
    return parser.parse_args()


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(function, *args):
    started = time.perf_counter()
    result = function(*args)
    return time.perf_counter() - started, result


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


def floor_query(cr, SQL, company_id):
    """The bare aggregate a client would run: executed and fetched."""
    cr.execute(
        SQL(
            """
            SELECT commercial_partner_id, SUM(amount_untaxed_signed),
                   COUNT(*), MIN(invoice_date), MAX(invoice_date)
              FROM account_move
             WHERE company_id = %s AND state = 'posted'
               AND move_type IN ('out_invoice', 'out_refund')
             GROUP BY commercial_partner_id
            """,
            company_id,
        )
    )
    return len(cr.fetchall())


def snapshot(cr, SQL, company_id):
    """One digest of the company's segment and funnel values of every
    partner, to compare two runs."""
    columns = (
        "abc_class",
        "recency_segment",
        "segment_revenue_window",
        "segment_revenue_total",
        "segment_purchase_count",
        "segment_purchase_average",
        "segment_first_purchase_date",
        "segment_last_purchase_date",
        "purchase_frequency",
        "funnel_stage_id",
        "temperature",
    )
    values = SQL(", ").join(
        SQL("%s -> %s", SQL.identifier(column), str(company_id)) for column in columns
    )
    cr.execute(
        SQL(
            "SELECT md5(string_agg(concat_ws('|', id, %s), ',' ORDER BY id))"
            " FROM res_partner",
            values,
        )
    )
    return cr.fetchone()[0]


def full_recompute(env, company):
    """Recompute from scratch: without the state and the last run time the
    engine re-aggregates every document."""
    from odoo.tools import SQL

    env.cr.execute(
        SQL("DELETE FROM client_segment_state WHERE company_id = %s", company.id)
    )
    company.write({"segment_last_run_at": False})
    env.invalidate_all()
    return env["client.segment.engine"].recompute(company)


def per_partner(env, partner_ids):
    """The approach the module replaces: a search and a write per partner.

    It writes through the base ``write`` (the module refuses hand-written
    segments), skips ranking entirely, and so flatters itself."""
    from odoo import models

    moves = env["account.move"]
    for partner in env["res.partner"].browse(partner_ids):
        docs = moves.search_read(
            [
                ("commercial_partner_id", "=", partner.id),
                ("state", "=", "posted"),
                ("move_type", "in", ("out_invoice", "out_refund")),
            ],
            ["amount_untaxed_signed", "invoice_date", "move_type"],
        )
        purchases = [d for d in docs if d["move_type"] == "out_invoice"]
        revenue = sum(d["amount_untaxed_signed"] for d in docs)
        models.BaseModel.write(
            partner,
            {
                "segment_revenue_total": revenue,
                "segment_purchase_count": len(purchases),
                "segment_last_purchase_date": max(
                    (d["invoice_date"] for d in purchases), default=False
                ),
            },
        )
        partner.flush_recordset()


def rank_lookup(env, SQL, company_id):
    """Slowest of computing one partner's rank and cumulative share (what the
    form shows) for the first, a quarter, the middle, three quarters and the
    last of the ranking: the cost grows with the rank."""
    env.cr.execute(
        SQL(
            "SELECT partner_id FROM client_segment_state WHERE company_id = %s"
            " AND segment_revenue_window > 0"
            " ORDER BY segment_revenue_window DESC, partner_id",
            company_id,
        )
    )
    ranked = [row[0] for row in env.cr.fetchall()]
    slowest = 0.0
    for position in (0, len(ranked) // 4, len(ranked) // 2, 3 * len(ranked) // 4, -1):
        env.invalidate_all()
        partner = env["res.partner"].browse(ranked[position])
        elapsed, rank = timed(lambda partner=partner: partner.segment_rank)
        expected = position + 1 if position >= 0 else len(ranked)
        assert rank == expected, (rank, expected)
        slowest = max(slowest, elapsed)
    return slowest


def drop_database(db):
    """Drop ``db``; an autovacuum worker still busy with the seeded tables
    makes DROP DATABASE fail for a moment, so try again."""
    for _attempt in range(30):
        if subprocess.run(["dropdb", "--if-exists", db], check=False).returncode == 0:
            return
        time.sleep(2)
    raise RuntimeError(f"could not drop database {db}")


def run_size(args, n):
    import odoo
    from odoo.tools import SQL

    db = f"cs_bench_{n}"
    drop_database(db)
    subprocess.run(["createdb", "-T", args.template, db], check=True)
    registry = odoo.modules.registry.Registry.new(db)
    row = {"n": n}
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        company = env.ref("base.main_company")
        row["seed"], (partner_ids, journal_id, currency_id) = timed(
            seed, cr, SQL, n, company.id
        )
        cr.commit()
        Engine = env["client.segment.engine"]
        with bench_history.StepTimer(env) as steps:
            row["first"], stats = timed(Engine.recompute, company)
        row["first_steps"] = dict(steps.seconds)
        cr.commit()
        row["written_first"] = stats["written"]
        row["history_first"] = bench_history.history_rows(cr, SQL, company.id)
        row["rss"] = peak_rss_mb()
        row["touched"] = touch_one_percent(
            cr, SQL, partner_ids, journal_id, currency_id, company.id
        )
        cr.commit()
        with bench_history.StepTimer(env) as steps:
            row["rerun"], stats = timed(Engine.recompute, company)
        row["rerun_steps"] = dict(steps.seconds)
        cr.commit()
        row["written_rerun"] = stats["written"]
        row["aggregated"] = stats["aggregated"]
        row["history_rerun"] = (
            bench_history.history_rows(cr, SQL, company.id) - row["history_first"]
        )
        incremental = snapshot(cr, SQL, company.id)
        row["full"], _stats = timed(full_recompute, env, company)
        row["equal"] = incremental == snapshot(cr, SQL, company.id)
        cr.commit()
        row["history_year"] = bench_history.seed_year_of_history(
            cr, SQL, company.id, partner_ids
        )
        cr.commit()
        row["movements"], row["moves"] = bench_history.movements(env, company)
        row["what_if"], row["what_if_window"], _moves = bench_history.what_if(
            env, company
        )
        cr.rollback()
        row["floor"], _count = timed(floor_query, cr, SQL, company.id)
        sample = partner_ids[: args.slice]
        elapsed, _ = timed(per_partner, env, sample)
        cr.rollback()
        row["per_partner"] = elapsed / len(sample) * n
        row["rank_lookup"] = rank_lookup(env, SQL, company.id)
        row["rss"] = max(row["rss"], peak_rss_mb())
    odoo.modules.registry.Registry.delete(db)
    odoo.sql_db.close_db(db)
    if not args.keep:
        drop_database(db)
    return row


def main():
    args = parse_args()
    try:
        import odoo
    except ImportError as error:
        sys.exit(f"Odoo 18 is not importable ({error}); see README.md.")
    odoo.tools.config.parse_config(["-c", args.config, "--log-level=warn"])
    header = (
        "| partners | invoices | seed s | first run s | rows written | rerun s "
        "| rows written | clients re-aggregated | floor s | rerun/floor "
        "| full rerun s | incr = full | per-partner s (extrap.) "
        "| speed-up | rank lookup s | peak RSS MB |"
    )
    print(header)
    print("|" + "---|" * (header.count("|") - 1))
    rows = []
    unequal = []
    for n in (int(size) for size in args.sizes.split(",")):
        row = run_size(args, n)
        rows.append(row)
        if not row["equal"]:
            unequal.append(n)
        print(
            f"| {n:,} | {5 * n:,} | {row['seed']:.1f} | {row['first']:.1f} "
            f"| {row['written_first']:,} | {row['rerun']:.1f} "
            f"| {row['written_rerun']:,} | {row['aggregated']:,} "
            f"| {row['floor']:.2f} "
            f"| {row['rerun'] / row['floor']:.1f}x | {row['full']:.1f} "
            f"| {'yes' if row['equal'] else 'NO'} | {row['per_partner']:.0f} "
            f"| {row['per_partner'] / row['first']:.0f}x | {row['rank_lookup']:.2f} "
            f"| {row['rss']:.0f} |",
            flush=True,
        )

    bench_history.print_table(rows)
    if unequal:
        sys.exit(f"incremental rerun differs from a full recompute at {unequal}")


if __name__ == "__main__":
    main()
