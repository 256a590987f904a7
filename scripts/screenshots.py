"""Screenshots of the demo for docs/screenshots/ and the Apps page.

    .venv/bin/python scripts/screenshots.py [--db DB] [--port 8069] [--langs ...]
Needs the demo database (scripts/demo.sh --no-serve) and Chromium (scripts/
system-deps.sh browser). Serves it on 127.0.0.1:PORT (a child Odoo), installs
Russian when missing, logs in as admin, saves a 1280x800 PNG per page and
language in docs/screenshots/ (<page>_<en|ru>.png), the English ones also in
client_segmentation/static/description/screenshots/ (readme/SCREENSHOTS.md).
Chromium runs headless with Odoo's test browser's switches, over DevTools."""

import argparse
import base64
import json
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time

import requests
import websocket

REPO = pathlib.Path(__file__).resolve().parent.parent
OUT = REPO / "docs" / "screenshots"
APPS = REPO / "client_segmentation" / "static" / "description" / "screenshots"
# fmt: off
# (file name, URL (A: an action of the addon), button to click, ready selector)
PAGES = [(f"board_{b}", f"A.res_partner_action_board_{b}", "", ".o_kanban_record")
         for b in ("funnel", "value", "recency", "typology", "temperature")] + [
    ("a_but_sleeping", "A.res_partner_action_a_but_sleeping", "", ".o_data_row"),
    ("client_card", "A.res_partner_action/{client}", "", ".o-mail-Activity"),
    ("movements", "A.client_segment_movement_action", "", ".o_view_controller"),
    ("dashboard", "spreadsheet_dashboard.ir_actions_dashboard_action"
     "?dashboard_id={dashboard}", "", ".o-spreadsheet canvas"),
    ("preview", "A.client_segmentation_profile_action_server",
     "button[name=action_open_preview]", ".modal .o_form_view"),
]
SWITCHES = [
    "--headless", "--disable-extensions", "--disable-background-networking",
    "--disable-background-timer-throttling", "--disable-renderer-backgrounding",
    "--disable-breakpad", "--disable-dev-shm-usage", "--no-sandbox", "--disable-gpu",
    "--disable-translate", "--no-first-run", "--no-default-browser-check",
    "--hide-scrollbars", "--window-size=1280,800",
]
# fmt: on


class Odoo:
    """JSON-RPC of the served database, as admin."""

    def __init__(self, url, db):
        self.url, self.db, self.session = url, db, requests.Session()

    def login(self):
        self.rpc(
            "/web/session/authenticate", db=self.db, login="admin", password="admin"
        )
        return self.session.cookies["session_id"]

    def rpc(self, path, **params):
        reply = self.session.post(self.url + path, json={"params": params}, timeout=600)
        reply.raise_for_status()
        if "error" in reply.json():
            sys.exit(json.dumps(reply.json()["error"], indent=1)[:2000])
        return reply.json()["result"]

    def call(self, model, method, *args, **kwargs):
        params = {"model": model, "method": method, "args": args, "kwargs": kwargs}
        return self.rpc("/web/dataset/call_kw", **params)

    def use_lang(self, lang):
        """Install ``lang`` when missing and make it the admin's language."""
        domain = [("code", "=", lang), ("active", "in", [True, False])]
        found = self.call("res.lang", "search_read", domain, ["active"])[0]
        if not found["active"]:
            wizard = {"lang_ids": [(6, 0, [found["id"]])]}
            wizard = self.call("base.language.install", "create", wizard)
            self.call("base.language.install", "lang_install", [wizard])
        uid = self.call("res.users", "search", [("login", "=", "admin")])
        self.call("res.users", "write", uid, {"lang": lang})


