"""One simulated salesperson of the load benchmark (``load.py``): a JSON-RPC
session on Odoo's HTTP server (loopback) that, until its deadline, opens one
of their boards or call lists, opens a client card, saves it (a new phone
number) or drags a client to another funnel column, as the web client does:
the same calls, one after the other, timed as the user waits for them."""

import collections
import random
import time

import requests

# What a salesperson does, and how often (weights).
ACTIONS = (("board", 5), ("card", 3), ("save", 2), ("drag", 1))
SCREENS = {
    "card": "Client card, open",
    "save": "Client card, save",
    "drag": "Drag to another column",
}
CARDS = 40


class Salesperson:
    def __init__(self, url, db, plan, seed):
        self.url, self.db, self.plan = url, db, plan
        self.random = random.Random(seed)
        self.session = requests.Session()
        self.seconds = collections.defaultdict(list)  # screen -> [s]
        self.errors = collections.Counter()  # screen -> count
        self.messages = collections.Counter()  # "screen: error" -> count
        self.saved = {}  # partner id -> the phone saved last
        self.dragged = {}  # partner id -> the stage dropped on last
        self.context = {
            "lang": "en_US",
            "tz": "UTC",
            "uid": plan["uid"],
            "allowed_company_ids": [plan["company_id"]],
        }
        self.count = 0
        self.requests = 0

    def _post(self, path, params):
        self.requests += 1
        response = self.session.post(
            f"{self.url}{path}",
            json={"jsonrpc": "2.0", "method": "call", "params": params},
            timeout=600,
        )
        response.raise_for_status()
        body = response.json()
        if "error" in body:
            raise RuntimeError(body["error"].get("data", {}).get("name", "error"))
        return body["result"]

    def call(self, model, method, *args, **kwargs):
        kwargs.setdefault("context", self.context)
        return self._post(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
        )

    def login(self):
        self._post(
            "/web/session/authenticate",
            {
                "db": self.db,
                "login": self.plan["login"],
                "password": self.plan["login"],
            },
        )

    def board(self, screen):
        domain, spec = screen["domain"], screen["spec"]
        if screen["group_by"]:
            groups = self.call(
                "res.partner",
                "web_read_group",
                domain,
                screen["aggregates"],
                [screen["group_by"]],
                lazy=True,
            )["groups"]
            if screen["bar"]:
                self.call(
                    "res.partner",
                    "read_progress_bar",
                    domain,
                    screen["group_by"],
                    screen["bar"],
                )
            count = f"{screen['group_by']}_count"
            for group in groups:
                if not group.get("__fold") and group.get(count, 1):
                    self.call(
                        "res.partner",
                        "web_search_read",
                        group["__domain"],
                        spec,
                        limit=CARDS,
                        order=screen["order"],
                        count_limit=10001,
                    )
        else:
            self.call(
                "res.partner",
                "web_search_read",
                domain,
                spec,
                limit=80,
                count_limit=10001,
            )

    def card(self):
        partner_id = self.random.choice(self.plan["clients"])
        self.call("res.partner", "web_read", [partner_id], self.plan["card_spec"])

    def save(self):
        partner_id = self.random.choice(self.plan["clients"])
        self.count += 1
        phone = f"+1 555 {self.plan['uid']:03d} {self.count:04d}"
        self.call(
            "res.partner",
            "web_save",
            [partner_id],
            {"phone": phone},
            specification=self.plan["card_spec"],
        )
        self.saved[partner_id] = phone

    def drag(self):
        partner_id = self.random.choice(self.plan["clients"])
        stage_id = self.random.choice(self.plan["stage_ids"])
        # a stage chosen by hand and kept (locked): the next recompute
        # would move a buyer back to its purchase stage otherwise (ADR 004)
        self.call(
            "res.partner",
            "web_save",
            [partner_id],
            {"funnel_stage_id": stage_id, "funnel_stage_locked": True},
            specification={"funnel_stage_id": {"fields": {"display_name": {}}}},
        )
        self.dragged[partner_id] = stage_id

    def _pick(self):
        """The next thing the salesperson does: (screen, callable)."""
        names, weights = zip(*ACTIONS, strict=True)
        action = self.random.choices(names, weights)[0]
        if action == "board":
            title, screen = self.random.choice(self.plan["screens"])
            return title, lambda: self.board(screen)
        return SCREENS[action], getattr(self, action)

    def run(self, deadline):
        self.login()
        while time.monotonic() < deadline:
            screen, action = self._pick()
            started = time.perf_counter()
            try:
                action()
            except Exception as error:  # noqa: BLE001 - counted and reported
                self.errors[screen] += 1
                self.messages[f"{screen}: {error}"] += 1
                continue
            self.seconds[screen].append(time.perf_counter() - started)
