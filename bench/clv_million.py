"""The predicted-value run at a million clients, without seeding their five
million documents: N partners (seed.py's, no document), each with a purchase
summary drawn from BG/NBD and Gamma-Gamma themselves (the CDNOW parameters,
ages up to two years) written straight into client_clv_summary, as the
first run would have left it; then, in this process:

1. first scores: ``client.clv.engine._run_company`` today (the fit from the
   default start, every score row inserted);
2. next night: tomorrow, after a new invoice for 1 % of the clients (their
   summaries re-aggregated from the documents, every client re-scored, the
   changed rows updated): what the module adds to the nightly run;
3. rerun: the same day again.

It measures what bench_clv.py measures after its seed, where the time of a
nightly run goes (the summaries of the changed clients aside), when seeding
5N documents does not fit in the time at hand (about an hour on this
machine under load). The full aggregation of 5N documents is not measured
here (bench_clv.py's "full s").

    .venv/bin/python bench/clv_million.py -c .odoorc --template cs_bench_base \
        [--clients 1000000]
"""

import argparse
import datetime
import json
import os
import subprocess
import sys
import time

import numpy as np

DB = "cs_bench_clv_sim"
STEPS = ("_update_summaries", "_read_inputs", "_fit", "_score")


def rss_mb(key):
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(key):
                return int(line.split()[1]) / 1024


def simulate(n, today, seed=11):
    """Summaries of ``n`` clients drawn from BG/NBD (r 0.243, alpha 4.414,
    a 0.793, b 2.426 per week) and Gamma-Gamma (p 6.25, q 3.74, v 15.44)."""
    rng = np.random.default_rng(seed)
    rate = rng.gamma(0.243, 1 / 4.414, n) / 7
    drop = rng.beta(0.793, 2.426, n)
    age = rng.integers(1, 730, n)
    clock, x, t_x = np.zeros(n), np.zeros(n, dtype=np.int64), np.zeros(n)
    active = np.ones(n, dtype=bool)
    while active.any():
        clock = clock + rng.exponential(1 / np.maximum(rate, 1e-12))
        bought = active & (clock <= age)
        x[bought] += 1
        t_x[bought] = clock[bought]
        active = bought & (rng.random(n) >= drop)
    nu = rng.gamma(3.74, 1 / 15.44, n)
    m = np.where(
        x > 0, rng.gamma(6.25 * np.maximum(x, 1), 1 / (nu * np.maximum(x, 1))), 0
    )
    first = (today - datetime.date(2000, 1, 1)).days - age
    return x, first, first + np.floor(t_x).astype(np.int64), m


def step(config, n):
    from seed import insert_documents, seed

    import odoo
    from odoo.tools import SQL

    odoo.tools.config.parse_config(["-c", config, "--log-level=warn"])
    out = {"before": rss_mb("VmRSS:")}
    registry = odoo.modules.registry.Registry.new(DB)
    # the addon's pure tool, importable once the registry loaded the addons
    pgcopy = sys.modules["odoo.addons.client_segmentation_clv.tools.pgcopy"]
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        company = env.ref("base.main_company")
        today = odoo.fields.Date.context_today(env["res.partner"])
        nothing = SQL(
            "SELECT NULL::varchar AS move_type, NULL::date AS day, NULL::int4 AS"
            " partner, NULL::varchar AS name, NULL::numeric AS amount WHERE FALSE"
        )
        partner_ids, journal_id, currency_id = seed(
            cr, SQL, n, company.id, lambda *args: nothing
        )
        x, first, last, m = simulate(n, today)
        cr.execute(
            "CREATE TEMPORARY TABLE sim (p int4, x int4, f date, l date, m float8)"
        )
        writer = pgcopy.Writer(
            [np.array(partner_ids), x, first, last, m],
            ["int4", "int4", "date", "date", "float8"],
        )
        cr.copy_expert("COPY sim FROM STDIN (FORMAT binary)", writer)
        cr.execute(
            "INSERT INTO client_clv_summary (company_id, partner_id, repeat_purchases,"
            " first_purchase_date, last_purchase_date, average_value, dirty)"
            " SELECT %s, p, x, f, l, m, FALSE FROM sim",
            [company.id],
        )
        cr.commit()
        model = env["client.clv.model"]._for_company(company)
        model.write(
            {
                "summary_cutoff": env["client.segment.engine"]._cutoff(),
                "summary_date": today,
                "summary_version": company._segment_profile().figures_version,
            }
        )
        cr.commit()
        Engine = env["client.clv.engine"]
        steps, returned = {}, {}
        for name in STEPS:
            original = getattr(type(Engine), name)

            def timed(self, *args, _original=original, _name=name, **kwargs):
                started = time.perf_counter()
                try:
                    returned[_name] = _original(self, *args, **kwargs)
                    return returned[_name]
                finally:
                    steps[_name] = steps.get(_name, 0) + time.perf_counter() - started

            setattr(type(Engine), name, timed)
        tomorrow = today + datetime.timedelta(days=1)
        for label, day in (("first", today), ("clv", tomorrow), ("rerun", tomorrow)):
            if label == "clv":
                chosen = partner_ids[::100]
                insert_documents(
                    cr,
                    SQL,
                    SQL(
                        "SELECT 'out_invoice' AS move_type, %s::date AS day,"
                        " p AS partner, 'SIM/' || p AS name, 500 AS amount"
                        " FROM unnest(%s) p",
                        day,
                        chosen,
                    ),
                    journal_id,
                    currency_id,
                    company.id,
                )
                cr.commit()
                out["touched"] = len(chosen)
            steps.clear()
            started = time.perf_counter()
            model = Engine._run_company(company, day, False)
            out[label] = time.perf_counter() - started
            out[f"{label}_steps"] = dict(steps)
            out[f"{label}_aggregated"] = returned["_update_summaries"][0]
            cr.commit()
            out[f"{label}_state"] = model.state
        cr.execute("SELECT count(*) FROM client_clv_score")
        out["scores"] = cr.fetchone()[0]
        out["params"] = [model.bgnbd_r, model.bgnbd_alpha, model.bgnbd_a, model.bgnbd_b]
        out["message"] = model.status_message or ""
    out["peak"] = rss_mb("VmHWM:")
    print("RESULT " + json.dumps(out))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("--template", default="cs_bench_base")
    parser.add_argument("--clients", type=int, default=1_000_000)
    parser.add_argument("--step", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        return step(args.config, args.clients)
    env = dict(os.environ, TZ="UTC")
    subprocess.run(["dropdb", "--if-exists", DB], check=True)
    subprocess.run(["createdb", "-T", args.template, DB], check=True)
    subprocess.run(
        [sys.executable, "-m", "odoo", "-c", args.config, "-d", DB, "--stop-after-init"]
        + ["-i", "client_segmentation_clv", "--log-level=warn"],
        check=True,
        env=env,
    )
    done = subprocess.run(
        [sys.executable, __file__, "-c", args.config, "--step"]
        + ["--clients", str(args.clients)],
        text=True,
        check=True,
        env=env,
        capture_output=True,
    )
    row = json.loads(done.stdout.split("RESULT ", 1)[1])
    print(json.dumps(row, indent=1))


if __name__ == "__main__":
    main()
