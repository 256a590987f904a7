from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import SQL

from .common import FunnelCase

# Every value the engine writes for a company, as read through the ORM.
ENGINE_FIELDS = (
    "abc_class",
    "recency_segment",
    "segment_revenue_window",
    "segment_revenue_total",
    "segment_purchase_count",
    "segment_purchase_average",
    "segment_first_purchase_date",
    "segment_last_purchase_date",
    "purchase_frequency",
    "segment_rank",
    "segment_cumulative_share",
    "funnel_stage_id",
    "temperature",
    "refusal_reason_id",
)


@tagged("post_install", "-at_install")
@freeze_time("2026-06-30")
class TestSegmentEngine(FunnelCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Engine = cls.env["client.segment.engine"]

    def _snapshot(self, partners):
        partners.invalidate_recordset()
        return {
            partner.name: {name: partner[name] for name in ENGINE_FIELDS}
            for partner in partners
        }

    def _full_recompute(self):
        """A recompute from scratch: without its state and last run time the
        company's documents are all aggregated again."""
        self.env["client.segment.state"].search(
            [("company_id", "=", self.company.id)]
        ).sudo().unlink()
        self.company.segment_last_run_at = False
        return self._recompute()

    def _capture_changes(self):
        """Patch the change-set hook; return the list it fills with rows."""
        captured = []

        def after_changes(engine, company, changes, today, first_run):
            engine.env.cr.execute(
                SQL(
                    "SELECT partner_id, dimension, old_value, new_value FROM %s"
                    " ORDER BY partner_id, dimension",
                    changes.sql,
                )
            )
            captured.append((company, today, first_run, engine.env.cr.fetchall()))

        patcher = patch.object(
            type(self.Engine), "_after_changes", after_changes, create=False
        )
        patcher.start()
        self.addCleanup(patcher.stop)
        return captured

    def test_result_of_the_public_entry(self):
        big, small = self._client("Big"), self._client("Small")
        self._invoices(
            [(big, self._days_ago(2), 900), (small, self._days_ago(60), 100)]
        )
        result = self._recompute()
        self.assertEqual(result["clients"], 2)
        self.assertEqual(result["classes"], {"a": 1, "b": 1, "c": 0})
        self.assertEqual(result["segments"], {"hot": 1, "warm": 1, "sleeping": 0})
        self.assertEqual(result["changes"]["abc"], 2)
        self.assertEqual(result["changes"]["recency"], 2)
        self.assertEqual(result["changes"]["frequency"], 2)
        self.assertGreaterEqual(result["changes"]["stage"], 2)
        self.assertGreaterEqual(result["written"], 2)
        self.assertGreaterEqual(result["seconds"], 0)
        self.assertEqual(len(result["companies"]), 1)
        self.assertTrue(result["companies"][0]["first_run"])
        again = self._recompute()
        self.assertEqual(again["written"], 0)
        self.assertFalse(any(again["changes"].values()))
        self.assertTrue(again["companies"][0]["incremental"])

    def test_only_sales_administrators_run_it(self):
        """The public entry is reachable over RPC: it checks the rights."""
        with self.assertRaises(AccessError):
            self.Engine.with_user(self.salesman).recompute(self.company)
        self.assertFalse(self.company.segment_last_run_at)
        result = self.Engine.with_user(self.sales_manager).recompute(self.company)
        self.assertEqual(len(result["companies"]), 1)

    def test_change_set_and_one_write_per_partner(self):
        client = self._client("Changes")
        contact = self.Partner.create({"name": "Buyer", "parent_id": client.id})
        self._recompute()
        captured = self._capture_changes()
        self._invoices([(contact, self._days_ago(1), 100)])
        result = self._recompute()
        [(company, today, first_run, rows)] = captured
        self.assertEqual(company, self.company)
        self.assertEqual(str(today), "2026-06-30")
        self.assertFalse(first_run)
        self.assertEqual(
            rows,
            [
                (client.id, "abc", None, "a"),
                (client.id, "frequency", None, "one_off"),
                (client.id, "recency", None, "hot"),
                (client.id, "stage", str(self.grey.id), str(self.gold.id)),
            ],
        )
        # segments and stage in one write: the client and its contact, once
        self.assertEqual(result["written"], 2)
        self.assertEqual(client.funnel_stage_id, self.gold)
        self.assertEqual(contact.abc_class, "a")

    def test_incremental_rerun_equals_full_recompute(self):
        days = self._days_ago
        new_buyer, edited, cancelled, refunded = (
            self._client(name) for name in ("New", "Edited", "Cancelled", "Refunded")
        )
        leaving, steady, grey, old_parent, new_parent = (
            self._client(name)
            for name in ("Leaving", "Steady", "Grey", "Old Parent", "New Parent")
        )
        mover = self.Partner.create({"name": "Mover", "parent_id": old_parent.id})
        moves = self._invoices(
            [
                (edited, days(20), 300),
                (cancelled, days(30), 700),
                (cancelled, days(200), 50),
                (refunded, days(10), 400),
                (leaving, days(360), 800),
                (leaving, days(500), 100),
                (steady, days(90), 250),
                (steady, days(15), 250),
                (mover, days(40), 600),
                (old_parent, days(50), 20),
            ]
        )
        clients = (
            new_buyer
            | edited
            | cancelled
            | refunded
            | leaving
            | steady
            | grey
            | old_parent
            | new_parent
        )
        # Everything written in a test transaction carries its start as
        # write_date: date the data back, as if it had been entered before.
        self.env.flush_all()
        for table, ids in (
            ("account_move", moves.ids),
            ("res_partner", (clients | mover).ids),
        ):
            self.env.cr.execute(
                SQL(
                    "UPDATE %s SET write_date = write_date - interval '2 days'"
                    " WHERE id = ANY(%s)",
                    SQL.identifier(table),
                    ids,
                )
            )
        first = self._recompute()
        self.assertFalse(first["companies"][0]["incremental"])
        self.assertEqual(first["aggregated"], 6)
        with freeze_time("2026-07-10"):
            self._invoices([(new_buyer, self._days_ago(1), 1000)])
            edited_move = moves[0]
            edited_move.button_draft()
            edited_move.invoice_line_ids.price_unit = 3000
            edited_move.action_post()
            moves[1].button_draft()
            moves[1].button_cancel()
            self._invoices([(refunded, self._days_ago(2), 150, "out_refund")])
            self.Partner.create(
                {"name": "Boss", "parent_id": grey.id, "is_decision_maker": True}
            )
            mover.parent_id = new_parent
            rerun = self._recompute()
            self.assertTrue(rerun["companies"][0]["incremental"])
            # only the clients with changed documents, documents that left
            # the window (Leaving) or a contact moved away (Old Parent): 6,
            # 7 when resetting an invoice to draft made Odoo write the next
            # one in its journal (Steady's)
            self.assertIn(rerun["aggregated"], (6, 7))
            incremental = self._snapshot(clients | mover)
            # the changes really happened
            self.assertFalse(leaving.abc_class)
            self.assertEqual(grey.funnel_stage_id, self.white)
            # an invoice stays with the commercial entity it was issued to
            # (account.move.commercial_partner_id); the contact now shows its
            # new company's values
            self.assertAlmostEqual(old_parent.segment_revenue_window, 620.0)
            self.assertFalse(mover.segment_revenue_window)
            self.assertAlmostEqual(edited.segment_revenue_window, 3000.0)
            full = self._full_recompute()
            self.assertFalse(full["companies"][0]["incremental"])
            self.assertEqual(self._snapshot(clients | mover), incremental)
            self.assertEqual(full["clients"], rerun["clients"])
            self.assertEqual(full["classes"], rerun["classes"])

    def test_partners_are_re_aggregated_on_request(self):
        """Documents moved in SQL (as the contact merge does) leave no
        write_date: the caller names the clients to aggregate again."""
        source, target = self._client("Merged Away"), self._client("Survivor")
        move = self._invoices([(source, self._days_ago(3), 500)])
        self._recompute()
        self.assertAlmostEqual(source.segment_revenue_window, 500.0)
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "UPDATE account_move SET partner_id = %(target)s,"
                " commercial_partner_id = %(target)s,"
                " write_date = write_date - interval '2 days' WHERE id = %(move)s",
                target=target.id,
                move=move.id,
            )
        )
        self.env.cr.execute(
            SQL(
                "UPDATE res_partner SET write_date = write_date - interval '2 days'"
                " WHERE id = ANY(%s)",
                (source | target).ids,
            )
        )
        self.env.invalidate_all()
        self._recompute()
        self.assertFalse(target.segment_revenue_window)
        result = self.Engine.recompute(self.company, partners=source | target)
        self.assertEqual(result["aggregated"], 1)
        self.assertFalse(source.segment_revenue_window)
        self.assertAlmostEqual(target.segment_revenue_window, 500.0)
        self.assertEqual(target.abc_class, "a")

    def test_refusal_stands_until_the_client_buys_again(self):
        """A refusal recorded on a buying client survives the recompute,
        locked or not, until a purchase after it."""
        loyal, locked = self._client("Loyal"), self._client("Locked Refuser")
        self._invoices(
            [
                (partner, self._days_ago(days), 100)
                for partner in (loyal, locked)
                for days in (5, 40, 80)
            ]
        )
        self._recompute()
        self.assertEqual(loyal.funnel_stage_id, self.platinum)
        locked.funnel_stage_locked = True
        self.env["client.refusal.wizard"].with_user(self.salesman).create(
            {
                "partner_ids": [Command.set((loyal | locked).ids)],
                "stage_id": self.red_green.id,
                "refusal_reason_id": self.reason_price.id,
            }
        ).action_apply()
        self.assertEqual(str(loyal.refusal_date), "2026-06-30")
        self.env["res.partner"].flush_model()
        result = self._recompute()
        self.assertEqual(result["changes"]["stage"], 0)
        for partner in (loyal, locked):
            self.assertEqual(partner.funnel_stage_id, self.red_green)
            self.assertEqual(partner.refusal_reason_id, self.reason_price)
            self.assertEqual(partner.temperature, "cold")
        self.assertIn(
            loyal,
            self.Partner.search([("refusal_reason_id", "=", self.reason_price.id)]),
        )
        with freeze_time("2026-07-05"):
            self._invoices([(loyal, self._days_ago(1), 100)])
            self._recompute()
            self.assertEqual(loyal.funnel_stage_id, self.platinum)
            self.assertFalse(loyal.refusal_reason_id)
            self.assertFalse(loyal.refusal_date)
            self.assertEqual(loyal.temperature, "hot")
            # the refusal and its day stay in the chatter
            tracked = loyal.message_ids.tracking_value_ids
            reason = tracked.filtered(
                lambda value: (
                    value.field_id.name == "refusal_reason_id"
                    and not value.new_value_integer
                )
            )
            self.assertEqual(reason.old_value_char, self.reason_price.display_name)
            day = tracked.filtered(
                lambda value: (
                    value.field_id.name == "refusal_date" and value.old_value_datetime
                )
            )
            self.assertEqual(str(day.old_value_datetime.date()), "2026-06-30")
            # a locked refusal is never moved by the engine
            self._invoices([(locked, self._days_ago(1), 100)])
            self._recompute()
            self.assertEqual(locked.funnel_stage_id, self.red_green)

    def test_non_purchase_stage_changes_are_logged(self):
        prospect = self._client("Prospect Without Boss")
        self._recompute()
        self.assertEqual(prospect.funnel_stage_id, self.grey)
        # the first run of the company is summarised, not logged per client
        self.assertFalse(prospect.message_ids.tracking_value_ids)
        boss = self.Partner.create(
            {"name": "Boss", "parent_id": prospect.id, "is_decision_maker": True}
        )
        self._recompute()
        self.assertEqual(prospect.funnel_stage_id, self.white)
        boss.is_decision_maker = False
        self._recompute()
        self.assertEqual(prospect.funnel_stage_id, self.grey)
        values = prospect.message_ids.tracking_value_ids.filtered(
            lambda value: value.field_id.name == "funnel_stage_id"
        )
        self.assertEqual(
            sorted((value.old_value_char, value.new_value_char) for value in values),
            sorted(
                [
                    (self.grey.name, self.white.name),
                    (self.white.name, self.grey.name),
                ]
            ),
        )

    def test_notification_reports_what_changed(self):
        prospect = self._client("Notified Prospect")
        buyer = self._client("Notified Buyer")
        self._invoices([(buyer, self._days_ago(3), 100)])
        action = self.env.ref("client_segmentation.action_server_recompute_segments")
        run = action.with_user(self.sales_manager).with_context(
            active_model="res.partner", active_ids=prospect.ids
        )
        first = run.run()["params"]["message"]
        self.assertRegex(first, r"1 clients with purchases: classes A 1, B 0, C 0")
        self.Partner.create(
            {"name": "Decider", "parent_id": prospect.id, "is_decision_maker": True}
        )
        message = run.run()["params"]["message"]
        self.assertRegex(message, r"1 moved to another funnel stage")
        self.assertRegex(message, r"0 clients changed ABC class")
        self.assertIn("Nothing changed", run.run()["params"]["message"])
