from freezegun import freeze_time

from odoo.tests import tagged

from .temperature_common import TemperatureCase


@tagged("post_install", "-at_install")
@freeze_time("2026-06-30")
class TestTemperature(TemperatureCase):
    def test_temperature_is_interest_not_recency(self):
        self._recompute()
        self.assertEqual(self.top.abc_class, "a")
        self.assertEqual(self.top.recency_segment, "sleeping")
        self.assertEqual(self.top.rhythm_state, "overdue")
        expected = {
            # sleeping, no signal: no interest shown now
            self.top: "cold",
            # bought once, last week: warm, not hot for a recent purchase
            self.one_off: "warm",
            # orders regularly: hot, although its recency is only warm
            self.rhythm: "hot",
            self.prospect: "cold",
        }
        for partner, temperature in expected.items():
            with self.subTest(partner=partner.name):
                self.assertEqual(partner.temperature, temperature)
                self.assertEqual(self._pure(partner), temperature)
        self.assertEqual(self.one_off.recency_segment, "hot")
        self.assertEqual(self.rhythm.recency_segment, "warm")

    def test_sleeping_a_client_with_done_activity_is_not_cold(self):
        self._done_activity(self.top, "2026-06-20")
        self._recompute()
        self.assertEqual(self.top.recency_segment, "sleeping")
        self.assertEqual(self.top.temperature, "warm")
        self.assertEqual(self._pure(self.top), "warm")

    def test_logged_conversation_on_a_contact_warms_its_company(self):
        contact = self.Partner.create({"name": "Buyer", "parent_id": self.top.id})
        contact.message_post(
            body="Asked about the autumn prices", message_type="comment"
        )
        self._recompute()
        self.assertEqual(self.top.temperature, "warm")

    def test_interest_window_boundary(self):
        """An activity done exactly ``segment_interest_days`` days ago counts,
        one day earlier does not; a tracking note is no conversation."""
        on_boundary = self._client("On the boundary")
        too_old = self._client("A day too old")
        self._done_activity(on_boundary, "2026-04-01 08:00:00")
        self._done_activity(too_old, "2026-03-31 20:00:00")
        self.prospect._message_log(body="Funnel stage changed")
        self._recompute()
        self.assertEqual(on_boundary.temperature, "warm")
        self.assertEqual(too_old.temperature, "cold")
        self.assertEqual(self.prospect.temperature, "cold")
        self.segment_profile.segment_interest_days = 91
        self._recompute()  # a setting of the funnel: a full run
        self.assertEqual(too_old.temperature, "warm")

    def test_override_wins_over_signals(self):
        self._done_activity(self.top, "2026-06-20")
        self.rhythm.temperature_override = "cold"
        self.top.temperature_override = "hot"
        self._recompute()
        self.assertEqual(self.rhythm.temperature, "cold")
        self.assertEqual(self.top.temperature, "hot")

    def test_manual_stage_of_a_prospect_and_signal(self):
        """A prospect in a warm manual stage is warm; its stage does not cool
        a hotter signal; a refusal stays cold whatever the signals."""
        self.prospect.funnel_stage_id = self.green
        refused = self._client("Refused")
        refused.write(
            {
                "funnel_stage_id": self.red_green.id,
                "refusal_reason_id": self.reason_price.id,
            }
        )
        self._done_activity(refused, "2026-06-25")
        self._recompute()
        self.assertEqual(self.prospect.temperature, "warm")
        self.assertEqual(refused.temperature, "cold")

    def test_signal_changes_reach_the_next_incremental_run(self):
        """Nothing of the client itself changes: the activity done after the
        last run makes the next (incremental) run re-examine it; the days
        passing take its interest away again."""
        self._recompute()
        self.assertEqual(self.top.temperature, "cold")
        self._done_activity(self.top, "2026-06-30 10:00:00")
        result = self._recompute()
        self.assertTrue(result["companies"][0]["incremental"])
        self.assertEqual(self.top.temperature, "warm")
        with freeze_time("2026-09-29"):  # 91 days later
            result = self._recompute()
            self.assertTrue(result["companies"][0]["incremental"])
            self.top.invalidate_recordset(["temperature"])
            self.assertEqual(self.top.temperature, "cold")

    def test_signals_gathered_in_one_query_per_batch(self):
        """The signals join the engine's write: a rerun takes as many
        queries with 1 or 50 clients showing interest."""
        others = self.Partner.create(
            [{"name": f"Talked to {n}", "is_company": True} for n in range(50)]
        )
        self._recompute()
        self._recompute()
        self._done_activity(self.top, "2026-06-30 09:00:00")
        one = self._count_queries(self._recompute)
        self.assertEqual(self.top.temperature, "warm")
        for partner in others:
            partner.message_post(body="Hello", message_type="comment")
        fifty = self._count_queries(self._recompute)
        self.assertEqual(set(others.mapped("temperature")), {"warm"})
        # no query per client (the first rerun carries a little more of the
        # history's bookkeeping: not more than the first one)
        self.assertLessEqual(fifty, one)

    def _count_queries(self, function):
        self.env.flush_all()
        before = self.env.cr.sql_log_count
        function()
        return self.env.cr.sql_log_count - before
