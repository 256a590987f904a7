from datetime import date
from unittest.mock import patch

from freezegun import freeze_time

from odoo.tests import tagged

from .common import ClientCardCase


@tagged("post_install", "-at_install")
class TestKeyDateReminders(ClientCardCase):
    def test_reminder_lead_days_across_year_end(self):
        with freeze_time("2026-12-01"):
            key_date = self._key_date(self.contact, self.birthday, date(1980, 1, 2))
        self.assertEqual(key_date.next_occurrence, date(2027, 1, 2))
        self.assertEqual(key_date.lead_days, 3)
        self.assertEqual(key_date.reminder_kind, "congratulate")
        with freeze_time("2026-12-29"):  # 4 days before: not yet
            self._run_cron()
        self.assertFalse(self._reminders())
        with freeze_time("2026-12-30"):  # 3 days before
            self._run_cron()
        activity = self._reminders()
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.date_deadline, date(2027, 1, 2))
        self.assertEqual(activity.user_id, self.salesman)
        self.assertEqual(activity.activity_type_id, self.activity_congratulate)
        self.assertEqual(activity.summary, "Congratulate Anna Berg: Birthday")
        self.assertEqual(key_date.last_reminded_occurrence, date(2027, 1, 2))

    def test_reruns_create_no_duplicate(self):
        with freeze_time("2026-06-01"):
            self._key_date(self.contact, self.birthday, date(1980, 6, 5))
            self._run_cron()
            self._run_cron()
        with freeze_time("2026-06-03"):
            self._run_cron()
        with freeze_time("2026-06-05"):
            self._run_cron()
        self.assertEqual(len(self._reminders()), 1)
        # the next year's occurrence gets its own reminder, once
        with freeze_time("2027-06-02"):
            self._run_cron()
            self._run_cron()
        self.assertEqual(
            self._reminders().mapped("date_deadline"),
            [date(2026, 6, 5), date(2027, 6, 5)],
        )

    def test_run_after_missed_days(self):
        with freeze_time("2026-03-01"):
            late = self._key_date(self.contact, self.birthday, date(1980, 3, 10))
            missed = self._key_date(
                self.contact, self.child_birthday, date(2010, 3, 5), name="Ola"
            )
        # the job did not run from 3 to 7 March; on the 8th the occurrence of
        # the 10th is still ahead, the one of the 5th has passed
        with freeze_time("2026-03-08"):
            self._run_cron()
        activity = self._reminders()
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.date_deadline, date(2026, 3, 10))
        self.assertEqual(late.last_reminded_occurrence, date(2026, 3, 10))
        self.assertFalse(missed.last_reminded_occurrence)
        self.assertEqual(missed.next_occurrence, date(2027, 3, 5))

    def test_leap_day_reminded_on_28_february(self):
        with freeze_time("2027-01-10"):
            key_date = self._key_date(
                self.contact, self.birthday, date(1984, 2, 29), lead_days=0
            )
        self.assertEqual(key_date.next_occurrence, date(2027, 2, 28))
        with freeze_time("2027-02-28"):
            self._run_cron()
        self.assertEqual(self._reminders().date_deadline, date(2027, 2, 28))
        with freeze_time("2027-03-01"):
            self._run_cron()
        self.assertEqual(key_date.next_occurrence, date(2028, 2, 29))
        with freeze_time("2028-02-28"):
            self._run_cron()
        self.assertEqual(len(self._reminders()), 1)
        with freeze_time("2028-02-29"):
            self._run_cron()
        self.assertEqual(
            self._reminders().mapped("date_deadline"),
            [date(2027, 2, 28), date(2028, 2, 29)],
        )

    def test_lead_time_and_call_kind(self):
        with freeze_time("2026-01-01"):
            key_date = self._key_date(
                self.client, self.anniversary, date(2001, 1, 20), lead_days=10
            )
        self.assertEqual(key_date.reminder_kind, "call")
        with freeze_time("2026-01-09"):
            self._run_cron()
        self.assertFalse(self._reminders())
        with freeze_time("2026-01-10"):
            self._run_cron()
        activity = self._reminders()
        self.assertEqual(activity.activity_type_id, self.activity_call)
        self.assertEqual(activity.summary, "Call Nordwind Trading: Company Anniversary")

    def test_one_off_date(self):
        with freeze_time("2026-04-01"):
            key_date = self._key_date(
                self.contact,
                self.anniversary,
                date(2026, 4, 3),
                recurrence="once",
                reminder_kind="congratulate",
            )
            self._run_cron()
        self.assertEqual(len(self._reminders()), 1)
        with freeze_time("2026-04-04"):
            self._run_cron()
        self.assertFalse(key_date.next_occurrence)
        with freeze_time("2027-04-01"):
            self._run_cron()
        self.assertEqual(len(self._reminders()), 1)

    def test_archived_contacts_are_skipped(self):
        other = self.Partner.create({"name": "Closed Ltd", "is_company": True})
        with freeze_time("2026-05-01"):
            self._key_date(self.contact, self.birthday, date(1970, 5, 2))
            self._key_date(other, self.anniversary, date(1999, 5, 2))
            self.contact.action_archive()
            other.action_archive()
            self._run_cron()
        self.assertFalse(self._reminders())
        self.assertFalse(self._reminders(other))
        # unarchived before the occurrence: reminded then
        self.contact.action_unarchive()
        with freeze_time("2026-05-02"):
            self._run_cron()
        self.assertEqual(len(self._reminders()), 1)

    def test_responsible_user_fallback(self):
        orphan = self.Partner.create({"name": "No Salesperson", "is_company": True})
        self.segment_profile.key_date_responsible_user_id = self.responsible
        with freeze_time("2026-09-01"):
            self._key_date(orphan, self.anniversary, date(2010, 9, 2))
            self._run_cron()
        self.assertEqual(self._reminders(orphan).user_id, self.responsible)
        # without responsible user: the running user, the administrator for
        # the scheduler's superuser
        self.segment_profile.key_date_responsible_user_id = False
        with freeze_time("2026-09-01"):
            self._key_date(orphan, self.anniversary, date(2011, 9, 3))
            self._run_cron()
        self.assertEqual(
            self._reminders(orphan).user_id,
            self.responsible | self.env.ref("base.user_admin"),
        )

    def test_second_run_finds_nothing_due(self):
        with freeze_time("2026-07-01"):
            key_date = self._key_date(self.contact, self.birthday, date(1990, 7, 2))
            first = self.KeyDate._create_due_reminders(date(2026, 7, 1))
            second = self.KeyDate._create_due_reminders(date(2026, 7, 1))
        self.assertEqual(len(first), 1)
        self.assertFalse(second)
        self.assertEqual(key_date.last_reminded_occurrence, date(2026, 7, 2))

    def test_changed_date_is_reminded_again(self):
        with freeze_time("2026-07-01"):
            key_date = self._key_date(self.contact, self.birthday, date(1990, 7, 2))
            self._run_cron()
            key_date.date = date(1990, 7, 3)
            self._run_cron()
        self.assertEqual(
            self._reminders().mapped("date_deadline"),
            [date(2026, 7, 2), date(2026, 7, 3)],
        )

    def test_next_occurrence_refreshed_by_cron(self):
        with freeze_time("2026-06-01"):
            key_date = self._key_date(self.contact, self.birthday, date(1980, 6, 15))
        self.assertEqual(key_date.next_occurrence, date(2026, 6, 15))
        with freeze_time("2026-06-16"):
            self._run_cron()
        self.assertEqual(key_date.next_occurrence, date(2027, 6, 15))

    def test_several_reminders_for_a_client_the_user_does_not_follow(self):
        """Two dates of one client without salesperson go to the responsible
        user, who does not follow the client: both reminders are created and
        the user follows the client once."""
        orphan = self.Partner.create({"name": "No Salesperson", "is_company": True})
        person = self.Partner.create({"name": "Olga Lind", "parent_id": orphan.id})
        self.segment_profile.key_date_responsible_user_id = self.responsible
        with freeze_time("2026-09-01"):
            self._key_date(orphan, self.anniversary, date(2010, 9, 2))
            self._key_date(person, self.birthday, date(1980, 9, 3))
            self._key_date(person, self.child_birthday, date(2012, 9, 4), name="Ivo")
            self._run_cron()
        reminders = self._reminders(orphan)
        self.assertEqual(len(reminders), 3)
        self.assertEqual(reminders.user_id, self.responsible)
        followers = orphan.message_follower_ids.filtered(
            lambda follower: follower.partner_id == self.responsible.partner_id
        )
        self.assertEqual(len(followers), 1)

    def test_one_failing_client_does_not_stop_the_others(self):
        """A client whose reminder cannot be created fails alone: the other
        clients get theirs, and the failed date is retried the next run."""
        other = self.Partner.create({"name": "Second Client", "is_company": True})
        with freeze_time("2026-09-01"):
            broken = self._key_date(self.contact, self.birthday, date(1980, 9, 2))
            fine = self._key_date(other, self.anniversary, date(2010, 9, 2))
        Activity = self.env.registry["mail.activity"]
        original_create = Activity.create
        client_id = self.client.id

        def create(records, vals_list):
            if any(vals.get("res_id") == client_id for vals in vals_list):
                raise ValueError("simulated failure")
            return original_create(records, vals_list)

        with (
            freeze_time("2026-09-01"),
            patch.object(Activity, "create", create),
            self.assertLogs(
                "odoo.addons.client_segmentation.models.client_key_date", "ERROR"
            ) as logs,
        ):
            self._run_cron()
        self.assertIn("Nordwind Trading", logs.output[0])
        self.assertEqual(len(self._reminders(other)), 1)
        self.assertFalse(self._reminders())
        self.assertEqual(fine.last_reminded_occurrence, date(2026, 9, 2))
        self.assertFalse(broken.last_reminded_occurrence)
        with freeze_time("2026-09-01"):
            self._run_cron()
        self.assertEqual(len(self._reminders()), 1)
        self.assertEqual(len(self._reminders(other)), 1)
