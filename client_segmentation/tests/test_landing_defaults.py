from odoo.tests import new_test_user, tagged
from odoo.tools.safe_eval import safe_eval

from .common import FunnelCase

CLIENT_ACTIONS = (
    "client_segmentation.res_partner_action_board_funnel",
    "client_segmentation.res_partner_action_board_value",
    "client_segmentation.res_partner_action_board_recency",
    "client_segmentation.res_partner_action_board_typology",
    "client_segmentation.res_partner_action_board_temperature",
    "client_segmentation.res_partner_action",
    "client_segmentation.res_partner_action_a_but_sleeping",
    "client_segmentation.res_partner_action_due",
)


@tagged("post_install", "-at_install")
class TestLandingDefaults(FunnelCase):
    """A salesperson's boards and call lists open on their own clients, a
    manager's on everyone's; call lists open most valuable first."""

    def _context(self, xmlid, user):
        action = self.env.ref(xmlid).with_user(user).sudo()
        result = action._get_action_dict()
        return safe_eval(result["context"], {"uid": user.id})

    def test_salesperson_lands_on_own_clients(self):
        for xmlid in CLIENT_ACTIONS:
            with self.subTest(action=xmlid):
                mine = self._context(xmlid, self.salesman)
                self.assertEqual(mine.get("search_default_segment_my_clients"), 1)
                everyone = self._context(xmlid, self.sales_manager)
                self.assertNotIn("search_default_segment_my_clients", everyone)
        runs = "client_segmentation.client_work_plan_run_action"
        self.assertEqual(self._context(runs, self.salesman)["search_default_mine"], 1)
        self.assertNotIn("search_default_mine", self._context(runs, self.sales_manager))
        # an employee without Sales rights keeps the plain action
        employee = new_test_user(self.env, login="cs_landing_employee")
        self.assertNotIn(
            "search_default_segment_my_clients",
            self._context("client_segmentation.res_partner_action", employee),
        )

    def test_my_clients_and_clients_filters_combine(self):
        """ "Clients" and "My Clients" are in separate filter groups: together
        they mean the salesperson's clients, not every client."""
        view = self.env.ref("client_segmentation.res_partner_view_search")
        arch = self.env["res.partner"].get_views([(view.id, "search")])["views"][
            "search"
        ]["arch"]
        clients = arch.index('name="segment_clients"')
        mine = arch.index('name="segment_my_clients"')
        self.assertIn("<separator", arch[clients:mine])
        runs = self.env["client.work.plan.run"].get_views([(False, "search")])
        arch = runs["views"]["search"]["arch"]
        self.assertIn(
            "<separator", arch[arch.index('name="mine"') : arch.index('name="running"')]
        )

    def test_call_lists_open_most_valuable_first(self):
        call_list = self.env.ref("client_segmentation.res_partner_view_list_call")
        self.assertIn('default_order="segment_revenue_window desc"', call_list.arch_db)
