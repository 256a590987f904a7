"""Load benchmark of issue 22 point 4, one command: ``load.py`` says what it
does. Prints one table per run, for docs/performance.md.

    BENCH_SUITE=load bash bench/run.sh 1000000
    .venv/bin/python bench/bench_load.py -c .odoorc -d cs_bench_boards_1000000 \\
        --users 20 --minutes 10 --workers 2
"""

import argparse
import collections
import json
import os
import subprocess
import sys
import threading
import time

import load
from load_client import Salesperson
from measures import snapshot


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--own", type=int, default=500)
    parser.add_argument("--port", type=int, default=8079)
    parser.add_argument("--recompute-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not (0 < args.minutes <= load.MAX_MINUTES and 0 < args.users <= load.MAX_USERS):
        parser.error(f"at most {load.MAX_MINUTES} minutes and {load.MAX_USERS} users")
    return args


def check_edits(db, people):
    """(edits made, edits found as left) after the run."""
    import odoo

    with odoo.modules.registry.Registry(db).cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        Partner = env["res.partner"].with_company(env.ref("base.main_company"))
        made = kept = 0
        for person in people:
            for partner_id, phone in person.saved.items():
                made += 1
                kept += Partner.browse(partner_id).phone == phone
            for partner_id, stage_id in person.dragged.items():
                partner = Partner.browse(partner_id)
                made += 1
                kept += (
                    partner.funnel_stage_id.id == stage_id
                    and partner.funnel_stage_locked
                )
        return made, kept


def digest(db):
    import odoo
    from odoo.tools import SQL

    with odoo.modules.registry.Registry(db).cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        return snapshot(cr, SQL, env.ref("base.main_company").id)


def main():
    args = parse_args()
    import odoo

    odoo.tools.config.parse_config(["-c", args.config, "--log-level=warn"])
    if args.recompute_only:
        print(json.dumps(load.recompute(args.database)))
        return
    plans = load.plans(args.database, args.users, args.own)
    url = f"http://127.0.0.1:{args.port}"
    server = load.serve(args)
    try:
        load.wait_for(url)
        people = [
            Salesperson(url, args.database, plan, seed)
            for seed, plan in enumerate(plans)
        ]
        recomputing = subprocess.Popen(
            [
                sys.executable,
                __file__,
                "--recompute-only",
                "-c",
                args.config,
                "-d",
                args.database,
            ],
            stdout=subprocess.PIPE,
            text=True,
            env=dict(os.environ, TZ="UTC"),
        )
        deadline = time.monotonic() + args.minutes * 60
        threads = [
            threading.Thread(target=person.run, args=(deadline,)) for person in people
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        loaded = json.loads(recomputing.communicate()[0].strip().splitlines()[-1])
    finally:
        server.terminate()
        server.wait()
    made, kept = check_edits(args.database, people)
    after_load = digest(args.database)
    alone = load.recompute(args.database)
    equal = digest(args.database) == after_load
    print(
        f"\n{args.users} salespeople, {args.minutes:g} min, --workers {args.workers}, "
        f"{sum(p.requests for p in people):,} requests\n"
    )
    print("| screen | opened | errors | p50 s | p95 s | max s |")
    print("|---|---|---|---|---|---|")
    screens = sorted({name for person in people for name in person.seconds})
    for screen in screens:
        seconds = [s for person in people for s in person.seconds.get(screen, [])]
        errors = sum(person.errors[screen] for person in people)
        p50, p95 = percentile(seconds, 0.5), percentile(seconds, 0.95)
        print(
            f"| {screen} | {len(seconds):,} | {errors} | {p50:.2f} | {p95:.2f} "
            f"| {max(seconds):.2f} |"
        )
    messages = sum((person.messages for person in people), collections.Counter())
    for message, count in sorted(messages.items()):
        print(f"error x{count}: {message}")
    print(
        f"\nedits made {made:,}, still there after the run {kept:,}; recompute under "
        f"load {loaded:.1f} s, alone {alone:.1f} s ({loaded / alone:.1f}x); results "
        f"equal to the quiet run: {'yes' if equal else 'NO'}; server log "
        f"{load.SERVER_LOG}"
    )


if __name__ == "__main__":
    main()
