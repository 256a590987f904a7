import calendar
import datetime
import json
import re

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import DashboardCase

day = datetime.date
# What the dashboard is evaluated on: "this month" of its date filter is June.
TODAY = "2026-06-30"
CELL = re.compile(r"([A-Z]+)(\d+)")
PIVOT_FORMULA = re.compile(r"=PIVOT\((\d+)((?:,[^,)]*)*)\)$")
LIST_FORMULA = re.compile(r'ODOO\.LIST(?:\.HEADER)?\((\d+),(?:\d+,)?"([\w.]+)"\)')


def cell_position(name):
    """``"B12"`` -> ``(1, 11)``: zero-based column and row."""
    letters, digits = CELL.fullmatch(name).groups()
    col = 0
    for letter in letters:
        col = col * 26 + ord(letter) - ord("A") + 1
    return col - 1, int(digits) - 1


def domain_fields(domain):
    """Field paths of the leaves of a domain."""
    return [leaf[0] for leaf in domain if isinstance(leaf, list | tuple)]


@tagged("post_install", "-at_install", "client_segmentation_glue")
class TestClientBaseDashboard(DashboardCase):
    """The "Client base" dashboard as the spreadsheet evaluates it: every data
    source of its JSON names fields that exist and returns the expected
    figures for a salesperson, on the prepared client base read on June 30."""

    # ------------------------------------------------------------------
    # The spreadsheet's requests, made in Python
    # ------------------------------------------------------------------

    def _filter_domain(self, source):
        """The domain the global filters add to a data source on TODAY at
        their default values (the dashboard opens with them)."""
        domain = []
        for global_filter in self.data["globalFilters"]:
            matching = source.get("fieldMatching", {}).get(global_filter["id"])
            if not matching or not matching.get("chain"):
                continue
            self.assertEqual(global_filter["type"], "date")
            self.assertEqual(global_filter["rangeType"], "fixedPeriod")
            self.assertEqual(global_filter["defaultValue"], "this_month")
            self.assertFalse(matching.get("offset"))
            today = datetime.date.fromisoformat(TODAY)
            last = calendar.monthrange(today.year, today.month)[1]
            domain += [
                (matching["chain"], ">=", str(today.replace(day=1))),
                (matching["chain"], "<=", str(today.replace(day=last))),
            ]
        return domain

    @staticmethod
    def _measure_spec(Model, measure):
        """The read_group field spec of a pivot measure (the spreadsheet's
        PivotModel._getMeasureSpecs)."""
        name, aggregator = measure["fieldName"], measure.get("aggregator")
        if name == "__count":
            return "__count"
        if aggregator:
            return f"{name}_{aggregator}_id:{aggregator}({name})"
        if Model._fields[name].type == "many2one":
            return f"{name}:count_distinct"
        return name

    @staticmethod
    def _measure_key(measure):
        name, aggregator = measure["fieldName"], measure.get("aggregator")
        if name == "__count" or not aggregator:
            return name
        return f"{name}_{aggregator}_id"

    def _pivot_groups(self, pivot, groupby, user=None):
        """read_group as the spreadsheet calls it (lazy=False), as ``user``."""
        Model = self.env[pivot["model"]].with_user(user or self.dashboard_salesman)
        with freeze_time(TODAY):
            return Model.read_group(
                pivot["domain"] + self._filter_domain(pivot),
                [self._measure_spec(Model, m) for m in pivot["measures"]],
                groupby,
                lazy=False,
            )

    def _pivot_table(self, pivot):
        """``{(row values...): {measure: value}}`` of the full row groupby."""
        rows = [row["fieldName"] for row in pivot["rows"]]
        return {
            tuple(group[name] for name in rows): {
                self._measure_key(m): group[self._measure_key(m)]
                for m in pivot["measures"]
            }
            for group in self._pivot_groups(pivot, rows)
        }

    def _list_records(self, spreadsheet_list, limit=20, user=None):
        Model = self.env[spreadsheet_list["model"]].with_user(
            user or self.dashboard_salesman
        )
        order = ", ".join(
            f"{o['name']} {'ASC' if o['asc'] else 'DESC'}"
            for o in spreadsheet_list["orderBy"]
        )
        with freeze_time(TODAY):
            return Model.web_search_read(
                spreadsheet_list["domain"] + self._filter_domain(spreadsheet_list),
                {name: {} for name in spreadsheet_list["columns"]},
                order=order,
                limit=limit,
            )["records"]

    def _pivot(self, name):
        pivots = [p for p in self.data["pivots"].values() if p["name"] == name]
        self.assertEqual(len(pivots), 1, name)
        return pivots[0]

    def _list(self, name):
        lists = [li for li in self.data["lists"].values() if li["name"] == name]
        self.assertEqual(len(lists), 1, name)
        return lists[0]

    def _describe(self, Model, name, attribute):
        """What fields_get says of a field (what the spreadsheet reads)."""
        self.assertIn(name, Model._fields, f"{Model._name}: {name}")
        return Model.fields_get([name], [attribute])[name].get(attribute)

    def _assert_path(self, model, path):
        """A dotted field path resolves field by field on ``model``."""
        Model = self.env[model]
        for name in path.split("."):
            self.assertIn(name, Model._fields, f"{model}: {path}")
            field = Model._fields[name]
            Model = self.env[field.comodel_name] if field.comodel_name else Model

    # ------------------------------------------------------------------
    # The JSON
    # ------------------------------------------------------------------

    def _check_pivot(self, pivot):
        self.assertEqual(pivot["type"], "ODOO")
        self.assertIn(pivot["model"], self.env)
        Model = self.env[pivot["model"]]
        for path in domain_fields(pivot["domain"]):
            self._assert_path(pivot["model"], path)
        for dimension in pivot["rows"] + pivot["columns"]:
            name = dimension["fieldName"].split(":")[0]
            self.assertTrue(self._describe(Model, name, "groupable"), name)
        for measure in pivot["measures"]:
            name = measure["fieldName"]
            if name != "__count":
                self.assertTrue(
                    self._describe(Model, name, "aggregator")
                    or Model._fields[name].type == "many2one",
                    name,
                )
        if "sortedColumn" in pivot:
            self.assertIn(
                pivot["sortedColumn"]["measure"],
                [measure["id"] for measure in pivot["measures"]],
            )

    def _check_list(self, spreadsheet_list):
        model = spreadsheet_list["model"]
        self.assertIn(model, self.env)
        for path in domain_fields(spreadsheet_list["domain"]):
            self._assert_path(model, path)
        for name in spreadsheet_list["columns"]:
            self._assert_path(model, name)
        for order in spreadsheet_list["orderBy"]:
            self.assertTrue(self._describe(self.env[model], order["name"], "sortable"))

    def _check_chart(self, chart):
        model = chart["metaData"]["resModel"]
        for path in domain_fields(chart["searchParams"]["domain"]):
            self._assert_path(model, path)
        for name in chart["metaData"]["groupBy"]:
            self._assert_path(model, name.split(":")[0])
        if chart["metaData"]["measure"] != "__count":
            self._assert_path(model, chart["metaData"]["measure"])

    def _check_field_matching(self, model, source):
        filter_ids = {f["id"] for f in self.data["globalFilters"]}
        for filter_id, matching in source.get("fieldMatching", {}).items():
            self.assertIn(filter_id, filter_ids)
            if matching.get("chain"):
                self._assert_path(model, matching["chain"])

    def _check_formula(self, content):
        pivot_ids = {p["formulaId"] for p in self.data["pivots"].values()}
        if content.startswith("=PIVOT("):
            self.assertIn(PIVOT_FORMULA.match(content)[1], pivot_ids)
        for list_id, field_name in LIST_FORMULA.findall(content):
            self._assert_path(self.data["lists"][list_id]["model"], field_name)

    def test_every_data_source_names_existing_fields(self):
        """Pivots, lists, charts and filters of the JSON name models and
        fields that exist: domains, groupbys, measures, sorts, list columns,
        order fields, filter field matchings and the cells' formulas."""
        data = self.data
        self.assertEqual(data["version"], 21)
        self.assertEqual(data["odooVersion"], 12)
        self.assertEqual(data["revisionId"], "START_REVISION")
        self.assertEqual(int(data["pivotNextId"]), len(data["pivots"]) + 1)
        self.assertEqual(int(data["listNextId"]), len(data["lists"]) + 1)
        for pivot in data["pivots"].values():
            with self.subTest(pivot=pivot["name"]):
                self._check_pivot(pivot)
                self._check_field_matching(pivot["model"], pivot)
        for spreadsheet_list in data["lists"].values():
            with self.subTest(list=spreadsheet_list["name"]):
                self._check_list(spreadsheet_list)
                self._check_field_matching(spreadsheet_list["model"], spreadsheet_list)
        for figure in self.sheet["figures"]:
            chart = figure["data"]
            if figure["tag"] == "chart" and chart["type"].startswith("odoo_"):
                with self.subTest(chart=figure["id"]):
                    self._check_chart(chart)
                    self._check_field_matching(chart["metaData"]["resModel"], chart)
        for name, cell in self.sheet["cells"].items():
            with self.subTest(cell=name):
                self._check_formula(cell.get("content", ""))

    def test_styles_in_the_sheet_map(self):
        """Format 21 styles cells through the sheet's map (cell -> style id);
        a style written on the cell itself is ignored."""
        styles = self.sheet["styles"]
        self.assertEqual(styles["A1"], 1)
        for name, cell in self.sheet["cells"].items():
            self.assertNotIn("style", cell, name)
        for style in styles.values():
            self.assertIn(str(style), self.data["styles"])

    def test_new_panes(self):
        """Movements this month (ABC, recency and funnel stage, clients and
        their revenue, date filter on this month) and due to buy again (a
        count per rhythm state, the clients in the order of the addon's own
        list)."""
        movements = self._pivot("Movements this month")
        self.assertEqual(movements["model"], "client.segment.movement")
        self.assertEqual(
            [row["fieldName"] for row in movements["rows"]],
            ["dimension", "from_value", "to_value"],
        )
        self.assertEqual(
            [(m["fieldName"], m.get("aggregator")) for m in movements["measures"]],
            [("partner_id", "count_distinct"), ("revenue_window", "sum")],
        )
        self.assertTrue(self._filter_domain(movements))
        due_action = self.env.ref("client_segmentation.res_partner_action_due")
        due_view = due_action.view_id
        self.assertIn('default_order="segment_revenue_window desc"', due_view.arch_db)
        due_list = self._list("Due to buy again")
        self.assertEqual(
            due_list["orderBy"], [{"name": "segment_revenue_window", "asc": False}]
        )
        per_state = self._pivot("Due to buy again per buying rhythm")
        self.assertEqual(due_list["domain"], per_state["domain"])
        self.assertEqual(
            [row["fieldName"] for row in per_state["rows"]], ["rhythm_state"]
        )
        # each pane has its title, a link to the matching analysis
        titles = {
            re.fullmatch(r"\[(.+)\]\(odoo://view/(.+)\)", cell["content"])
            for cell in self.sheet["cells"].values()
        } - {None}
        links = {title[1]: json.loads(title[2]) for title in titles}
        self.assertEqual(
            links["Movements this month"]["action"]["xmlId"],
            "client_segmentation.client_segment_movement_action",
        )
        self.assertEqual(
            links["Due to buy again"]["action"]["xmlId"],
            "client_segmentation.res_partner_action_due",
        )
        for link in links.values():
            action = link["action"]
            self.assertIn(action["modelName"], self.env)
            if action.get("xmlId"):
                self.assertEqual(
                    self.env.ref(action["xmlId"]).res_model, action["modelName"]
                )
            for path in domain_fields(action["domain"]):
                self._assert_path(action["modelName"], path)

    # ------------------------------------------------------------------
    # The figures
    # ------------------------------------------------------------------

    def test_movements_this_month(self):
        """June's moves of the ABC class, recency and funnel stage: clients
        and their revenue per from -> to; May's moves and the other
        dimensions stay out."""
        pivot = self._pivot("Movements this month")
        table = self._pivot_table(pivot)
        clients, revenue = "partner_id_count_distinct_id", "revenue_window_sum_id"
        # the monthly clients bought 31 days ago: no longer hot
        self.assertEqual(
            table[("recency", "hot", "warm")], {clients: 2, revenue: 3300.0}
        )
        # the new buyer: first purchase, first class, the "bought" stage
        self.assertEqual(table[("recency", False, "hot")], {clients: 1, revenue: 50.0})
        self.assertEqual(table[("abc", False, "c")], {clients: 1, revenue: 50.0})
        self.assertEqual(self.hot.funnel_stage_id, self.gold)
        stage_move = (
            "stage",
            f"stage:{self.hot_stage_before.id}",
            f"stage:{self.gold.id}",
        )
        self.assertEqual(table[stage_move], {clients: 1, revenue: 50.0})
        # the new buyer's revenue pushed the May mover up to B
        self.assertEqual(table[("abc", "c", "b")], {clients: 1, revenue: 150.0})
        self.assertEqual(len(table), 5)
        # May's moves (the May mover fell asleep, the small client became
        # platinum on May 25) are not this month
        self.assertNotIn(("recency", "warm", "sleeping"), table)
        self.assertNotIn(
            ("stage", f"stage:{self.gold.id}", f"stage:{self.platinum.id}"), table
        )
        History = self.env["client.segment.history"]
        self.assertTrue(
            History.search_count(
                [("partner_id", "=", self.may_mover.id), ("date", "<", "2026-06-01")]
            )
        )
        # the rhythm moved this month too, but is not in this pane
        self.assertTrue(
            History.search_count(
                [("dimension", "=", "rhythm"), ("date", ">=", "2026-06-01")]
            )
        )
        # a salesperson of another company sees none of it
        other = new_test_user(
            self.env,
            login="cs_dash_other_salesman",
            groups="sales_team.group_sale_salesman",
            company_id=self.setup_other_company(name="Dash Co 2")["company"].id,
        )
        self.assertFalse(self._pivot_groups(pivot, ["dimension"], user=other))

    def test_work_plans_running(self):
        """The May mover fell asleep on May 25: the win-back plan runs."""
        table = self._pivot_table(self._pivot("Work plans running"))
        self.assertEqual(
            {trigger[0]: value for (trigger,), value in table.items()},
            {self.win_back.id: {"__count": 1}},
        )

    def test_due_to_buy_again(self):
        """The clients due soon and overdue, most valuable first (the order
        of the addon's own list), and their count per rhythm state."""
        records = self._list_records(self._list("Due to buy again"))
        self.assertEqual(
            [(r["id"], r["rhythm_state"]) for r in records],
            [(self.big.id, "overdue"), (self.small.id, "due_soon")],
        )
        self.assertEqual(records[0]["segment_revenue_window"], 3000.0)
        self.assertEqual(records[0]["abc_class"], "a")
        self.assertEqual(records[1]["next_purchase_date"], day(2026, 6, 20))
        table = self._pivot_table(self._pivot("Due to buy again per buying rhythm"))
        self.assertEqual(
            table,
            {
                ("due_soon",): {"__count": 1, "segment_revenue_window": 300.0},
                ("overdue",): {"__count": 1, "segment_revenue_window": 3000.0},
            },
        )

    def test_every_pivot_returns_data(self):
        """Each pivot gives groups on the prepared base, with every prefix of
        its row and column groupbys (the requests of the spreadsheet)."""
        for pivot in self.data["pivots"].values():
            with self.subTest(pivot=pivot["name"]):
                rows = [row["fieldName"] for row in pivot["rows"]]
                columns = [col["fieldName"] for col in pivot["columns"]]
                for size in range(len(rows) + 1):
                    self.assertTrue(
                        self._pivot_groups(pivot, rows[:size] + columns), size
                    )

    def _pivot_spill(self, pivot, args):
        """``(width, height)`` of ``=PIVOT(id, args...)`` on the prepared
        base: header rows, one row per group and subtotal, the total row; a
        column per measure and column group (o-spreadsheet's
        SpreadsheetPivotTable.getPivotCells)."""
        row_count = int(args[0]) if args and args[0] else 10000
        total = len(args) < 2 or args[1] != "FALSE"
        titles = len(args) < 3 or args[2] != "FALSE"
        rows = [row["fieldName"] for row in pivot["rows"]]
        columns = [col["fieldName"] for col in pivot["columns"]]
        measures = len(pivot["measures"])
        data_rows = 1 + sum(
            len(self._pivot_groups(pivot, rows[:size]))
            for size in range(1, len(rows) + 1)
        )
        if not total and data_rows != 1:
            data_rows -= 1
        data_cols = measures
        if columns:
            groups = len(self._pivot_groups(pivot, columns))
            data_cols = (groups + (1 if total else 0)) * measures
        header_rows = (max(len(columns), 1) + 1) if titles else 0
        return 1 + data_cols, header_rows + min(row_count, data_rows)

    def test_pivots_fit_the_sheet(self):
        """Each =PIVOT() spills into free cells inside the sheet (a pivot
        that does not fit shows an error instead of its table)."""
        sheet = self.sheet
        pivots = {p["formulaId"]: p for p in self.data["pivots"].values()}
        taken = {
            cell_position(name): name
            for name, cell in sheet["cells"].items()
            if cell.get("content")
        }
        for name, cell in sheet["cells"].items():
            match = PIVOT_FORMULA.match(cell.get("content", ""))
            if not match:
                continue
            pivot = pivots[match[1]]
            width, height = self._pivot_spill(pivot, match[2].split(",")[1:])
            col, row = cell_position(name)
            with self.subTest(cell=name, pivot=pivot["name"]):
                self.assertLessEqual(col + width, sheet["colNumber"])
                self.assertLessEqual(row + height, sheet["rowNumber"])
                spill = {
                    (c, r)
                    for c in range(col, col + width)
                    for r in range(row, row + height)
                }
                spill.discard((col, row))
                self.assertFalse(
                    {taken[p] for p in spill if p in taken}, f"{name} spills over"
                )
                taken.update(dict.fromkeys(spill, name))

    # ------------------------------------------------------------------
    # Access
    # ------------------------------------------------------------------

    def test_dashboard_opens_for_salespeople(self):
        dashboard = self.dashboard.with_user(self.dashboard_salesman)
        self.assertIn("snapshot", dashboard.get_readonly_dashboard())
        # every model of the dashboard is readable by a salesperson
        for pivot in self.data["pivots"].values():
            with self.subTest(pivot=pivot["name"]):
                self._pivot_groups(pivot, [])
        for spreadsheet_list in self.data["lists"].values():
            with self.subTest(list=spreadsheet_list["name"]):
                self._list_records(spreadsheet_list)

    def test_dashboard_hidden_without_sales_rights(self):
        employee = new_test_user(
            self.env,
            login="cs_dash_employee",
            groups="base.group_user",
            company_id=self.company.id,
        )
        Dashboard = self.env["spreadsheet.dashboard"].with_user(employee)
        self.assertFalse(Dashboard.search([("id", "=", self.dashboard.id)]))
        with self.assertRaises(AccessError):
            self._pivot_groups(self._pivot("Movements this month"), [], user=employee)
