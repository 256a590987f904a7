"""Benchmark of the work plans against real Odoo 18: N clients entering a
trigger in one recompute, and the same N leaving it.

It copies a template database that has client_segmentation installed (no
demo data), seeds N commercial partners in SQL (each with a salesperson; one
in ten with an activity already planned, so the contact-pressure guard moves
steps), activates the shipped "hot" trigger (the largest shipped plan: five
steps) and hands the triggers a change set of N rows entering "hot", as the
segment engine does. Then the same N rows leaving "hot". Prints one row:

    | clients | activities planned | plan s | cancel s |

Usage: ``BENCH_SUITE=work_plans bash bench/run.sh 100000`` (installs the
module from this checkout on a copy of bench/run.sh's template), or by hand
(docs/performance.md, "Work plans"):

    python3 bench/bench_work_plans.py -c .odoorc --template cs_bench_template \
        --sizes 10000,100000 [--profile /tmp/plans.prof]
"""

import cProfile
import datetime
import subprocess
import time
from types import SimpleNamespace

from measures import parse_suite, release, suite_parser


def seed(env, SQL, n):
    cr = env.cr
    salesperson = env.ref("base.user_admin")
    cr.execute(
        SQL(
            """
            INSERT INTO res_partner (id, commercial_partner_id, name, complete_name,
                                     active, is_company, type, user_id,
                                     autopost_bills, create_date, write_date)
            SELECT id, id, 'Plan client ' || id, 'Plan client ' || id, TRUE,
                   TRUE, 'contact', %(user)s, 'ask', now(), now()
              FROM (SELECT nextval('res_partner_id_seq') AS id
                      FROM generate_series(1, %(n)s)) ids
            RETURNING id
            """,
            n=n,
            user=salesperson.id,
        )
    )
    partner_ids = [row[0] for row in cr.fetchall()]
    todo = env.ref("mail.mail_activity_data_todo")
    cr.execute(
        SQL(
            """
            INSERT INTO mail_activity (res_model_id, res_model, res_id,
                                       activity_type_id, date_deadline, user_id,
                                       active, create_date, write_date)
            SELECT %(model)s, 'res.partner', id, %(todo)s,
                   CURRENT_DATE + 3, %(user)s, TRUE, now(), now()
              FROM unnest(%(ids)s::int4[]) id
             WHERE mod(id, 10) = 0
            """,
            model=env["ir.model"]._get_id("res.partner"),
            todo=todo.id,
            user=salesperson.id,
            ids=partner_ids,
        )
    )
    return partner_ids


def change_set(env, SQL, partner_ids, old, new):
    cr = env.cr
    cr.execute(SQL("DROP TABLE IF EXISTS bench_work_plan_changes"))
    cr.execute(
        SQL(
            """
            CREATE TEMP TABLE bench_work_plan_changes AS
            SELECT id AS partner_id, 'recency'::varchar AS dimension,
                   %s::varchar AS old_value, %s::varchar AS new_value
              FROM unnest(%s::int4[]) id
            """,
            old,
            new,
            partner_ids,
        )
    )
    return SimpleNamespace(name="bench_work_plan_changes")


def run_size(args, n):
    import odoo
    from odoo.tools import SQL

    db = f"cs_bench_plans_{n}"
    subprocess.run(["dropdb", "--if-exists", db], check=True)
    subprocess.run(["createdb", "-T", args.template, db], check=True)
    registry = odoo.modules.registry.Registry.new(db)
    row = {"n": n}
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        company = env.ref("base.main_company")
        partner_ids = seed(env, SQL, n)
        Trigger = env["client.work.plan.trigger"].with_context(active_test=False)
        Trigger.search(
            [("company_id", "=", company.id), ("recency_segment", "=", "hot")]
        ).active = True
        cr.commit()
        today = datetime.date.today()
        changes = change_set(env, SQL, partner_ids, "warm", "hot")
        profile = cProfile.Profile() if args.profile else None
        started = time.perf_counter()
        if profile:
            profile.enable()
        result = Trigger._apply_changes(company, changes, today, False)
        row["plan"] = time.perf_counter() - started
        if profile:
            profile.disable()
            profile.dump_stats(args.profile)
        row["activities"] = result["activities"]
        cr.commit()
        changes = change_set(env, SQL, partner_ids, "hot", "warm")
        started = time.perf_counter()
        result = Trigger._apply_changes(company, changes, today, False)
        row["cancel"] = time.perf_counter() - started
        row["cancelled"] = result["cancelled"]
        cr.commit()
    release(db)
    if not args.keep:
        subprocess.run(["dropdb", "--if-exists", db], check=True)
    return row


def main():
    parser = suite_parser(__doc__, "100000", template="cs_bench_template")
    parser.add_argument("--profile", help="write a cProfile of the plan step here")
    args = parse_suite(parser)
    print("| clients | activities planned | plan s | entries cancelled | cancel s |")
    print("|---|---|---|---|---|")
    for n in (int(size) for size in args.sizes.split(",")):
        row = run_size(args, n)
        print(
            f"| {n:,} | {row['activities']:,} | {row['plan']:.1f} "
            f"| {row['cancelled']:,} | {row['cancel']:.1f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
