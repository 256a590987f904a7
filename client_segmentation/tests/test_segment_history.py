import datetime

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged
from odoo.tools import SQL

from .common import FunnelCase

day = datetime.date


class ChangeSet:
    """A change set as the engine hands it over: a temporary table of
    ``(partner_id, dimension, old_value, new_value)`` with its ``sql`` name."""

    def __init__(self, cr, rows):
        self.cr = cr
        self.sql = SQL.identifier("test_history_changes")
        cr.execute(SQL("DROP TABLE IF EXISTS %s", self.sql))
        cr.execute(
            SQL(
                "CREATE TEMPORARY TABLE %s (partner_id int4, dimension varchar,"
                " old_value varchar, new_value varchar)",
                self.sql,
            )
        )
        for row in rows:
            cr.execute(SQL("INSERT INTO %s VALUES %s", self.sql, tuple(row)))


@tagged("post_install", "-at_install")
@freeze_time("2026-06-30")
class TestSegmentHistory(FunnelCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.History = cls.env["client.segment.history"]
        cls.first = cls._client("History First")
        cls.second = cls._client("History Second")

    def _record(self, rows, today, first_run=False, company=None):
        return self.History._record_changes(
            company or self.company, ChangeSet(self.env.cr, rows), today, first_run
        )

    def _rows(self, partner, dimension=None):
        domain = [("partner_id", "=", partner.id)]
        if dimension:
            domain.append(("dimension", "=", dimension))
        return self.History.search(domain, order="date, id")

    def test_change_set_recorded_in_one_insert(self):
        rows = [
            (self.first.id, "abc", None, "a"),
            (self.second.id, "abc", None, "b"),
            (self.first.id, "recency", None, "hot"),
        ]
        # the first run records its date, no row
        self.assertEqual(self._record(rows, day(2026, 5, 1), first_run=True), 0)
        self.assertFalse(self.History.search([]))
        self.assertEqual(self.company.segment_history_start, day(2026, 5, 1))
        changes = ChangeSet(self.env.cr, rows)
        with self.assertQueryCount(1):
            recorded = self.History._record_changes(
                self.company, changes, day(2026, 6, 1), False
            )
        self.assertEqual(recorded, 3)
        first = self._rows(self.first)
        self.assertEqual(first.mapped("source"), ["engine", "engine"])
        self.assertEqual(first.mapped("new_label"), ["A", "Bought Recently"])
        self.assertEqual(set(first.mapped("date")), {day(2026, 6, 1)})
        self.assertEqual(first.company_id, self.company)
        self.assertFalse(first.user_id)
        # a row that changes nothing is no history
        self._record([(self.first.id, "abc", "a", "a")], day(2026, 6, 2))
        self.assertEqual(len(self._rows(self.first, "abc")), 1)
        self._record([(self.first.id, "abc", "a", "b")], day(2026, 6, 3))
        moved = self._rows(self.first, "abc")[-1]
        self.assertEqual(
            (moved.old_label, moved.new_label, moved.source), ("A", "B", "engine")
        )

    def test_manual_changes_recorded_with_author(self):
        clients = (self.first | self.second).with_user(self.salesman)
        clients.write(
            {"client_type_id": self.type_loyal.id, "temperature_override": "hot"}
        )
        rows = self.History.search([("partner_id", "in", clients.ids)])
        self.assertEqual(len(rows), 4)
        self.assertEqual(set(rows.mapped("source")), {"manual"})
        self.assertEqual(rows.user_id, self.salesman)
        self.assertEqual(rows.company_id, self.company)
        self.assertEqual(set(rows.mapped("date")), {day(2026, 6, 30)})
        typology = self._rows(self.first, "type")
        self.assertEqual(
            (typology.old_value, typology.new_value, typology.new_label),
            (False, str(self.type_loyal.id), self.type_loyal.display_name),
        )
        # the same values again: nothing changed, nothing recorded
        clients.write(
            {"client_type_id": self.type_loyal.id, "temperature_override": "hot"}
        )
        self.assertEqual(
            self.History.search_count([("partner_id", "in", clients.ids)]), 4
        )
        self.first.with_user(self.sales_manager).write(
            {"funnel_stage_id": self.green.id, "temperature_override": False}
        )
        stage = self._rows(self.first, "stage")
        self.assertEqual(
            (stage.old_value, stage.new_value, stage.user_id),
            (str(self.white.id), str(self.green.id), self.sales_manager),
        )
        override = self._rows(self.first, "temperature")[-1]
        self.assertEqual(
            (override.old_label, override.new_value), ("Hot: Ready to Buy", False)
        )

    def test_nobody_writes_history_by_hand(self):
        self._record([(self.first.id, "abc", None, "a")], day(2026, 6, 1))
        row = self._rows(self.first)
        values = {
            "partner_id": self.first.id,
            "company_id": self.company.id,
            "dimension": "abc",
            "new_value": "a",
            "date": day(2026, 6, 1),
            "source": "manual",
        }
        for user in (self.salesman, self.sales_manager):
            with self.subTest(user=user.login):
                History = self.History.with_user(user)
                with self.assertRaises(UserError):
                    History.create(values)
                with self.assertRaises(UserError):
                    row.with_user(user).write({"new_value": "c"})
                with self.assertRaises(UserError):
                    row.with_user(user).unlink()
        # not even the superuser through the ORM
        with self.assertRaises(UserError):
            self.History.sudo().create(values)
        with self.assertRaises(UserError):
            row.sudo().write({"new_value": "c"})
        with self.assertRaises(UserError):
            row.sudo().unlink()
        self.assertEqual(row.new_value, "a")

    def test_salespeople_read_history_of_readable_clients_only(self):
        other = self.env["res.company"].create({"name": "History Other Co"})
        foreign = self._client("Foreign Client", company_id=other.id)
        self._record(
            [(self.first.id, "abc", None, "a"), (foreign.id, "abc", None, "b")],
            day(2026, 6, 1),
        )
        self._record([(self.first.id, "abc", None, "c")], day(2026, 6, 1), False, other)
        History = self.History.with_user(self.salesman)
        visible = History.search([])
        self.assertEqual(visible.partner_id, self.first)
        self.assertEqual(visible.company_id, self.company)
        self.assertEqual(visible.new_value, "a")
        Movement = self.env["client.segment.movement"].with_user(self.salesman)
        self.assertEqual(Movement.search([]).partner_id, self.first)
        # a user of both companies sees each company's rows in that company
        both = new_test_user(
            self.env,
            login="cs_history_both",
            groups="sales_team.group_sale_salesman",
            company_id=self.company.id,
            company_ids=[(6, 0, [self.company.id, other.id])],
        )
        rows = self.History.with_user(both).with_context(allowed_company_ids=[other.id])
        self.assertEqual(rows.search([]).mapped("new_value"), ["c"])
        # users without the sales rights read nothing
        outsider = new_test_user(self.env, login="cs_history_outsider")
        with self.assertRaises(AccessError):
            self.History.with_user(outsider).search([])

    def test_client_timeline_on_the_card(self):
        contact = self.Partner.create({"name": "Buyer", "parent_id": self.first.id})
        self._record([(self.first.id, "abc", None, "a")], day(2026, 6, 1))
        self._record([(self.first.id, "abc", "a", "b")], day(2026, 6, 20))
        card = contact.with_user(self.salesman)
        self.assertEqual(card.segment_history_count, 2)
        action = card.action_view_segment_history()
        timeline = self.History.with_user(self.salesman).search(action["domain"])
        self.assertEqual(timeline.mapped("new_value"), ["b", "a"])  # newest first

    def _matrix(self, dimension, start, end):
        groups = self.env["client.segment.movement"]._read_group(
            [
                ("dimension", "=", dimension),
                ("date", ">=", start),
                ("date", "<=", end),
            ],
            ["from_value", "to_value"],
            ["__count"],
        )
        return {(old, new): count for old, new, count in groups}

    def test_movement_matrix_per_period(self):
        self._record(
            [(self.first.id, "abc", None, "a"), (self.second.id, "abc", None, "a")],
            day(2026, 4, 1),
            True,
        )
        self._record([(self.first.id, "abc", "a", "b")], day(2026, 5, 10))
        self._record(
            [(self.first.id, "abc", "b", "a"), (self.second.id, "abc", "a", "c")],
            day(2026, 6, 5),
        )
        self.assertEqual(
            self._matrix("abc", day(2026, 5, 1), day(2026, 5, 31)), {("a", "b"): 1}
        )
        self.assertEqual(
            self._matrix("abc", day(2026, 6, 1), day(2026, 6, 30)),
            {("b", "a"): 1, ("a", "c"): 1},
        )
        self.assertEqual(
            self._matrix("abc", day(2026, 4, 1), day(2026, 6, 30)),
            {("a", "b"): 1, ("b", "a"): 1, ("a", "c"): 1},
        )
        self.assertFalse(self._matrix("recency", day(2026, 4, 1), day(2026, 6, 30)))
        stage_moves = self.first.with_user(self.salesman)
        stage_moves.write({"funnel_stage_id": self.green.id})
        self.assertEqual(
            self._matrix("stage", day(2026, 6, 30), day(2026, 6, 30)),
            {(f"stage:{self.white.id}", f"stage:{self.green.id}"): 1},
        )
        labels = dict(
            self.env["client.segment.movement"]
            ._fields["to_value"]
            ._description_selection(self.env)
        )
        self.assertEqual(labels[f"stage:{self.green.id}"], self.green.display_name)
        self.assertEqual(labels["a"], "A")

    def test_movement_counts_clients_not_moves(self):
        """A client going a -> b, b -> a, a -> b in one month is one client in
        the a -> b cell, and its window revenue counts once; another client
        making the same move adds its own."""
        self._record(
            [(self.first.id, "abc", None, "a"), (self.second.id, "abc", None, "a")],
            day(2026, 4, 1),
            True,
        )
        self.env.cr.execute(
            SQL(
                """INSERT INTO client_segment_state
                       (company_id, partner_id, segment_revenue_window)
                   VALUES (%(company)s, %(first)s, 300),
                          (%(company)s, %(second)s, 40)""",
                company=self.company.id,
                first=self.first.id,
                second=self.second.id,
            )
        )
        self._record([(self.first.id, "abc", "a", "b")], day(2026, 6, 2))
        self._record([(self.first.id, "abc", "b", "a")], day(2026, 6, 9))
        self._record([(self.first.id, "abc", "a", "b")], day(2026, 6, 16))
        self._record([(self.second.id, "abc", "a", "b")], day(2026, 6, 16))
        groups = self.env["client.segment.movement"]._read_group(
            [("dimension", "=", "abc"), ("date", ">=", day(2026, 6, 1))],
            ["from_value", "to_value"],
            ["__count", "client_count:count_distinct", "revenue_window:sum"],
        )
        matrix = {(old, new): rest for old, new, *rest in groups}
        # three moves, two clients, 300 + 40
        self.assertEqual(matrix[("a", "b")], [3, 2, 340.0])
        self.assertEqual(matrix[("b", "a")], [1, 1, 300.0])
        # the web client's request (pivot and list totals) gives the same
        rows = self.env["client.segment.movement"].read_group(
            [("dimension", "=", "abc"), ("date", ">=", day(2026, 6, 1))],
            ["client_count:count_distinct", "revenue_window:sum"],
            ["to_value"],
            lazy=False,
        )
        by_to = {row["to_value"]: row for row in rows}
        self.assertEqual(by_to["b"]["client_count"], 2)
        self.assertEqual(by_to["b"]["revenue_window"], 340.0)
        self.assertEqual(by_to["a"]["revenue_window"], 300.0)
        # a prospect's stage move (no state row) is a client with no revenue
        prospect = self._client("History Prospect")
        self._record(
            [(prospect.id, "stage", str(self.white.id), str(self.green.id))],
            day(2026, 6, 20),
        )
        [(clients, revenue)] = self.env["client.segment.movement"]._read_group(
            [("partner_id", "=", prospect.id)],
            [],
            ["client_count:count_distinct", "revenue_window:sum"],
        )
        self.assertEqual((clients, revenue), (1, 0.0))


@tagged("post_install", "-at_install")
class TestHistoryFromRecompute(FunnelCase):
    """The engine's change set becomes history: a client going A -> B -> A
    over three recomputes on three dates."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.History = cls.env["client.segment.history"]
        cls.big = cls._client("Big")
        cls.mover = cls._client("Mover")
        cls.small = cls._client("Small")

    def _run(self):
        return self.env["client.segment.engine"].recompute(self.company)

    def _abc_rows(self, partner):
        return [
            (row.old_value or None, row.new_value, row.source, row.date)
            for row in self.History.search(
                [("partner_id", "=", partner.id), ("dimension", "=", "abc")],
                order="date, id",
            )
        ]

    def _matrix(self, start, end):
        groups = self.env["client.segment.movement"]._read_group(
            [
                ("dimension", "=", "abc"),
                ("date", ">=", start),
                ("date", "<=", end),
            ],
            ["from_value", "to_value"],
            ["__count", "revenue_window:sum"],
        )
        return {(old, new): (count, revenue) for old, new, count, revenue in groups}

    def test_a_b_a_over_three_dates(self):
        d1, d2, d3 = day(2026, 4, 1), day(2026, 5, 11), day(2026, 6, 20)
        with freeze_time(d1):
            self._invoices(
                [(self.big, d1, 500), (self.mover, d1, 400), (self.small, d1, 100)]
            )
            self._run()
        with freeze_time(d2):
            # big doubles: mover falls behind 75 % of the revenue
            self._invoices([(self.big, d2, 1000)])
            self._run()
        with freeze_time(d3):
            self._invoices([(self.mover, d3, 1500)])
            self._run()
            history_before = self.History.search_count([])
            result = self._run()
            self.assertEqual(self.History.search_count([]), history_before)
            self.assertFalse(any(result["changes"].values()))
        self.assertEqual(
            self._abc_rows(self.mover),
            [("a", "b", "engine", d2), ("b", "a", "engine", d3)],
        )
        self.assertEqual(self._abc_rows(self.small), [("b", "c", "engine", d2)])
        self.assertFalse(self._abc_rows(self.big))
        self.assertEqual(self.company.segment_history_start, d1)
        # the recompute is the source, not a user
        self.assertFalse(self.History.search([("source", "!=", "manual")]).user_id)
        mover_revenue = self.mover.segment_revenue_window
        small_revenue = self.small.segment_revenue_window
        self.assertEqual(
            self._matrix(day(2026, 5, 1), day(2026, 5, 31)),
            {("a", "b"): (1, mover_revenue), ("b", "c"): (1, small_revenue)},
        )
        self.assertEqual(
            self._matrix(day(2026, 6, 1), day(2026, 6, 30)),
            {("b", "a"): (1, mover_revenue)},
        )
        self.assertEqual(
            set(self._matrix(d1, d3)), {("a", "b"), ("b", "c"), ("b", "a")}
        )
        self.assertFalse(self._matrix(day(2026, 4, 1), day(2026, 4, 30)))
        # the value on any date after the first run
        clients = self.big | self.mover | self.small
        for on_day, expected in (
            (d1, ["a", "a", "b"]),
            (day(2026, 6, 1), ["a", "b", "c"]),
            (d3, ["a", "a", "c"]),
        ):
            with self.subTest(day=on_day):
                values = self.History._values_on(
                    self.company, "abc", on_day, clients.ids
                )
                self.assertEqual([values[pid] for pid in clients.ids], expected)
        stages = self.History._values_on(self.company, "stage", d1, self.mover.ids)
        self.assertEqual(stages[self.mover.id], str(self.mover.funnel_stage_id.id))
        with self.assertRaisesRegex(UserError, "starts on"):
            self.History._values_on(self.company, "abc", day(2026, 3, 31), clients.ids)

    def test_other_company_history_is_apart(self):
        other = self.env["res.company"].create({"name": "History Engine Other"})
        self.env.user.company_ids |= other
        Engine = self.env["client.segment.engine"]
        with freeze_time(day(2026, 6, 1)):
            self._invoices(
                [(self.big, day(2026, 6, 1), 100), (self.small, day(2026, 6, 1), 100)]
            )
            Engine.recompute(self.company | other)
        with freeze_time(day(2026, 6, 2)):
            # small takes the lead: big falls to B in this company only
            self._invoices([(self.small, day(2026, 6, 2), 1000)])
            Engine.recompute(self.company | other)
        self.assertEqual(other.segment_history_start, day(2026, 6, 1))

        def abc_rows(company):
            return self.History.search(
                [("company_id", "=", company.id), ("dimension", "=", "abc")]
            )

        # each company records its own values: the invoices are the first's
        self.assertEqual(abc_rows(self.company).partner_id, self.big)
        self.assertFalse(abc_rows(other))
        # a manual change in the other company is that company's
        self.big.with_company(other).client_type_id = self.type_loyal
        self.assertEqual(
            self.History.search([("company_id", "=", other.id)]).dimension, "type"
        )
        self.assertFalse(
            self.History.with_user(self.salesman).search(
                [("company_id", "=", other.id)]
            )
        )
