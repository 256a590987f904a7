"""Benchmark of the client_segmentation recompute against real Odoo 18.

For each size N it copies a template database with Invoicing and Sales Teams
(no demo data, not the module), seeds N commercial partners and 5N posted
customer documents (one in twenty a credit note) directly in SQL, installs the
module on it, then prints one table row:

- install: ``odoo -i client_segmentation`` on that database;
- first: the module's first full run (``client.segment.engine.recompute``)
  on that data;
- write floor: the first run's two writes alone, the partner rows with its
  values and the state rows (``write_floor.py``, on a tenth of the clients,
  extrapolated), measured last;
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

The data comes from ``seed.py``, the floor, per-partner, full recompute and
rank lookup measures from ``measures.py``, the history table from
``bench_history.py``.

Usage (bench/run.sh wraps it with the private cluster and .odoorc):

    python3 bench/bench_segments.py -c .odoorc --template cs_bench_base \
        --sizes 10000,100000,1000000
"""

import subprocess
import sys
import time

import bench_history
from measures import (
    floor_query,
    full_recompute,
    install,
    parse_suite,
    peak_rss_mb,
    per_partner,
    rank_lookup,
    release,
    snapshot,
    suite_parser,
    timed,
)
from seed import seed, touch_one_percent
from write_floor import floor_seconds, write_floor


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
    row = {"n": n}
    with odoo.modules.registry.Registry.new(db).cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        company_id = env.ref("base.main_company").id
        row["seed"], (partner_ids, journal_id, currency_id) = timed(
            seed, cr, SQL, n, company_id
        )
        cr.commit()
    release(db)
    row["install"] = install(args.config, db)
    registry = odoo.modules.registry.Registry.new(db)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        company = env["res.company"].browse(company_id)
        Engine = env["client.segment.engine"]
        with bench_history.StepTimer(env) as steps:
            row["first"], stats = timed(Engine.recompute, company)
        row["first_steps"] = dict(steps.seconds)
        cr.commit()
        row["written_first"] = stats["written"]
        row["rhythm"] = bench_history.rhythm_cost(env, company)
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
        # last: its rolled-back writes leave dead rows behind
        _clients, floor = write_floor(env, SQL, company.id, max(1, n // 10))
        row["write_floor"] = floor_seconds(floor)
        row["rss"] = max(row["rss"], peak_rss_mb())
    release(db)
    if not args.keep:
        drop_database(db)
    return row


def main():
    parser = suite_parser(__doc__, "10000,100000,1000000")
    parser.add_argument("--slice", type=int, default=500, help="per-partner slice")
    args = parse_suite(parser)
    header = (
        "| partners | invoices | seed s | install s | first run s | write floor s "
        "| rows written "
        "| rerun s "
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
            f"| {n:,} | {5 * n:,} | {row['seed']:.1f} | {row['install']:.1f} "
            f"| {row['first']:.1f} | {row['write_floor']:.1f} "
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