class Chrome:
    """A headless Chromium page driven through the DevTools protocol."""

    def __init__(self, port):
        binary = shutil.which("chromium") or shutil.which("google-chrome")
        if not binary:
            sys.exit("no Chromium: bash scripts/system-deps.sh browser")
        self.profile = tempfile.mkdtemp(prefix="cs-shots-")
        command = [binary, *SWITCHES, f"--remote-debugging-port={port}"]
        command += [f"--user-data-dir={self.profile}", "about:blank"]
        self.process = subprocess.Popen(command, stderr=subprocess.DEVNULL)
        for _attempt in range(100):
            try:
                tabs = requests.get(f"http://127.0.0.1:{port}/json", timeout=2).json()
                page = next(tab for tab in tabs if tab["type"] == "page")
                break
            except (requests.ConnectionError, StopIteration):
                time.sleep(0.2)
        else:
            sys.exit("Chromium did not start")
        self.ws = websocket.create_connection(
            page["webSocketDebuggerUrl"], suppress_origin=True
        )
        self.ids = 0
        size = {"width": 1280, "height": 800, "deviceScaleFactor": 1, "mobile": False}
        self.send("Emulation.setDeviceMetricsOverride", **size)

    def send(self, method, **params):
        self.ids += 1
        self.ws.send(json.dumps({"id": self.ids, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.ids:
                return message.get("result", {})

    def wait(self, selector, attempts=150):
        found = f"!!document.querySelector({json.dumps(selector)})"
        for _attempt in range(attempts):
            reply = self.send("Runtime.evaluate", expression=found, returnByValue=True)
            if reply.get("result", {}).get("value"):
                return True
            time.sleep(0.2)
        print(f"  {selector} never showed: shot taken anyway")
        return False

    def shot(self, url, button, ready, path):
        self.send("Page.navigate", url=url)
        if button and self.wait(button):
            click = f"document.querySelector({json.dumps(button)}).click()"
            self.send("Runtime.evaluate", expression=click)
        self.wait(ready)
        time.sleep(1.5)  # animations, charts
        data = self.send("Page.captureScreenshot", format="png")["data"]
        path.write_bytes(base64.b64decode(data))

    def close(self):
        self.process.terminate()
        self.process.wait(timeout=30)
        shutil.rmtree(self.profile, ignore_errors=True)


def shoot(odoo, chrome, langs):
    odoo.login()  # then: the biggest client with a plan's step, the dashboard
    planned = [("activity_ids.work_plan_run_id", "!=", False), ("abc_class", "=", "a")]
    order = "segment_revenue_window desc"
    client = odoo.call("res.partner", "search", planned, limit=1, order=order)
    module = [("model", "=", "spreadsheet.dashboard")]
    module += [("module", "=", "client_segmentation_spreadsheet_dashboard")]
    dashboard = odoo.call("ir.model.data", "search_read", module, ["res_id"])
    ids = {"client": client[0], "dashboard": dashboard[0]["res_id"]}
    OUT.mkdir(parents=True, exist_ok=True)
    APPS.mkdir(parents=True, exist_ok=True)
    for lang in langs:
        odoo.use_lang(lang)
        session = odoo.login()
        chrome.send("Network.setCookie", name="session_id", value=session, url=odoo.url)
        chrome.send("Page.navigate", url=odoo.url + "/odoo")  # the assets, built once
        chrome.wait(".o_main_navbar", attempts=1500)
        for name, path, button, ready in PAGES:
            target = OUT / f"{name}_{lang.split('_')[0]}.png"
            path = path.replace("A.", "client_segmentation.").format(**ids)
            chrome.shot(f"{odoo.url}/odoo/action-{path}", button, ready, target)
            print(f"  {target.relative_to(REPO)}")
            if lang == "en_US":
                shutil.copy(target, APPS / f"{name}.png")
    odoo.use_lang("en_US")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="client_segmentation_demo")
    parser.add_argument("--port", type=int, default=8069)
    parser.add_argument("--langs", default="en_US,ru_RU")
    args = parser.parse_args()
    url = f"http://127.0.0.1:{args.port}"
    command = [sys.executable, "-m", "odoo", "-c", str(REPO / ".odoorc")]
    command += ["-d", args.db, "--db-filter", f"^{args.db}$", "--log-level=warn"]
    server = subprocess.Popen([*command, "--http-port", str(args.port)])
    chrome = None
    try:
        for _attempt in range(300):
            try:
                requests.get(url + "/web/login", timeout=5).raise_for_status()
                break
            except requests.RequestException:
                time.sleep(1)
        chrome = Chrome(args.port + 1000)
        shoot(Odoo(url, args.db), chrome, args.langs.split(","))
    finally:
        if chrome:
            chrome.close()
        server.terminate()
        server.wait(timeout=60)


if __name__ == "__main__":
    main()
