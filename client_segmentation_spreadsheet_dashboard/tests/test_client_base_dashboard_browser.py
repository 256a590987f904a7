import json

from odoo import fields
from odoo.tests import HttpCase, tagged
from odoo.tools.translate import extract_spreadsheet_terms

from .common import DashboardCase
from .test_i18n import DASHBOARD

# Waits until the dashboard's data is loaded (no cell shows "Loading..."),
# then fails on any cell in error (a field or measure the server refuses, a
# table that does not fit or spills over another cell, a bad formula) and on
# any of the texts EXPECTED missing from the cells.
CHECK_CELLS = """
const EXPECTED = %s;
const FORBIDDEN = %s;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
function findDashboardAction(node) {
    if (node.component?.constructor.name === "SpreadsheetDashboardAction") {
        return node.component;
    }
    for (const child of Object.values(node.children || {})) {
        const found = findDashboardAction(child);
        if (found) {
            return found;
        }
    }
}
(async () => {
    let errors = ["the dashboard did not open"];
    let loading = true;
    let filled = 0;
    let texts = new Set();
    for (let attempt = 0; attempt < 300 && loading; attempt++) {
        await sleep(100);
        const action = findDashboardAction(odoo.__WOWL_DEBUG__.root.__owl__);
        const model = action?.state.activeDashboard?.model;
        if (!model) {
            continue;
        }
        const cells = model.getters.getEvaluatedCells(model.getters.getActiveSheetId());
        const failed = cells.filter((cell) => cell.type === "error");
        loading = failed.some((cell) => cell.value === "Loading...");
        errors = failed.map((cell) => `${cell.value} ${cell.message}`);
        filled = cells.filter((cell) => cell.type === "number" && cell.value).length;
        texts = new Set(cells.map((cell) => cell.value));
    }
    const missing = EXPECTED.filter((text) => !texts.has(text));
    const english = FORBIDDEN.filter((text) => texts.has(text));
    if (loading || errors.length) {
        console.error(`dashboard cells in error: ${JSON.stringify(errors)}`);
    } else if (!filled) {
        console.error("dashboard has no figure");
    } else if (missing.length) {
        console.error(`dashboard texts missing: ${JSON.stringify(missing)}`);
    } else if (english.length) {
        console.error(`dashboard texts not translated: ${JSON.stringify(english)}`);
    } else {
        console.log("test successful");
    }
})();
"""


@tagged("post_install", "-at_install", "client_segmentation_glue")
class TestClientBaseDashboardBrowser(DashboardCase, HttpCase):
    """The dashboard opens in the browser for a salesperson, every block
    evaluated without error."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # moves today, for the movements of the browser's current month, and
        # every recency segment (the widest ABC x recency table)
        cls._invoices(
            [
                (cls.never, fields.Date.today(), 80),
                (cls.small, cls._days_ago(60), 100),
            ]
        )
        cls.env["client.segment.engine"].recompute(cls.company)

    def _open_dashboard(self, expected, forbidden=()):
        self.browser_js(
            f"/odoo/dashboards?dashboard_id={self.dashboard.id}",
            CHECK_CELLS % (json.dumps(expected), json.dumps(list(forbidden))),
            ready="odoo.isReady",
            login=self.dashboard_salesman.login,
            timeout=120,
        )

    def test_dashboard_opens_without_error(self):
        self.env["res.lang"]._activate_lang("en_US")
        self.dashboard_salesman.lang = "en_US"
        self._open_dashboard(
            ["Client base", "Movements this month", "Due to buy again", "Funnel stage"]
        )

    def test_dashboard_in_russian(self):
        """The pane titles, headers and the labels the server gives (classes,
        recency, totals) in the salesperson's language: not one English
        text of the dashboard left in its cells."""
        self.env["res.lang"]._activate_lang("ru_RU")
        # as the language wizard does: the modules' terms (the recency labels
        # of the addon's fields among them) loaded for the new language
        self.env["ir.module.module"]._load_module_terms(
            ["client_segmentation", "client_segmentation_spreadsheet_dashboard"],
            ["ru_RU"],
        )
        self.dashboard_salesman.lang = "ru_RU"
        with DASHBOARD.open("rb") as dashboard:
            english = {
                term
                for _l, _f, term, _c in extract_spreadsheet_terms(dashboard, [], [], {})
            }
        english |= {
            label
            for _value, label in self.env["res.partner"]
            ._fields["recency_segment"]
            .selection
        }
        english |= {"Total", "None"}
        self._open_dashboard(
            [
                "Клиентская база",
                "Движения за этот месяц",
                "Пора снова купить",
                "Клиенты",
                "ABC-группа",
                "Недавно купил",
            ],
            sorted(english),
        )
