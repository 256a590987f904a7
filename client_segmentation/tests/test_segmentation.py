from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import SegmentationCase


@tagged("post_install", "-at_install")
@freeze_time("2026-06-30")
class TestSegmentation(SegmentationCase):
    def test_recency_boundaries(self):
        hot30, warm31, warm120, sleeping121, never = (
            self._client(name)
            for name in ("Hot 30", "Warm 31", "Warm 120", "Sleeping 121", "Never")
        )
        self._invoices(
            [
                (hot30, self._days_ago(30), 100),
                (warm31, self._days_ago(31), 100),
                (warm120, self._days_ago(120), 100),
                (sleeping121, self._days_ago(121), 100),
                # an older purchase never hides a newer one
                (hot30, self._days_ago(200), 100),
            ]
        )
        self._recompute()
        self.assertEqual(hot30.recency_segment, "hot")
        self.assertEqual(warm31.recency_segment, "warm")
        self.assertEqual(warm120.recency_segment, "warm")
        self.assertEqual(sleeping121.recency_segment, "sleeping")
        self.assertEqual(never.recency_segment, "none")
        self.assertEqual(hot30.segment_last_purchase_date, self._days_ago(30))
        self.assertEqual(hot30.segment_first_purchase_date, self._days_ago(200))
        self.assertIn(never, self.Partner.search([("recency_segment", "=", "none")]))
        self.assertEqual(
            self.Partner.search([("recency_segment", "=", "warm")]), warm31 | warm120
        )

    def test_abc_share_exactly_on_limits(self):
        big, middle, small = (self._client(n) for n in ("75", "20", "5"))
        self._invoices(
            [
                (big, self._days_ago(1), 750),
                (middle, self._days_ago(1), 200),
                (small, self._days_ago(1), 50),
            ]
        )
        self._recompute()
        # shares before: 0 -> A, exactly 75 -> B, exactly 95 -> C
        self.assertEqual(
            (big.abc_class, middle.abc_class, small.abc_class), ("a", "b", "c")
        )
        self.assertEqual(
            (big.segment_rank, middle.segment_rank, small.segment_rank), (1, 2, 3)
        )
        self.assertAlmostEqual(middle.segment_cumulative_share, 75.0)
        self.assertAlmostEqual(small.segment_cumulative_share, 95.0)

    def test_abc_ties_broken_by_partner_id(self):
        first, second = self._client("Tie 1"), self._client("Tie 2")
        other = self._client("Rest")
        self._invoices(
            [
                (second, self._days_ago(3), 400),
                (first, self._days_ago(3), 400),
                (other, self._days_ago(3), 200),
            ]
        )
        self._recompute()
        # 400/1000: first (lower id) before second; share before second = 40 % -> A
        self.assertEqual(first.segment_rank, 1)
        self.assertEqual(second.segment_rank, 2)
        self.assertEqual((first.abc_class, second.abc_class), ("a", "a"))
        # share before other = 80 % -> B
        self.assertEqual(other.abc_class, "b")

    def test_one_partner_holding_90_percent(self):
        whale, mid, tail = (self._client(n) for n in ("Whale", "Mid", "Tail"))
        self._invoices(
            [
                (whale, self._days_ago(5), 9000),
                (mid, self._days_ago(5), 600),
                (tail, self._days_ago(5), 400),
            ]
        )
        self._recompute()
        self.assertEqual(
            (whale.abc_class, mid.abc_class, tail.abc_class), ("a", "b", "c")
        )

    def test_refund_larger_than_invoices(self):
        client, other = self._client("Refunded"), self._client("Other")
        self._invoices(
            [
                (client, self._days_ago(10), 100),
                (client, self._days_ago(5), 150, "out_refund"),
                (other, self._days_ago(5), 10),
            ]
        )
        self._recompute()
        self.assertFalse(client.abc_class)
        self.assertAlmostEqual(client.segment_revenue_window, -50.0)
        self.assertAlmostEqual(client.segment_revenue_total, -50.0)
        # a credit note is not a purchase: recency comes from the invoice
        self.assertEqual(client.segment_purchase_count, 1)
        self.assertEqual(client.segment_last_purchase_date, self._days_ago(10))
        self.assertEqual(client.recency_segment, "hot")
        self.assertEqual(other.abc_class, "a")

    def test_invoice_cancelled_by_its_credit_note(self):
        """An invoice fully reversed by its credit note is no purchase: the
        client never bought (no recency, class, frequency or rhythm), while a
        partial credit note leaves the purchase."""
        cancelled, partial, other = (
            self._client("Cancelled"),
            self._client("Partly Refunded"),
            self._client("Buyer"),
        )
        invoices = self._invoices(
            [
                (cancelled, self._days_ago(20), 300),
                (cancelled, self._days_ago(13), 200),
                (partial, self._days_ago(10), 100),
                (other, self._days_ago(5), 10),
            ]
        )
        invoices[:2]._reverse_moves(cancel=True)
        self.assertEqual(set(invoices[:2].mapped("payment_state")), {"reversed"})
        self._invoices([(partial, self._days_ago(4), 40, "out_refund")])
        self._recompute()
        self.assertFalse(cancelled.segment_purchase_count)
        self.assertFalse(cancelled.segment_last_purchase_date)
        self.assertEqual(cancelled.recency_segment, "none")
        self.assertFalse(cancelled.abc_class)
        self.assertFalse(cancelled.purchase_frequency)
        self.assertFalse(cancelled.buying_interval_days)
        self.assertFalse(cancelled.segment_revenue_window)
        self.assertEqual(partial.segment_purchase_count, 1)
        self.assertAlmostEqual(partial.segment_revenue_window, 60.0)
        self.assertEqual(partial.recency_segment, "hot")

    def test_most_revenue_first_ends_with_no_revenue(self):
        """Sorted by revenue, high first: clients without revenue come last,
        after those who bring the most (an empty value is no revenue)."""
        big, small, nothing = (
            self._client("Sort Big"),
            self._client("Sort Small"),
            self._client("Sort Nothing"),
        )
        self._invoices([(big, self._days_ago(3), 900), (small, self._days_ago(3), 90)])
        self._recompute()
        clients = big | small | nothing
        ordered = self.Partner.search(
            [("id", "in", clients.ids)], order="segment_revenue_window desc"
        )
        self.assertEqual(ordered, big | small | nothing)
        ordered = self.Partner.search(
            [("id", "in", clients.ids)], order="segment_revenue_window asc"
        )
        self.assertEqual(ordered, nothing | small | big)

    def test_foreign_currency_in_company_currency(self):
        foreign = self.setup_other_currency("EUR", rates=[("2016-01-01", 2.0)])
        euro_client, local = self._client("Euro"), self._client("Local")
        self._invoices(
            [
                (euro_client, self._days_ago(2), 1000, "out_invoice", foreign),
                (local, self._days_ago(2), 2000),
            ]
        )
        self._recompute()
        # 1000 EUR at 2 EUR per company unit = 500 in the company currency
        self.assertAlmostEqual(euro_client.segment_revenue_window, 500.0)
        # share before the euro client: 2000 / 2500 = 80 % -> B
        self.assertEqual(local.abc_class, "a")
        self.assertEqual(euro_client.abc_class, "b")

    def test_children_roll_up_and_show_company_values(self):
        company = self._client("Parent Co")
        child = self.Partner.create({"name": "Buyer", "parent_id": company.id})
        grandchild = self.Partner.create({"name": "Assistant", "parent_id": child.id})
        archived = self.Partner.create({"name": "Former", "parent_id": company.id})
        self._invoices(
            [
                (child, self._days_ago(40), 300),
                (grandchild, self._days_ago(20), 200),
                (archived, self._days_ago(10), 100),
            ]
        )
        archived.action_archive()
        self._recompute()
        self.assertAlmostEqual(company.segment_revenue_window, 600.0)
        self.assertEqual(company.segment_purchase_count, 3)
        self.assertEqual(company.recency_segment, "hot")
        for contact in (child, grandchild, archived):
            self.assertEqual(contact.abc_class, "a")
            self.assertAlmostEqual(contact.segment_revenue_window, 600.0)
            self.assertEqual(contact.segment_rank, 1)

    def test_draft_and_cancelled_never_count(self):
        client = self._client("Drafty")
        self._invoices([(client, self._days_ago(3), 500)], post=False)
        cancelled = self._invoices([(client, self._days_ago(3), 700)])
        cancelled.button_draft()
        cancelled.button_cancel()
        self._recompute()
        self.assertFalse(client.abc_class)
        self.assertEqual(client.recency_segment, "none")
        self.assertEqual(client.segment_purchase_count, 0)

    def test_window_and_lifetime(self):
        client = self._client("Old and new")
        self._invoices(
            [
                (client, self._days_ago(400), 1000),
                (client, self._days_ago(100), 200),
            ]
        )
        self._recompute()
        self.assertAlmostEqual(client.segment_revenue_window, 200.0)
        self.assertAlmostEqual(client.segment_revenue_total, 1200.0)
        self.assertAlmostEqual(client.segment_purchase_average, 600.0)
        old_only = self._client("Old only")
        self._invoices([(old_only, self._days_ago(400), 50)])
        self._recompute()
        self.assertFalse(old_only.abc_class)
        self.assertEqual(old_only.recency_segment, "sleeping")
        self.segment_profile.segment_window_months = 0
        self._recompute()
        self.assertAlmostEqual(client.segment_revenue_window, 1200.0)
        self.assertEqual(old_only.abc_class, "c")

    def test_values_cleared_when_documents_go(self):
        client, other = self._client("Cleared"), self._client("Stays")
        moves = self._invoices(
            [(client, self._days_ago(3), 900), (other, self._days_ago(3), 100)]
        )
        self._recompute()
        self.assertEqual(client.abc_class, "a")
        moves[0].button_draft()
        moves[0].button_cancel()
        self._recompute()
        self.assertFalse(client.abc_class)
        self.assertEqual(client.recency_segment, "none")
        self.assertFalse(client.segment_revenue_window)
        self.assertEqual(other.abc_class, "a")

    def test_second_run_writes_nothing(self):
        clients = [self._client(f"Idem {i}") for i in range(5)]
        self._invoices(
            [(c, self._days_ago(i * 50), 100 * (i + 1)) for i, c in enumerate(clients)]
        )
        first = self._recompute()
        self.assertEqual(first["clients"], 5)
        # the same write also places the other commercial partners (the
        # companies' own) in their first funnel stage
        self.assertGreaterEqual(first["written"], 5)
        self.assertEqual(first["classes"], {"a": 3, "b": 2, "c": 0})
        self.assertEqual(self._recompute()["written"], 0)
        self._invoices([(clients[0], self._days_ago(1), 5000)])
        self.assertGreaterEqual(self._recompute()["written"], 1)
        self.assertEqual(self._recompute()["written"], 0)

    def test_rerun_follows_time_new_contacts_and_settings(self):
        client, other = self._client("Incremental"), self._client("Other")
        self._invoices(
            [(client, self._days_ago(25), 100), (other, self._days_ago(2), 300)]
        )
        self._recompute()
        self.assertEqual(client.recency_segment, "hot")
        state = self.env["client.segment.state"].search(
            [("partner_id", "=", client.id), ("company_id", "=", self.company.id)]
        )
        self.assertEqual(state.recency_segment, "hot")
        # a contact added after the run gets its company's values on the next
        contact = self.Partner.create({"name": "New buyer", "parent_id": client.id})
        self.assertFalse(contact.recency_segment == "hot")
        with freeze_time("2026-07-10"):
            # time passes: 35 days since the purchase, hot -> warm
            self._recompute()
            self.assertEqual(client.recency_segment, "warm")
            self.assertEqual(contact.recency_segment, "warm")
            self.assertEqual(contact.abc_class, client.abc_class)
            self.assertEqual(self._recompute()["written"], 0)
            # settings: a shorter warm threshold reclassifies on the next run
            self.segment_profile.segment_recency_warm_days = 32
            self._recompute()
            self.assertEqual(client.recency_segment, "sleeping")
            self.assertEqual(other.recency_segment, "hot")

    def test_filters_and_group_by(self):
        clients = [self._client(f"Group {i}") for i in range(4)]
        self._invoices(
            [
                (c, self._days_ago(1), amount)
                for c, amount in zip(clients, (700, 150, 100, 50), strict=True)
            ]
        )
        self._recompute()
        groups = dict(
            self.Partner._read_group(
                [("id", "in", [c.id for c in clients])], ["abc_class"], ["__count"]
            )
        )
        # shares before: 0, 70 (A), 85 (B), 95 (C)
        self.assertEqual(groups, {"a": 2, "b": 1, "c": 1})
        self.assertEqual(
            self.Partner.search(
                [("abc_class", "=", "a"), ("id", "in", [c.id for c in clients])]
            ),
            clients[0] | clients[1],
        )

    def test_segments_cannot_be_written_by_hand(self):
        client = self._client("Hands off")
        for user in (self.salesman, self.sales_manager):
            with self.assertRaises(UserError):
                client.with_user(user).write({"abc_class": "a"})
        with self.assertRaises(UserError):
            client.write({"segment_revenue_window": 1e9})
        with self.assertRaises(UserError):
            self.Partner.create({"name": "Forged", "recency_segment": "hot"})
        self.assertFalse(client.abc_class)

    def test_server_action_on_selection_recomputes_company(self):
        selected, not_selected = self._client("Selected"), self._client("Other")
        self._invoices(
            [(selected, self._days_ago(2), 100), (not_selected, self._days_ago(2), 900)]
        )
        action = self.env.ref("client_segmentation.action_server_recompute_segments")
        context = {
            "active_model": "res.partner",
            "active_ids": selected.ids,
            "active_id": selected.id,
        }
        result = action.with_user(self.sales_manager).with_context(**context).run()
        self.assertEqual(result["params"]["type"], "success")
        # ABC is relative: the whole company is re-ranked
        self.assertEqual(not_selected.abc_class, "a")
        self.assertEqual(selected.abc_class, "b")
        self.assertTrue(self.company.segment_last_run_at)
        with self.assertRaises(AccessError):
            self.Partner.with_user(self.salesman).action_recompute_segments()

    def test_cron_recomputes_every_company(self):
        company2 = self.setup_other_company(name="Second Co")["company"]
        self.env.user.company_ids |= company2
        client = self._client("Cron client")
        self._invoices([(client, self._days_ago(1), 100)])
        self._invoices([(client, self._days_ago(200), 100)], company=company2)
        cron = self.env.ref("client_segmentation.ir_cron_recompute_segments")
        self.assertEqual(cron.code.strip(), "model._cron_recompute_segments()")
        # what the cron runs, without its commits (forbidden in a test)
        self.Partner._cron_recompute_segments(auto_commit=False)
        self.assertEqual(client.recency_segment, "hot")
        self.assertEqual(client.with_company(company2).recency_segment, "sleeping")
        self.assertTrue(company2.segment_last_run_at)


