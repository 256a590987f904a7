"""The engine's notes and the work plans' steps go through Odoo's mail layer
(``_message_log_batch``, ``mail.activity`` create and unlink): what the ORM
does for one record, it does for the batch, and other modules' overrides are
called."""

from unittest.mock import patch

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from ..models import client_work_plan_trigger
from .common import FunnelCase
from .work_plan_common import TODAY, WorkPlanCase, day

TRACKING_ON = {"tracking_disable": False, "mail_notrack": False}
# what another module's override raises (a test message, not shown to users)
REFUSED = "refused by another module"


@tagged("post_install", "-at_install")
@freeze_time("2026-06-30")
class TestStageNotes(FunnelCase):
    def _engine_notes(self, partner):
        return self.env["mail.message"].search(
            [
                ("model", "=", "res.partner"),
                ("res_id", "=", partner.id),
                ("tracking_value_ids", "!=", False),
            ]
        )

    def test_engine_note_as_the_orm_logs_it(self):
        """A stage the engine changes shows in the client's chatter as a
        manual tracked change does: a note of the user who ran the
        recompute, with "Funnel Stage: White -> Gold"."""
        self._recompute()  # the first run: the starting point, not logged
        buyer = self._client("Note Buyer")
        manual = self._client("Note Manual")
        self._invoices([(buyer, self._days_ago(2), 100)])
        self.env["client.segment.engine"].with_user(self.sales_manager).recompute(
            self.company
        )
        self.assertEqual(buyer.funnel_stage_id, self.gold)
        note = self._engine_notes(buyer)
        self.assertEqual(len(note), 1)
        # the same change made by hand, tracked by the ORM
        self.env.flush_all()
        self.env.cr.precommit.run()
        engine_notes = self._engine_notes(manual)  # white -> grey: no buyer
        manual.with_context(**TRACKING_ON).with_user(self.sales_manager).write(
            {"funnel_stage_id": self.gold.id, "funnel_stage_locked": True}
        )
        self.env.flush_all()
        self.env.cr.precommit.run()
        tracked = self._engine_notes(manual) - engine_notes
        self.assertEqual(len(tracked), 1)
        for message in (note, tracked):
            self.assertRecordValues(
                message,
                [
                    {
                        "author_id": self.sales_manager.partner_id.id,
                        "message_type": "notification",
                        "subtype_id": self.env.ref("mail.mt_note").id,
                        "is_internal": True,
                    }
                ],
            )
        self.assertIn("segment recompute", note.body)

        def stage_values(message):
            return [
                (value["fieldName"], value["oldValue"]["value"], value["newValue"])
                for value in message.tracking_value_ids._tracking_value_format()
                if value["fieldName"] == "funnel_stage_id"
            ]

        self.assertEqual(
            stage_values(note),
            [
                (
                    "funnel_stage_id",
                    self.white.name,
                    {"currencyId": False, "value": self.gold.name},
                )
            ],
        )
        self.assertEqual(
            stage_values(tracked),
            [
                (
                    "funnel_stage_id",
                    self.grey.name,
                    {"currencyId": False, "value": self.gold.name},
                )
            ],
        )
        for message, old in ((note, self.white), (tracked, self.grey)):
            self.assertRecordValues(
                message.tracking_value_ids.filtered(
                    lambda value: value.field_id.name == "funnel_stage_id"
                ),
                [
                    {
                        "old_value_integer": old.id,
                        "old_value_char": old.name,
                        "new_value_integer": self.gold.id,
                        "new_value_char": self.gold.name,
                    }
                ],
            )
        # the client's chatter (its message_ids) shows it
        self.assertIn(note, buyer.message_ids)

    def test_notes_through_message_log_batch(self):
        """One _message_log_batch() per batch of clients (another module's
        override of it, or of mail.message create, is called)."""
        self._recompute()
        buyers = self.Partner.browse(
            [self._client(f"Batch Buyer {index}").id for index in range(3)]
        )
        self._invoices([(buyer, self._days_ago(2), 100) for buyer in buyers])
        Partner = type(self.env["res.partner"])
        original = Partner._message_log_batch
        calls = []

        def logged(records, bodies, *args, **kwargs):
            calls.append((records._name, set(records.ids), set(bodies)))
            return original(records, bodies, *args, **kwargs)

        with (
            patch(
                "odoo.addons.client_segmentation.models.client_funnel_engine.MESSAGE_BATCH_SIZE",
                2,
            ),
            patch.object(Partner, "_message_log_batch", logged),
        ):
            self._recompute()
        logged_ids = set().union(*(ids for _model, ids, _bodies in calls))
        self.assertEqual(logged_ids, set(buyers.ids))
        self.assertEqual([len(ids) for _model, ids, _bodies in calls], [2, 1])
        for buyer in buyers:
            self.assertEqual(len(self._engine_notes(buyer)), 1)

    def test_a_failing_note_fails_alone(self):
        self._recompute()
        good, bad = (self._client(name) for name in ("Good Note", "Bad Note"))
        self._invoices([(good, self._days_ago(2), 100), (bad, self._days_ago(2), 100)])
        Partner = type(self.env["res.partner"])
        original = Partner._message_log_batch

        def refuse(records, bodies, *args, **kwargs):
            if bad in records:
                raise UserError(REFUSED)
            return original(records, bodies, *args, **kwargs)

        with (
            patch.object(Partner, "_message_log_batch", refuse),
            self.assertLogs(
                "odoo.addons.client_segmentation.models.client_funnel_engine",
                "WARNING",
            ) as logs,
        ):
            self._recompute()
        self.assertIn(f"partner {bad.id}", logs.output[0])
        # both moved; only the bad one lacks its note
        self.assertEqual((good | bad).funnel_stage_id, self.gold)
        self.assertTrue(self._engine_notes(good))
        self.assertFalse(self._engine_notes(bad))


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestPlanActivities(WorkPlanCase):
    def test_steps_as_mail_activity_creates_them(self):
        result = self._enter(self.client)
        self.assertEqual(result["activities"], 2)
        activities = self.client.activity_ids
        self.assertEqual(activities, self._plan_activities(self.client))
        self.assertRecordValues(
            activities,
            [
                {
                    "res_model": "res.partner",
                    "res_id": self.client.id,
                    "res_model_id": self.env["ir.model"]._get_id("res.partner"),
                    "user_id": self.salesman.id,
                    "automated": True,
                    "user_tz": self.salesman.tz,
                    "create_uid": self.env.uid,
                }
            ]
            * 2,
        )
        # the client's activity fields and the salesperson's counters
        self.assertEqual(self.client.activity_state, "today")
        self.assertEqual(self.client.activity_user_id, self.salesman)
        groups = {
            group["model"]: group
            for group in self.env["res.users"]
            .with_user(self.salesman)
            ._get_activity_groups()
        }
        self.assertEqual(groups["res.partner"]["today_count"], 1)
        self.assertEqual(groups["res.partner"]["planned_count"], 1)
        # core makes the responsible a follower, with the default subtypes
        follower = self.client.message_follower_ids.filtered(
            lambda f: f.partner_id == self.salesman.partner_id
        )
        subtypes, _internal, _external = self.env[
            "mail.message.subtype"
        ].default_subtypes("res.partner")
        self.assertEqual(follower.subtype_ids, subtypes)
        # the assigned salesperson can read the steps and the client
        self.assertEqual(
            self.env["mail.activity"]
            .with_user(self.salesman)
            .search([("res_id", "=", self.client.id)]),
            activities,
        )

    def test_bulk_launch_leaves_what_the_orm_leaves(self):
        """Above WORK_PLAN_BULK_THRESHOLD the steps are written in bulk SQL:
        the same activities (fields, responsible, time zone, entry), the
        same follower with its subtypes, the same client fields and the
        salesperson's counters as mail.activity.create() leaves."""
        orm_client = self._client("Through the ORM", user_id=self.salesman.id)
        bulk_client = self._client("In bulk", user_id=self.salesman.id)
        self._enter(orm_client)
        with patch.object(client_work_plan_trigger, "WORK_PLAN_BULK_THRESHOLD", 0):
            result = self._enter(bulk_client)
        self.assertEqual(result["activities"], 2)
        fields = [
            "res_model",
            "res_model_id",
            "activity_type_id",
            "summary",
            "note",
            "date_deadline",
            "user_id",
            "user_tz",
            "automated",
            "active",
            "create_uid",
            "state",
        ]

        def described(client):
            activities = client.activity_ids.sorted("date_deadline")
            follower = client.message_follower_ids.filtered(
                lambda f: f.partner_id == self.salesman.partner_id
            )
            return {
                "activities": activities.read(fields, load=None),
                "names": set(activities.mapped("res_name")),
                "entries": activities.work_plan_run_id.partner_id,
                "subtypes": follower.subtype_ids,
                "state": client.activity_state,
                "user": client.activity_user_id,
            }

        orm, bulk = described(orm_client), described(bulk_client)
        for row in orm["activities"] + bulk["activities"]:
            del row["id"]
        self.assertEqual(bulk["activities"], orm["activities"])
        self.assertEqual(bulk["names"], {bulk_client.display_name})
        self.assertEqual(orm["names"], {orm_client.display_name})
        self.assertEqual(bulk["entries"], bulk_client)
        self.assertEqual(orm["entries"], orm_client)
        self.assertTrue(orm["subtypes"])
        self.assertEqual(bulk["subtypes"], orm["subtypes"])
        self.assertEqual(bulk["state"], orm["state"])
        self.assertEqual(bulk["user"], orm["user"])
        groups = {
            group["model"]: group
            for group in self.env["res.users"]
            .with_user(self.salesman)
            ._get_activity_groups()
        }
        # both clients' steps counted: 2 due today, 2 planned
        self.assertEqual(groups["res.partner"]["today_count"], 2)
        self.assertEqual(groups["res.partner"]["planned_count"], 2)

    def test_override_of_activity_create_called_per_batch(self):
        """Another module's override of mail.activity create is called, once
        per batch of whole entries (every step of an entry together)."""
        clients = [
            self._client(f"Batched {index}", user_id=self.salesman.id)
            for index in range(3)
        ]
        Activity = type(self.env["mail.activity"])
        original = Activity.create
        batches = []

        def create(records, vals_list):
            batches.append(
                [(vals["res_id"], vals["work_plan_run_id"]) for vals in vals_list]
            )
            return original(records, vals_list)

        with (
            patch.object(client_work_plan_trigger, "WORK_PLAN_ACTIVITY_BATCH_SIZE", 4),
            patch.object(Activity, "create", create),
        ):
            result = self._apply(
                [(client, "recency", "warm", "sleeping") for client in clients]
            )
        self.assertEqual(result["activities"], 6)
        # two steps per entry, at most 4 activities per batch: 2 entries, 1
        self.assertEqual([len(batch) for batch in batches], [4, 2])
        runs = self.Run.search([("partner_id", "in", [c.id for c in clients])])
        self.assertEqual(
            sorted(item for batch in batches for item in batch),
            sorted((run.partner_id.id, run.id) for run in runs for _step in (1, 2)),
        )

    def test_no_mail_per_activity(self):
        """mail_activity_quick_update: the salesperson gets no "assigned to
        you" notification per step (core sends one per activity created for
        another user without it)."""
        clients = [
            self._client(f"Quiet {index}", user_id=self.salesman.id)
            for index in range(3)
        ]
        Message = self.env["mail.message"]
        notifications = [("message_type", "=", "user_notification")]
        before = Message.search_count(notifications)
        self._apply([(client, "recency", "warm", "sleeping") for client in clients])
        self.assertEqual(len(self._plan_activities(clients[0])), 2)
        self.assertEqual(Message.search_count(notifications), before)
        # the same create without the context would notify: the count above
        # measures the flood it avoids
        self.env["mail.activity"].create(
            {
                "res_model_id": self.env["ir.model"]._get_id("res.partner"),
                "res_id": clients[0].id,
                "activity_type_id": self.call_type.id,
                "user_id": self.salesman.id,
            }
        )
        self.assertEqual(Message.search_count(notifications), before + 1)

    def test_a_failing_entry_fails_alone(self):
        good = self._client("Good Entry", user_id=self.salesman.id)
        Activity = type(self.env["mail.activity"])
        original = Activity.create

        def create(records, vals_list):
            if any(vals["res_id"] == self.client.id for vals in vals_list):
                raise UserError(REFUSED)
            return original(records, vals_list)

        with (
            patch.object(Activity, "create", create),
            self.assertLogs(
                "odoo.addons.client_segmentation.models.client_work_plan_trigger",
                "WARNING",
            ) as logs,
        ):
            result = self._apply(
                [(p, "recency", "warm", "sleeping") for p in (self.client, good)]
            )
        self.assertEqual(len(logs.output), 1)
        self.assertEqual(result["entries"], 1)
        self.assertEqual(len(self._plan_activities(good)), 2)
        self.assertFalse(self._plan_activities(self.client))
        # its entry is removed: the client waits for "Start for Current Clients"
        self.assertEqual(self.Run.search([]).partner_id, good)

    def test_cancel_through_unlink(self):
        self._enter(self.client)
        steps = self._plan_activities(self.client)
        Activity = type(self.env["mail.activity"])
        original = Activity.unlink
        unlinked = []

        def unlink(records):
            unlinked.append(set(records.ids))
            return original(records)

        with freeze_time(day(2)), patch.object(Activity, "unlink", unlink):
            result = self._apply(
                [(self.client, "recency", "sleeping", "warm")], today=day(2)
            )
        self.assertEqual(result["cancelled"], 1)
        self.assertEqual(unlinked, [set(steps.ids)])
        self.assertFalse(self.client.activity_ids)
