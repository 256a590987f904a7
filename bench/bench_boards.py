"""Benchmark of the screens salespeople wait for: each board and call list
opened as the web client opens it (``boards.py``), server time, as a sales
manager who sees every client and as a salesperson on their own clients (their
default), right after the nightly run (first open) and warm (best of three),
with stock Contacts as the reference.

For each size N: a copy of the benchmark template, N commercial partners and
5N posted documents (seed.py), client_segmentation installed, its first run;
then a manager and a salesperson (the salesperson of ``--own`` clients).

    BENCH_SUITE=boards bash bench/run.sh 100000,1000000
    BENCH_SUITE=boards BENCH_KEEP=1 BENCH_REUSE=1 bash bench/run.sh 1000000
        (measure again the database an earlier BENCH_KEEP=1 run kept)
"""

import subprocess

from bench_segments import drop_database
from boards import open_contacts, open_screen
from measures import odoo_module, parse_suite, release, suite_parser
from seed import seed

SCREENS = [
    ("Funnel board", "client_segmentation.res_partner_action_board_funnel"),
    ("Temperature board", "client_segmentation.res_partner_action_board_temperature"),
    ("Recency board", "client_segmentation.res_partner_action_board_recency"),
    ("Value board", "client_segmentation.res_partner_action_board_value"),
    ("Typology board", "client_segmentation.res_partner_action_board_typology"),
    ("A but sleeping", "client_segmentation.res_partner_action_a_but_sleeping"),
    ("Due to buy again", "client_segmentation.res_partner_action_due"),
]


def prepare(args, n):
    """The database of size ``n`` after its first nightly run, and the ids of
    the manager and the salesperson."""
    import odoo
    from odoo.tools import SQL

    db = f"cs_bench_boards_{n}"
    drop_database(db)
    subprocess.run(["createdb", "-T", args.template, db], check=True)
    with odoo.modules.registry.Registry.new(db).cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        seed(cr, SQL, n, env.ref("base.main_company").id)
    release(db)
    odoo_module(args.config, db)
    with odoo.modules.registry.Registry.new(db).cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        Users = env["res.users"].with_context(no_reset_password=True)
        manager = Users.create(
            {
                "name": "Bench Manager",
                "login": "bench_manager",
                "groups_id": [(4, env.ref("sales_team.group_sale_manager").id)],
            }
        )
        salesperson = Users.create(
            {
                "name": "Bench Salesperson",
                "login": "bench_salesperson",
                "groups_id": [(4, env.ref("sales_team.group_sale_salesman").id)],
            }
        )
        # the salesperson's book: the first --own clients (of every segment)
        env.cr.execute(
            SQL(
                """UPDATE res_partner SET user_id = %s
                    WHERE id IN (SELECT id FROM res_partner
                                  WHERE is_company AND name LIKE %s
                                  ORDER BY id LIMIT %s)""",
                salesperson.id,
                "Bench client %",
                args.own,
            )
        )
        env["res.partner"]._cron_recompute_segments(auto_commit=True)
        cr.commit()
        return db, manager.id, salesperson.id


def reuse(args, n):
    """The database of size ``n`` kept by an earlier ``--keep`` run, upgraded
    to this checkout's code (``-u client_segmentation``, as an integrator
    updates a live database), and the ids of its manager and salesperson."""
    import odoo

    db = f"cs_bench_boards_{n}"
    odoo_module(args.config, db, "-u")
    with odoo.modules.registry.Registry.new(db).cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        users = env["res.users"].search(
            [("login", "in", ["bench_manager", "bench_salesperson"])], order="login"
        )
        return db, users[0].id, users[1].id


def measure(db, user_id):
    """{screen: (first s, warm s, queries, shown)} for the user."""
    import odoo

    rows = {}
    with odoo.modules.registry.Registry(db).cursor() as cr:
        env = odoo.api.Environment(cr, user_id, {"lang": "en_US"})
        screens = [("Contacts (stock)", None)] + SCREENS
        for title, xmlid in screens:
            runs = [
                open_contacts(env) if xmlid is None else open_screen(env, xmlid)
                for _attempt in range(4)
            ]
            first = runs[0]
            warm = min(runs[1:], key=lambda run: run[0])
            rows[title] = (first[0], warm[0], warm[1], first[2])
        cr.rollback()
    return rows


def main():
    parser = suite_parser(__doc__, "100000,1000000")
    parser.add_argument("--own", type=int, default=500)
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="measure the databases kept by an earlier --keep run, upgraded",
    )
    args = parse_suite(parser)
    for n in (int(size) for size in args.sizes.split(",")):
        db, manager_id, salesperson_id = (reuse if args.reuse else prepare)(args, n)
        manager = measure(db, manager_id)
        salesperson = measure(db, salesperson_id)
        print(f"\n{n:,} partners, {5 * n:,} documents (server seconds)\n")
        print(
            "| screen | manager, first | manager, warm | queries "
            f"| salesperson ({args.own} own), first | salesperson, warm | queries |"
        )
        print("|---|---|---|---|---|---|---|")
        for title, (first, warm, queries, _shown) in manager.items():
            s_first, s_warm, s_queries, _s_shown = salesperson[title]
            print(
                f"| {title} | {first:.2f} | {warm:.2f} | {queries} "
                f"| {s_first:.2f} | {s_warm:.2f} | {s_queries} |",
                flush=True,
            )
        release(db)
        if not args.keep:
            drop_database(db)


if __name__ == "__main__":
    main()
