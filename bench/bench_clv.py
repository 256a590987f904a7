"""Benchmark of the predicted-value fit and scores (client_segmentation_clv):
what they add to the nightly run.

For each size N: a copy of the benchmark template (bench/run.sh makes it), N
commercial partners and 5N posted documents over two years (seed.py, as the
segment benchmark; half of the clients made to stop buying at a random
point, :func:`churn`), client_segmentation_clv installed (it brings
client_segmentation), the segment engine's first run (which fits and scores
too), then the fit and scores alone, timed in a fresh process:

- clv s: ``client.clv.engine._run_company`` (summary query, fit, scores,
  writes), the time it adds to the nightly run; its steps: summary query,
  fit, score writes;
- rerun s: the same again on unchanged data (only changed rows written);
- peak MB: the peak RSS of that process, and above its RSS before the step.

    .venv/bin/python bench/bench_clv.py -c .odoorc --template cs_bench_base \
        --sizes 100000,1000000
"""

import argparse
import json
import os
import subprocess
import sys
import time

from bench_segments import drop_database
from clv_churn import churn
from seed import seed

STEP = r"""
import json, resource, sys, time
import odoo
from odoo.tools import config
config.parse_config(["-c", sys.argv[1], "--log-level=warn"])
db = sys.argv[2]

def rss_mb(key):
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(key):
                return int(line.split()[1]) / 1024

registry = odoo.modules.registry.Registry.new(db)
out = {}
with registry.cursor() as cr:
    env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
    company = env.ref("base.main_company")
    today = odoo.fields.Date.context_today(env["res.partner"])
    Engine = env["client.clv.engine"]
    steps = {}
    for name in ("_read_summary", "_fit", "_score"):
        original = getattr(type(Engine), name)
        def timed(self, *args, _original=original, _name=name, **kwargs):
            started = time.perf_counter()
            try:
                return _original(self, *args, **kwargs)
            finally:
                steps[_name] = steps.get(_name, 0) + time.perf_counter() - started
        setattr(type(Engine), name, timed)
    before = rss_mb("VmRSS:")
    started = time.perf_counter()
    model = Engine._run_company(company, today, False)
    out["clv"] = time.perf_counter() - started
    out["steps"] = dict(steps)
    cr.commit()
    out["state"] = model.state
    out["message"] = model.status_message or ""
    out["params"] = [model.bgnbd_r, model.bgnbd_alpha, model.bgnbd_a, model.bgnbd_b]
    cr.execute("SELECT count(*) FROM client_clv_score WHERE company_id = %s",
               [company.id])
    out["scores"] = cr.fetchone()[0]
    started = time.perf_counter()
    Engine._run_company(company, today, False)
    out["rerun"] = time.perf_counter() - started
    cr.commit()
    out["peak"] = rss_mb("VmHWM:")
    out["before"] = before
print("RESULT " + json.dumps(out))
"""


def run_size(args, n):
    import odoo
    from odoo.tools import SQL

    db = f"cs_bench_clv_{n}"
    drop_database(db)
    subprocess.run(["createdb", "-T", args.template, db], check=True)
    with odoo.modules.registry.Registry.new(db).cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        seed(cr, SQL, n, env.ref("base.main_company").id)
        churn(cr, SQL)
        cr.commit()
    odoo.modules.registry.Registry.delete(db)
    odoo.sql_db.close_db(db)
    env = dict(os.environ, TZ="UTC")
    subprocess.run(
        [sys.executable, "-m", "odoo", "-c", args.config, "-d", db]
        + ["--stop-after-init", "-i", "client_segmentation_clv", "--log-level=warn"],
        check=True,
        env=env,
    )
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
        [sys.executable, "-c", STEP, args.config, db],
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
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("--template", default="cs_bench_base")
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    import odoo

    odoo.tools.config.parse_config(["-c", args.config, "--log-level=warn"])
    header = (
        "| partners | documents | nightly run s (segments + clv) | clv s "
        "| summary query s | fit s | scores + writes s | rerun s "
        "| peak RSS MB (above start) | clients scored | status |"
    )
    print(header)
    print("|" + "---|" * (header.count("|") - 1))
    for n in (int(size) for size in args.sizes.split(",")):
        row = run_size(args, n)
        steps = row["steps"]
        print(
            f"| {n:,} | {5 * n:,} | {row['nightly']:.1f} | {row['clv']:.1f} "
            f"| {steps.get('_read_summary', 0):.1f} | {steps.get('_fit', 0):.1f} "
            f"| {steps.get('_score', 0):.1f} | {row['rerun']:.1f} "
            f"| {row['peak']:.0f} ({row['peak'] - row['before']:.0f}) "
            f"| {row['scores']:,} | {row['state']} |",
            flush=True,
        )
        if row["message"]:
            print(f"  {n:,}: {row['message']}")


if __name__ == "__main__":
    main()
