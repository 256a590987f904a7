from odoo.tests import HttpCase, tagged

from .work_plan_common import WorkPlanCase


@tagged("post_install", "-at_install", "client_segmentation_tour")
class TestWorkPlanTour(WorkPlanCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.trigger.unlink()
        cls.tour_plan = cls._plan(
            "Tour plan", [(cls.call_type, 0), (cls.offer_type, 10)]
        )
        cls.waker = cls._client("Tour Waker", user_id=cls.sales_manager.id)
        # The company's first run is behind it; the purchase it has not seen
        # yet makes the client warm at the next recompute.
        cls.env["client.segment.engine"].recompute(companies=cls.company)
        cls._invoices([(cls.waker, cls._days_ago(40), 500)])

    def test_configure_a_plan_and_see_its_first_activity(self):
        self.start_tour(
            "/odoo/action-client_segmentation.client_work_plan_trigger_action",
            "client_segmentation_work_plan_tour",
            login=self.sales_manager.login,
        )
        trigger = self.Trigger.search([("plan_id", "=", self.tour_plan.id)])
        self.assertEqual(trigger.recency_segment, "warm")
        self.assertEqual(self.waker.recency_segment, "warm")
        self.assertEqual(
            self._plan_activities(self.waker).mapped("summary"),
            ["Tour plan step 1", "Tour plan step 2"],
        )
