"""Benchmark of many companies on one partner table (issue 22 point 3): five
companies selling to the same N partners against one company of that size,
in one run.

- single: a copy of the benchmark template, N partners and 5N documents of
  its company (seed.py), the module installed, its first run, a new invoice
  for 1 % of the clients and the rerun, the manager's funnel board (warm);
- five: another copy, four more companies (generic chart of accounts), the
  same N partners with 5N documents of each company (other dates, amounts
  and clients per company), the module installed, then for each company its
  first run, the 1 % and its rerun, the manager's funnel board with that
  company current; and for each run whether it left the other companies'
  values and the partners' own data as they were.

    BENCH_SUITE=companies bash bench/run.sh 200000
"""

from bench_segments import drop_database
from boards import open_screen
from measures import (
    odoo_module,
    parse_suite,
    release,
    snapshot,
    suite_parser,
    timed,
)
from seed import insert_documents, seed, touch_one_percent

COMPANIES = 5
BOARD = "client_segmentation.res_partner_action_board_funnel"


def other_documents(SQL, low, high, count, shift):
    """5N documents of another company on the same partners: the seed's
    distribution with other dates, amounts and clients."""
    return SQL(
        """
        SELECT CASE WHEN mod(g, 20) = 0 THEN 'out_refund'
                    ELSE 'out_invoice' END AS move_type,
               CURRENT_DATE - mod(g * 104729 + %(shift)s * 37, 730)::int AS day,
               %(low)s + mod(g * 7919 + %(shift)s * 15485863, %(high)s - %(low)s + 1)
                   AS partner,
               'BENCH/' || %(shift)s || '/' || g AS name,
               round((10 + 20000 * power(random(), 6))::numeric, 2) AS amount
          FROM generate_series(1::bigint, %(count)s) g
        """,
        low=low,
        high=high,
        count=count,
        shift=shift,
    )


def sale_journal(env, company):
    """(journal id, currency id) of the company's sales documents."""
    journal = env["account.journal"].search(
        [("company_id", "=", company.id), ("type", "=", "sale")], limit=1
    )
    return journal.id, (journal.currency_id or company.currency_id).id


def prepare(args, n, companies):
    """A database with ``companies`` companies selling to the same ``n``
    partners, the module installed; (db, company ids, partner ids, manager)."""
    import subprocess

    import odoo
    from odoo.tools import SQL

    db = f"cs_bench_companies_{companies}_{n}"
    drop_database(db)
    subprocess.run(["createdb", "-T", args.template, db], check=True)
    with odoo.modules.registry.Registry.new(db).cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        main = env.ref("base.main_company")
        # the partners and the main company's documents first, committed:
        # the partners' INSERT after four charts of accounts loaded in the
        # same transaction took over 15 minutes for 200,000 rows
        partner_ids, _journal, _currency = seed(cr, SQL, n, main.id)
        cr.commit()
        extra = env["res.company"]
        for index in range(1, companies):
            company = env["res.company"].create({"name": f"Bench company {index + 1}"})
            env["account.chart.template"].try_loading(
                "generic_coa", company, install_demo=False
            )
            extra |= company
            cr.commit()
        for shift, company in enumerate(extra, start=1):
            insert_documents(
                cr,
                SQL,
                other_documents(SQL, partner_ids[0], partner_ids[-1], 5 * n, shift),
                *sale_journal(env, company),
                company.id,
            )
        cr.execute(SQL("ANALYZE account_move"))
        company_ids = (main | extra).ids
        manager = (
            env["res.users"]
            .with_context(no_reset_password=True)
            .create(
                {
                    "name": "Bench Manager",
                    "login": "bench_manager",
                    "company_id": main.id,
                    "company_ids": [(6, 0, company_ids)],
                    "groups_id": [(4, env.ref("sales_team.group_sale_manager").id)],
                }
            )
        )
        cr.commit()
    release(db)
    odoo_module(args.config, db)
    return db, company_ids, partner_ids, manager.id


def others(cr, SQL, company_ids, company_id):
    """Digest of the other companies' values and of the partners' own data."""
    cr.execute(
        SQL(
            "SELECT md5(string_agg(concat_ws('|', id, name, email, phone, user_id,"
            " comment, ref, write_date), ',' ORDER BY id)) FROM res_partner"
        )
    )
    digests = [cr.fetchone()[0]]
    for other in company_ids:
        if other != company_id:
            digests.append(snapshot(cr, SQL, other))
    return digests


def measure(db, company_ids, partner_ids, manager_id):
    """Per company: (first s, rerun s, board s, others untouched)."""
    import odoo
    from odoo.tools import SQL

    rows = []
    with odoo.modules.registry.Registry(db).cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        Engine = env["client.segment.engine"]
        for company in env["res.company"].browse(company_ids):
            before = others(cr, SQL, company_ids, company.id)
            first, _stats = timed(Engine.recompute, company)
            cr.commit()
            touch_one_percent(
                cr, SQL, partner_ids, *sale_journal(env, company), company.id
            )
            cr.commit()
            rerun, _stats = timed(Engine.recompute, company)
            cr.commit()
            untouched = others(cr, SQL, company_ids, company.id) == before
            user_env = odoo.api.Environment(
                cr, manager_id, {"lang": "en_US", "allowed_company_ids": [company.id]}
            )
            board = min(open_screen(user_env, BOARD)[0] for _attempt in range(3))
            rows.append((company.name, first, rerun, board, untouched))
        cr.commit()
    return rows


def main():
    args = parse_suite(suite_parser(__doc__, "200000"))
    for n in (int(size) for size in args.sizes.split(",")):
        results = {}
        for companies in (1, COMPANIES):
            db, *rest = prepare(args, n, companies)
            results[companies] = measure(db, *rest)
            release(db)
            if not args.keep:
                drop_database(db)
        _name, first, rerun, board, _untouched = results[1][0]
        print(f"\n{n:,} partners, 5 documents each per company (seconds)\n")
        print(
            "| company | first run | x single | rerun | x single | funnel board "
            "(manager, warm) | x single | others' values and partners untouched |"
        )
        print("|---|---|---|---|---|---|---|---|")
        print(
            f"| single company | {first:.1f} | 1.0 | {rerun:.1f} | 1.0 | {board:.2f} "
            "| 1.0 | |"
        )
        for name, c_first, c_rerun, c_board, untouched in results[COMPANIES]:
            print(
                f"| {name} of {COMPANIES} | {c_first:.1f} | {c_first / first:.2f} "
                f"| {c_rerun:.1f} | {c_rerun / rerun:.2f} | {c_board:.2f} "
                f"| {c_board / board:.2f} | {'yes' if untouched else 'NO'} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
