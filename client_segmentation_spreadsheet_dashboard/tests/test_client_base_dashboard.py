import json

from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install", "client_segmentation_glue")
class TestClientBaseDashboard(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dashboard = cls.env.ref(
            "client_segmentation_spreadsheet_dashboard.spreadsheet_dashboard_client_base"
        )
        cls.salesman = new_test_user(
            cls.env, login="cs_dash_salesman", groups="sales_team.group_sale_salesman"
        )

    def test_dashboard_pivots_read_as_a_salesperson(self):
        """Every pivot of the dashboard groups and aggregates fields that
        exist, and a salesperson can read them (what the dashboard does when
        it opens)."""
        data = json.loads(self.dashboard.spreadsheet_data)
        self.assertEqual(len(data["pivots"]), 4)
        formulas = {
            cell["content"]
            for cell in data["sheets"][0]["cells"].values()
            if cell["content"].startswith("=PIVOT(")
        }
        self.assertEqual(len(formulas), 4)
        for pivot in data["pivots"].values():
            Model = self.env[pivot["model"]].with_user(self.salesman)
            groupby = [row["fieldName"] for row in pivot["rows"] + pivot["columns"]]
            aggregates = [
                "__count" if m["fieldName"] == "__count" else f"{m['fieldName']}:sum"
                for m in pivot["measures"]
            ]
            with self.subTest(pivot=pivot["name"]):
                for name in groupby + [m["fieldName"] for m in pivot["measures"]]:
                    if name != "__count":
                        self.assertIn(name, Model._fields)
                Model._read_group(pivot["domain"], groupby, aggregates)

    def test_dashboard_opens_for_salespeople(self):
        dashboard = self.dashboard.with_user(self.salesman)
        self.assertIn("snapshot", dashboard.get_readonly_dashboard())
