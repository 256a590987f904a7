"""Load benchmark (issue 22 point 4): Odoo served by its multi-process server
(``--workers``) on loopback, ``--users`` simulated salespeople
(``load_client.py``) for ``--minutes`` opening their boards and call lists,
opening and saving client cards and dragging clients to another funnel
column over HTTP JSON-RPC, while the nightly recompute of the company runs
from scratch in its own process (as a cron worker would). Then: requests,
errors and latency percentiles per screen as the client sees them; every
edit of the run read back; the recompute's results against a quiet run of
the same recompute afterwards.

Run by ``bench_load.py`` on the database the boards benchmark kept
(``BENCH_KEEP=1``): ``BENCH_SUITE=load bash bench/run.sh 1000000``.
"""

import json
import os
import subprocess
import sys
import tempfile
import time

from bench_boards import SCREENS
from boards import _screen, _specification, kanban_request
from measures import forget_state

MAX_MINUTES, MAX_USERS = 15, 50
SERVER_LOG = os.path.join(tempfile.gettempdir(), "cs_bench_load_server.log")


def recompute(db):
    """The company's nightly recompute from scratch (state and last run
    forgotten), committing per batch as the cron does; its seconds."""
    import odoo

    with odoo.modules.registry.Registry(db).cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        company = env.ref("base.main_company")
        forget_state(env, company)
        cr.commit()
        started = time.perf_counter()
        env["client.segment.engine"]._recompute(company, commit=True)
        cr.commit()
        return time.perf_counter() - started


def plans(db, users, own):
    """One salesperson per simulated user, each with ``own`` clients of
    their own (password = login), and what their screens ask the server."""
    import odoo
    from odoo import Command
    from odoo.tools import SQL

    result = []
    with odoo.modules.registry.Registry(db).cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        Users = env["res.users"].with_context(no_reset_password=True)
        # a salesperson as Odoo makes one: internal user (who may edit
        # contacts, "Contact Creation") with the Sales "own documents" rights
        groups = env.ref("sales_team.group_sale_salesman") | env.ref(
            "base.group_partner_manager"
        )
        stages = env["client.funnel.stage"].search(
            [("is_automatic", "=", False), ("requires_reason", "=", False)]
        )
        for index in range(users):
            login = f"load_salesperson_{index:02d}"
            user = env["res.users"].search([("login", "=", login)])
            if not user:
                user = Users.create({"name": login, "login": login, "password": login})
            # exactly these groups: a new user also gets the default user
            # template's, which may make them a sales administrator
            user.groups_id = [Command.set(groups.ids)]
            if user.has_group("sales_team.group_sale_manager"):
                raise SystemExit(f"{login} is a sales manager: not a salesperson")
            cr.execute(
                SQL(
                    """UPDATE res_partner SET user_id = %s
                        WHERE id IN (SELECT id FROM res_partner
                                      WHERE is_company AND name LIKE %s
                                      ORDER BY id DESC OFFSET %s LIMIT %s)
                    RETURNING id""",
                    user.id,
                    "Bench client %",
                    index * own,
                    own,
                )
            )
            clients = [row[0] for row in cr.fetchall()]
            user_env = env(user=user)
            screens = []
            for title, xmlid in SCREENS:
                Model, domain, kanban, list_arch = _screen(user_env, xmlid)
                # as JSON-RPC sends it (dates as strings)
                domain = json.loads(json.dumps(domain, default=str))
                node, spec = _specification(Model, kanban or list_arch)
                request = kanban_request(node) if kanban else {"group_by": False}
                screens.append((title, {"domain": domain, "spec": spec, **request}))
            form = user_env["res.partner"].get_views([(False, "form")])
            _node, card_spec = _specification(
                user_env["res.partner"], form["views"]["form"]["arch"]
            )
            result.append(
                {
                    "uid": user.id,
                    "login": login,
                    "company_id": env.company.id,
                    "clients": clients,
                    "screens": screens,
                    "card_spec": card_spec,
                    "stage_ids": stages.ids,
                }
            )
        cr.commit()
    return result


def serve(args):
    """Odoo's multi-process server on loopback. Started from ``odoo-bin``
    when the source tree has it: the server spawns its websocket process
    as ``sys.argv[0] gevent``, which ``python -m odoo`` cannot be."""
    import odoo

    odoo_bin = os.path.join(os.path.dirname(os.path.dirname(odoo.__file__)), "odoo-bin")
    command = [odoo_bin] if os.path.exists(odoo_bin) else ["-m", "odoo"]
    return subprocess.Popen(
        [sys.executable, *command, "-c", args.config, "-d", args.database]
        + ["--db-filter", f"^{args.database}$", "--workers", str(args.workers)]
        + ["--max-cron-threads", "0", "--http-interface", "127.0.0.1"]
        + ["--http-port", str(args.port), "--limit-time-real", "1200"]
        + ["--limit-time-cpu", "1200", "--log-level", "warn"]
        + ["--logfile", SERVER_LOG],
        env=dict(os.environ, TZ="UTC"),
        stderr=subprocess.DEVNULL,  # its log goes to SERVER_LOG
    )


def wait_for(url, seconds=120):
    import requests

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{url}/web/health", timeout=5).ok:
                return
        except requests.ConnectionError:
            pass
        time.sleep(1)
    raise SystemExit(f"no Odoo server on {url}")
