from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .common import FunnelCase


@tagged("post_install", "-at_install", "client_segmentation_tour")
class TestFunnelTour(FunnelCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.prospect = cls._client("Tour Prospect", user_id=cls.salesman.id)
        cls.Partner.create(
            {
                "name": "Tour Decider",
                "parent_id": cls.prospect.id,
                "is_decision_maker": True,
            }
        )
        cls.unknown = cls._client("Tour Unknown Boss", user_id=cls.salesman.id)
        cls.buyer = cls._client(
            "Tour Buyer", user_id=cls.salesman.id, client_type_id=cls.type_loyal.id
        )
        cls._invoices([(cls.buyer, cls._days_ago(3), 1000)])
        cls.env["client.segment.engine"].recompute(cls.company)

    def test_boards_tour(self):
        self.assertEqual(self.buyer.funnel_stage_id, self.gold)
        self.assertEqual(self.prospect.funnel_stage_id, self.white)
        self.assertEqual(self.unknown.funnel_stage_id, self.grey)
        # the tour reads the Gold column's revenue in this currency
        self.assertEqual(self.company.currency_id.symbol, "$")
        # The refused drop on an automatic stage is an expected UserError,
        # which odoo.http logs as a warning.
        with mute_logger("odoo.http"):
            self.start_tour(
                "/odoo/action-client_segmentation.res_partner_action_board_funnel",
                "client_segmentation_tour",
                login=self.salesman.login,
            )
        self.assertEqual(self.prospect.funnel_stage_id, self.yellow)
        self.assertEqual(self.prospect.temperature, "warm")