@tagged("post_install", "-at_install")
@freeze_time("2026-06-30")
class TestSegmentationMultiCompany(SegmentationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company2 = cls.setup_other_company(name="Segment Co 2")["company"]
        cls.env.user.company_ids |= cls.company2

    def test_shared_partner_has_a_class_per_company(self):
        shared = self._client("Shared")
        big2 = self._client("Big in 2")
        self._invoices([(shared, self._days_ago(5), 1000)])
        self._invoices(
            [(shared, self._days_ago(150), 10), (big2, self._days_ago(1), 990)],
            company=self.company2,
        )
        self._recompute(self.company | self.company2)
        self.assertEqual(shared.abc_class, "a")
        self.assertEqual(shared.recency_segment, "hot")
        shared2 = shared.with_company(self.company2)
        self.assertEqual(shared2.abc_class, "c")
        self.assertEqual(shared2.recency_segment, "sleeping")
        self.assertAlmostEqual(shared2.segment_revenue_window, 10.0)
        # filters and group-bys follow the current company
        in_company2 = self.Partner.with_company(self.company2)
        self.assertIn(shared, in_company2.search([("abc_class", "=", "c")]))
        self.assertNotIn(shared, self.Partner.search([("abc_class", "=", "c")]))
        # a run for one company leaves the other company's values alone
        self._recompute(self.company2)
        self.assertEqual(shared.abc_class, "a")
        self.assertEqual(shared2.abc_class, "c")

    def test_segment_state_access(self):
        shared = self._client("State shared")
        self._invoices([(shared, self._days_ago(5), 100)])
        self._invoices([(shared, self._days_ago(5), 100)], company=self.company2)
        self._recompute(self.company | self.company2)
        State = self.env["client.segment.state"]
        self.assertEqual(len(State.search([("partner_id", "=", shared.id)])), 2)
        # sales managers read their companies' rows only; nobody writes them
        as_manager = State.with_user(self.sales_manager)
        rows = as_manager.search([("partner_id", "=", shared.id)])
        self.assertEqual(rows.company_id, self.company)
        with self.assertRaises(AccessError):
            rows.write({"abc_class": "c"})
        with self.assertRaises(AccessError):
            State.with_user(self.salesman).search([])
