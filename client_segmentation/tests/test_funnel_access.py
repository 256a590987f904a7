from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import FunnelCase


@tagged("post_install", "-at_install")
class TestFunnelAccess(FunnelCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.client = cls._client("Access Client", user_id=cls.salesman.id)

    def test_salesman_moves_clients(self):
        client = self.client.with_user(self.salesman)
        client.write(
            {"funnel_stage_id": self.green.id, "client_type_id": self.type_loyal.id}
        )
        client.write({"temperature_override": "hot", "funnel_stage_locked": True})
        self.assertEqual(self.client.funnel_stage_id, self.green)
        self.assertEqual(self.client.client_type_id, self.type_loyal)
        self.assertEqual(self.client.temperature, "hot")
        groups = self.Partner.with_user(self.salesman).web_read_group(
            [("id", "=", self.client.id)], ["funnel_stage_id"], ["funnel_stage_id"]
        )["groups"]
        self.assertEqual(len(groups), len(self.Stage.search([])))

    def test_salesman_cannot_configure(self):
        for model, values in (
            ("client.funnel.stage", {"name": "Blue"}),
            ("client.type", {"name": "Collector"}),
            ("client.refusal.reason", {"name": "Weather"}),
        ):
            Model = self.env[model].with_user(self.salesman)
            with self.subTest(model=model):
                self.assertTrue(Model.search([]))
                with self.assertRaises(AccessError):
                    Model.create(values)
                with self.assertRaises(AccessError):
                    Model.search([], limit=1).write({"name": "Renamed"})
                with self.assertRaises(AccessError):
                    Model.search([], limit=1).unlink()

    def test_manager_configures(self):
        stage = (
            self.env["client.funnel.stage"]
            .with_user(self.sales_manager)
            .create({"name": "Blue", "color": "#0000FF", "temperature": "warm"})
        )
        self.assertFalse(stage.is_automatic)
        self.env["client.type"].with_user(self.sales_manager).create(
            {"name": "Collector"}
        )
        reason = (
            self.env["client.refusal.reason"]
            .with_user(self.sales_manager)
            .create({"name": "Weather"})
        )
        reason.with_user(self.sales_manager).name = "Bad weather"
        self.assertEqual(reason.name, "Bad weather")

    def test_salesman_cannot_recompute(self):
        with self.assertRaises(AccessError):
            self.Partner.with_user(self.salesman).action_recompute_segments()
