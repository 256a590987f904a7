import base64
import json

from odoo.tests import new_test_user, tagged

from odoo.addons.client_segmentation.tests.common import SegmentationCase


@tagged("post_install", "-at_install", "client_segmentation_glue")
class TestClvDashboard(SegmentationCase):
    """The "Predicted value" dashboard: its data sources name fields that
    exist and return the bands for a salesperson."""

    def test_dashboard_sources(self):
        dashboard = self.env.ref(
            "client_segmentation_clv_spreadsheet_dashboard.spreadsheet_dashboard_client_clv"
        )
        data = json.loads(base64.b64decode(dashboard.spreadsheet_binary_data))
        salesman = new_test_user(
            self.env,
            login="clv_dashboard_salesman",
            groups="sales_team.group_sale_salesman",
        )
        client = self._client("Dashboard Client")
        self.env["client.clv.score"].sudo().create(
            {
                "company_id": self.company.id,
                "partner_id": client.id,
                "prob_alive": 20.0,
                "alive_band": "lost",
                "value_at_risk": 150.0,
                "expected_revenue": 40.0,
                "value_decile": 1,
            }
        )
        Score = self.env["client.clv.score"].with_user(salesman)
        for pivot in data["pivots"].values():
            self.assertEqual(pivot["model"], "client.clv.score")
            groupby = [row["fieldName"] for row in pivot["rows"]]
            measures = [
                f"{m['fieldName']}:sum"
                for m in pivot["measures"]
                if m["id"] != "__count"
            ]
            groups = Score.with_company(self.company)._read_group(
                pivot["domain"], groupby, ["__count", *measures]
            )
            self.assertIn(1, [group[1] for group in groups], pivot["name"])
        (listing,) = data["lists"].values()
        rows = Score.search_read(
            listing["domain"], listing["columns"], order="value_at_risk desc"
        )
        self.assertEqual(rows[0]["partner_id"][0], client.id)
        self.assertEqual(
            dict(Score._fields["alive_band"]._description_selection(self.env))["lost"],
            "Probably lost",
        )
