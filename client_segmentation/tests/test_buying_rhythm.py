import datetime

from freezegun import freeze_time

from odoo.tests import tagged

from .common import AssertValidationMixin, SegmentationCase

day = datetime.date


@tagged("post_install", "-at_install")
class TestBuyingRhythm(AssertValidationMixin, SegmentationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.segment_profile.write(
            {"segment_rhythm_lead_days": 7, "segment_rhythm_tolerance_days": 7}
        )

    def _run(self):
        return self.env["client.segment.engine"].recompute(self.company)

    def _rhythm(self, partner):
        return (
            partner.buying_interval_days,
            partner.next_purchase_date,
            partner.rhythm_state,
        )

    @freeze_time("2026-06-30")
    def test_three_purchase_days_make_a_rhythm(self):
        two, three, same_day, refunded = (
            self._client(name) for name in ("Two", "Three", "Same Day", "Refunded")
        )
        self._invoices(
            [
                (two, day(2026, 5, 1), 100),
                (two, day(2026, 6, 1), 100),
                (three, day(2026, 4, 1), 100),
                (three, day(2026, 5, 1), 100),
                (three, day(2026, 6, 1), 100),
                # three invoices, two purchase days
                (same_day, day(2026, 5, 1), 100),
                (same_day, day(2026, 6, 1), 100),
                (same_day, day(2026, 6, 1), 50),
                # a credit note is no purchase day
                (refunded, day(2026, 5, 1), 100),
                (refunded, day(2026, 6, 1), 100),
                (refunded, day(2026, 6, 15), 30, "out_refund"),
            ]
        )
        self._run()
        self.assertEqual(self._rhythm(two), (0, False, False))
        self.assertEqual(self._rhythm(same_day), (0, False, False))
        self.assertEqual(self._rhythm(refunded), (0, False, False))
        # gaps 30 and 31: median 30.5, rounded half up
        self.assertEqual(self._rhythm(three), (31, day(2026, 7, 2), "due_soon"))
        Partner = self.env["res.partner"]
        self.assertEqual(Partner.search([("rhythm_state", "=", "due_soon")]), three)
        groups = Partner._read_group(
            [("id", "in", (two | three).ids)], ["rhythm_state"], ["__count"]
        )
        self.assertEqual(dict(groups), {False: 1, "due_soon": 1})
        # one more purchase day gives the refunded client a rhythm too
        self._invoices([(refunded, day(2026, 6, 29), 100)])
        self._run()
        # gaps 31 and 28: median 29.5 -> 30
        self.assertEqual(self._rhythm(refunded), (30, day(2026, 7, 29), "not_due"))

    def test_due_and_overdue_edges_move_with_time(self):
        client = self._client("Monthly")
        # gaps of 30 days: expected 2026-05-01 + 30 = 2026-05-31
        with freeze_time("2026-05-01"):
            self._invoices(
                [
                    (client, day(2026, 3, 2), 100),
                    (client, day(2026, 4, 1), 100),
                    (client, day(2026, 5, 1), 100),
                ]
            )
        History = self.env["client.segment.history"]
        expected = day(2026, 5, 31)
        for today, state in (
            ("2026-05-23", "not_due"),  # 8 days before
            ("2026-05-24", "due_soon"),  # lead 7 days
            ("2026-06-07", "due_soon"),  # tolerance 7 days, last day
            ("2026-06-08", "overdue"),
        ):
            with self.subTest(today=today), freeze_time(today):
                self._run()
                self.assertEqual(self._rhythm(client), (30, expected, state))
        rows = History.search(
            [("partner_id", "=", client.id), ("dimension", "=", "rhythm")],
            order="date, id",
        )
        self.assertEqual(
            [(row.old_value or None, row.new_value) for row in rows],
            [("not_due", "due_soon"), ("due_soon", "overdue")],
        )

    def test_due_list_sorted_by_value(self):
        small, large = self._client("Small Due"), self._client("Large Due")
        with freeze_time("2026-06-30"):
            self._invoices(
                [
                    (partner, day(2026, month, 1), amount)
                    for partner, amount in ((small, 10), (large, 1000))
                    for month in (3, 4, 5)
                ]
            )
            self._run()
            action = self.env.ref("client_segmentation.res_partner_action_due")
            due = self.env["res.partner"].search(
                [("rhythm_state", "in", ("due_soon", "overdue"))],
                order="segment_revenue_window desc",
            )
        self.assertEqual(due, large | small)
        self.assertEqual(due[0], large)
        self.assertIn("rhythm_due", action.context)

    def test_settings_refuse_negative_days(self):
        with self._assert_validation("Due Soon From.*0 to 3650"):
            self.segment_profile.segment_rhythm_lead_days = -1
        with self._assert_validation("Overdue After.*0 to 3650"):
            self.segment_profile.segment_rhythm_tolerance_days = -2
