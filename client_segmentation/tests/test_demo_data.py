from odoo import fields
from odoo.tests import tagged

from .demo_common import DemoCase


@tagged("post_install", "-at_install")
class TestDemoData(DemoCase):
    """The demo shows the product: two years of history, work plans on,
    reachable clients, every board column filled."""

    def test_two_years_of_life(self):
        expected = {
            "history rows",
            "history rows this month",
            "history rows last month",
            "movements this month",
            "movements last month",
            "work plan entries running",
            "work plan entries cancelled",
            "work plan steps planned",
            "work plan steps overdue",
            "activities done",
            "clients",
            "clients with a phone or e-mail",
            "clients with a key date",
        }
        self.assertLessEqual(expected, set(self.counts))
        self.assertFalse(
            [label for label in expected if not self.counts[label]], self.counts
        )
        # the history starts two years back, from the engine's own runs
        history = self.env["client.segment.history"].search(
            [("company_id", "=", self.company.id)], order="date"
        )
        self.assertEqual(set(history.mapped("source")), {"engine"})
        self.assertGreater((history[-1].date - history[0].date).days, 600)
        start = self.company.segment_history_start
        self.assertGreater((fields.Date.today() - start).days, 700)
        self.assertLess(start, history[0].date)

    def test_most_clients_can_be_reached(self):
        clients = self.clients
        reachable = clients.filtered(lambda client: client.phone and client.email)
        self.assertGreater(len(reachable), 0.8 * len(clients))
        self.assertTrue(all(reachable.mapped("preferred_channel_id")))
        self.assertGreater(self.counts["clients with a key date"], 0.8 * len(clients))

    def test_every_board_column_is_filled(self):
        Demo = self.Demo.with_user(self.sales_manager)
        for board, columns in Demo._board_summary():
            for title, count in columns:
                self.assertGreater(count, 0, f"{board}: {title}")

    def test_sleeping_big_clients_have_their_plan(self):
        """The A-but-sleeping clients: a card with a phone or e-mail, and
        the win-back plan running, its steps planned or done."""
        sleeping = self.clients.with_company(self.company).filtered(
            lambda client: (
                client.abc_class == "a" and client.recency_segment == "sleeping"
            )
        )
        self.assertTrue(sleeping)
        Run = self.env["client.work.plan.run"]
        for client in sleeping:
            self.assertTrue(client.phone or client.email, client.name)
            run = Run.search(
                [
                    ("partner_id", "=", client.id),
                    ("state", "=", "running"),
                    ("trigger_id.recency_segment", "=", "sleeping"),
                ]
            )
            self.assertTrue(run, client.name)
            steps = client.activity_ids.filtered("work_plan_run_id")
            done = client.message_ids.filtered("mail_activity_type_id")
            self.assertTrue(steps or done, client.name)
        # today's steps of the clients who entered today are all planned
        self.assertTrue(sleeping.activity_ids.filtered("work_plan_run_id"))
