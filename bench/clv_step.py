"""The measured steps of bench_clv.py, in a fresh process:
``python bench/clv_step.py ODOORC DB``; prints ``RESULT {json}``.

1. full: ``client.clv.engine._run_company`` with its stored summaries
   forgotten (every client re-aggregated, as the first run after install);
2. nightly: the next day, after a new invoice for 1 % of the clients (the
   incremental run the nightly job makes: what the module adds to it);
3. rerun: the same day again, nothing changed.

Each in its own transaction (committed), timed with its steps; the peak RSS
of the process over the three."""

import datetime
import json
import sys
import time

from seed import insert_documents

import odoo
from odoo.tools import SQL, config

config.parse_config(["-c", sys.argv[1], "--log-level=warn"])
db = sys.argv[2]
STEPS = ("_update_summaries", "_read_inputs", "_fit", "_score")


def rss_mb(key):
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(key):
                return int(line.split()[1]) / 1024


def instrument(Engine, steps, returned):
    for name in STEPS:
        original = getattr(type(Engine), name)

        def timed(self, *args, _original=original, _name=name, **kwargs):
            started = time.perf_counter()
            try:
                result = _original(self, *args, **kwargs)
                returned[_name] = result
                return result
            finally:
                steps[_name] = steps.get(_name, 0) + time.perf_counter() - started

        setattr(type(Engine), name, timed)


def new_invoices(cr, company, day):
    """A new invoice dated ``day`` for every 100th scored client."""
    cr.execute(
        "SELECT partner_id FROM client_clv_score WHERE company_id = %s"
        " ORDER BY partner_id",
        [company.id],
    )
    chosen = [row[0] for row in cr.fetchall()][::100]
    cr.execute(
        "SELECT journal_id, currency_id FROM account_move WHERE company_id = %s"
        " AND move_type = 'out_invoice' LIMIT 1",
        [company.id],
    )
    journal_id, currency_id = cr.fetchone()
    insert_documents(
        cr,
        SQL,
        SQL(
            "SELECT 'out_invoice' AS move_type, %s::date AS day, p AS partner,"
            " 'BENCH/CLV/' || p AS name, 500 AS amount FROM unnest(%s) p",
            day,
            chosen,
        ),
        journal_id,
        currency_id,
        company.id,
    )
    return len(chosen)


registry = odoo.modules.registry.Registry.new(db)
out = {}
with registry.cursor() as cr:
    env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
    company = env.ref("base.main_company")
    today = odoo.fields.Date.context_today(env["res.partner"])
    Engine = env["client.clv.engine"]
    steps, returned = {}, {}
    instrument(Engine, steps, returned)
    out["before"] = rss_mb("VmRSS:")
    env["client.clv.model"]._for_company(company).write(
        {"summary_cutoff": False, "summary_date": False}
    )
    started = time.perf_counter()
    Engine._run_company(company, today, False)
    out["full"] = time.perf_counter() - started
    out["full_steps"] = dict(steps)
    out["full_aggregated"] = returned["_update_summaries"][0]
    cr.commit()
    out["rss_full"] = rss_mb("VmRSS:")
    tomorrow = today + datetime.timedelta(days=1)
    out["touched"] = new_invoices(cr, company, tomorrow)
    cr.commit()
    steps.clear()
    started = time.perf_counter()
    model = Engine._run_company(company, tomorrow, False)
    out["clv"] = time.perf_counter() - started
    out["steps"] = dict(steps)
    out["aggregated"] = returned["_update_summaries"][0]
    cr.commit()
    out["state"] = model.state
    out["message"] = model.status_message or ""
    out["params"] = [model.bgnbd_r, model.bgnbd_alpha, model.bgnbd_a, model.bgnbd_b]
    cr.execute(
        "SELECT count(*) FROM client_clv_score WHERE company_id = %s", [company.id]
    )
    out["scores"] = cr.fetchone()[0]
    started = time.perf_counter()
    Engine._run_company(company, tomorrow, False)
    out["rerun"] = time.perf_counter() - started
    out["rerun_aggregated"] = returned["_update_summaries"][0]
    cr.commit()
    out["peak"] = rss_mb("VmHWM:")
print("RESULT " + json.dumps(out))
