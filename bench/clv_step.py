"""The measured step of bench_clv.py, in a fresh process:
``python bench/clv_step.py ODOORC DB``; prints ``RESULT {json}``."""

import json
import sys
import time

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
    cr.execute(
        "SELECT count(*) FROM client_clv_score WHERE company_id = %s", [company.id]
    )
    out["scores"] = cr.fetchone()[0]
    started = time.perf_counter()
    Engine._run_company(company, today, False)
    out["rerun"] = time.perf_counter() - started
    cr.commit()
    out["peak"] = rss_mb("VmHWM:")
    out["before"] = before
print("RESULT " + json.dumps(out))
