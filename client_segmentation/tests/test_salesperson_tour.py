from odoo.tests import HttpCase, tagged

from .work_plan_common import WorkPlanCase


@tagged("post_install", "-at_install", "client_segmentation_tour")
class TestSalespersonTour(WorkPlanCase, HttpCase):
    """A salesperson's morning: their own board, their valuable clients who
    fell asleep most valuable first, the win-back plan's call on the card,
    marked done."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the company's first run is behind it: the purchases below make the
        # clients enter the sleeping segment (and the plan) at the next one
        cls.env["client.segment.engine"].recompute(companies=cls.company)
        cls.big = cls._client("Tour Own Big", user_id=cls.salesman.id, phone="+1 1")
        cls.second = cls._client("Tour Own Second", user_id=cls.salesman.id)
        cls.other = cls._client("Tour Other Sleeper", user_id=cls.leader.id)
        cls.tiny = cls._client("Tour Tiny Buyer", user_id=cls.leader.id)
        cls._invoices(
            [
                (cls.other, cls._days_ago(200), 9000),
                (cls.big, cls._days_ago(200), 8000),
                (cls.second, cls._days_ago(190), 7000),
                (cls.tiny, cls._days_ago(5), 100),
            ]
        )
        cls.env["client.segment.engine"].recompute(companies=cls.company)

    def test_salesperson_wins_back_a_sleeping_client(self):
        for client in (self.big, self.second, self.other):
            self.assertEqual(
                (client.abc_class, client.recency_segment), ("a", "sleeping")
            )
        call = self._plan_activities(self.big)[:1]
        self.assertEqual(call.summary, "Test win-back step 1")
        self.assertEqual(call.user_id, self.salesman)
        self.start_tour(
            "/odoo",
            "client_segmentation_salesperson_tour",
            login=self.salesman.login,
        )
        self.assertFalse(call.exists())
        done = self.big.message_ids.filtered(
            lambda message: message.mail_activity_type_id == self.call_type
        )
        self.assertEqual(done.author_id, self.salesman.partner_id)
        self.assertIn("Reached, ordering again", str(done.body))
        # the plan's next step stays planned
        self.assertEqual(
            self._plan_activities(self.big).mapped("summary"), ["Test win-back step 2"]
        )
