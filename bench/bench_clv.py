"""Benchmark of the predicted-value fit and scores (client_segmentation_clv):
what they add to the nightly run.

For each size N: a copy of the benchmark template (bench/run.sh makes it), N
commercial partners and 5N posted documents over two years (seed.py, as the
segment benchmark; half of the clients made to stop buying at a random
point, clv_churn.py), client_segmentation_clv installed (it brings
client_segmentation), the segment engine's first run (which fits and scores
too), then the fit and scores alone, timed in a fresh process
(bench/clv_step.py):

- full s: ``client.clv.engine._run_company`` re-aggregating every client
  (as the first run after install);
- clv s: the next night's run after a new invoice for 1 % of the clients,
  what the module adds to the nightly run; its steps: summaries
  re-aggregated, summaries read, fit, scores and writes;
- rerun s: the same again on unchanged data;
- peak MB: the peak RSS of that process over the three, and above its RSS
  before them.

    .venv/bin/python bench/bench_clv.py -c .odoorc --template cs_bench_base \
        --sizes 100000,1000000
"""

import json
import os
import pathlib
import subprocess
import sys
import time

from bench_segments import drop_database
from clv_churn import churned_documents
from measures import odoo_module, parse_suite, release, suite_parser
from seed import seed

STEP = pathlib.Path(__file__).resolve().parent / "clv_step.py"


def run_size(args, n):
    import odoo
    from odoo.tools import SQL

    db = f"cs_bench_clv_{n}"
    drop_database(db)
    subprocess.run(["createdb", "-T", args.template, db], check=True)
    with odoo.modules.registry.Registry.new(db).cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        seed(cr, SQL, n, env.ref("base.main_company").id, churned_documents(SQL))
        cr.commit()
    release(db)
    odoo_module(args.config, db, module="client_segmentation_clv")
    env = dict(os.environ, TZ="UTC")
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "odoo", "shell", "-c", args.config, "-d", db]
        + ["--log-level=warn", "--no-http"],
        input="env['res.partner']._cron_recompute_segments()\nenv.cr.commit()\n",
        text=True,
        check=True,
        env=env,
        capture_output=True,
    )
    nightly = time.perf_counter() - started
    done = subprocess.run(
        [sys.executable, str(STEP), args.config, db],
        text=True,
        check=True,
        env=env,
        capture_output=True,
    )
    line = next(line for line in done.stdout.splitlines() if line.startswith("RESULT "))
    row = json.loads(line[len("RESULT ") :])
    row["n"] = n
    row["nightly"] = nightly
    if not args.keep:
        drop_database(db)
    return row


def main():
    args = parse_suite(suite_parser(__doc__, "100000,1000000"))
    header = (
        "| partners | documents | nightly run s (segments + clv) | full s "
        "| clv s (next night) | summaries s | read s | fit s | scores + writes s "
        "| clients re-aggregated | rerun s | peak RSS MB (above start) "
        "| clients scored | status |"
    )
    print(header)
    print("|" + "---|" * (header.count("|") - 1))
    for n in (int(size) for size in args.sizes.split(",")):
        row = run_size(args, n)
        steps = row["steps"]
        print(
            f"| {n:,} | {5 * n:,} | {row['nightly']:.1f} | {row['full']:.1f} "
            f"| {row['clv']:.1f} | {steps.get('_update_summaries', 0):.1f} "
            f"| {steps.get('_read_inputs', 0):.1f} | {steps.get('_fit', 0):.1f} "
            f"| {steps.get('_score', 0):.1f} | {row['aggregated']:,} "
            f"| {row['rerun']:.1f} "
            f"| {row['peak']:.0f} ({row['peak'] - row['before']:.0f}) "
            f"| {row['scores']:,} | {row['state']} |",
            flush=True,
        )
        print(f"  {n:,}: {json.dumps(row)}", flush=True)


if __name__ == "__main__":
    main()
