from datetime import date

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time
from lxml import etree

from odoo import Command
from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from .common import ClientCardCase


@tagged("post_install", "-at_install")
class TestClientCard(ClientCardCase):
    def test_call_window_validation(self):
        self.contact.write({"call_time_from": 9.0, "call_time_to": 17.5})
        self.assertEqual(self.contact.call_time_to, 17.5)
        for start, end in ((17.0, 9.0), (9.0, 9.0), (9.0, 25.0), (-1.0, 10.0)):
            with self._assert_validation("convenient time to call"):
                self.contact.write({"call_time_from": start, "call_time_to": end})
        self.assertEqual(
            (self.contact.call_time_from, self.contact.call_time_to), (9.0, 17.5)
        )

    def test_key_date_without_date(self):
        with self._assert_validation("Birthday.*Anna Berg.*needs a date"):
            self.KeyDate.create(
                {"partner_id": self.contact.id, "type_id": self.birthday.id}
            )
        with self._assert_validation("needs a date"):
            self.Partner.create(
                {
                    "name": "Half Saved",
                    "key_date_ids": [Command.create({"type_id": self.birthday.id})],
                }
            )
        self.assertFalse(self.Partner.search([("name", "=", "Half Saved")]))
        with freeze_time("2026-01-01"):
            key_date = self._key_date(self.contact, self.birthday, date(1980, 1, 5))
        with self._assert_validation("needs a date"):
            key_date.date = False

    @freeze_time("2026-03-15")
    def test_birthday_in_the_future(self):
        with self._assert_validation("cannot lie in the future"):
            self._key_date(self.contact, self.birthday, date(2026, 3, 16))
        self.assertFalse(self.contact.key_date_ids)
        self._key_date(self.contact, self.birthday, date(2026, 3, 15))
        # an anniversary may be planned ahead
        anniversary = self._key_date(self.client, self.anniversary, date(2030, 1, 1))
        self.assertEqual(anniversary.next_occurrence, date(2030, 1, 1))

    def test_lead_days_bounds(self):
        with self._assert_validation("lead time"):
            self._key_date(self.contact, self.birthday, date(1980, 1, 1), lead_days=91)
        with self._assert_validation("lead time"):
            self.birthday.lead_days = -1

    def test_decision_maker_known(self):
        other = self.Partner.create({"name": "Unknown Co", "is_company": True})
        self.assertFalse(self.client.decision_maker_known)
        known = self.Partner.search([("decision_maker_known", "=", True)])
        self.assertNotIn(self.client, known)
        self.contact.is_decision_maker = True
        self.client.invalidate_recordset(["decision_maker_known"])
        self.assertTrue(self.client.decision_maker_known)
        self.assertTrue(self.contact.decision_maker_known)
        self.assertFalse(other.decision_maker_known)
        self.assertIn(
            self.client, self.Partner.search([("decision_maker_known", "=", True)])
        )
        unknown = self.Partner.search([("decision_maker_known", "!=", True)])
        self.assertIn(other, unknown)
        self.assertNotIn(self.client, unknown)
        # an archived decision maker is not known any more
        self.contact.action_archive()
        self.client.invalidate_recordset(["decision_maker_known"])
        self.assertFalse(self.client.decision_maker_known)
        self.assertIn(
            self.client, self.Partner.search([("decision_maker_known", "=", False)])
        )
        # the client itself flagged (a sole trader)
        other.is_decision_maker = True
        self.assertIn(other, self.Partner.search([("decision_maker_known", "=", True)]))

    def test_tracking_of_channel_and_decision_maker(self):
        phone = self.env.ref("client_segmentation.client_channel_phone")
        contact = self.Partner.create({"name": "Tracked", "parent_id": self.client.id})
        self.env.flush_all()
        self.env.cr.precommit.run()
        contact.write({"preferred_channel_id": phone.id, "is_decision_maker": True})
        self.env.flush_all()
        self.env.cr.precommit.run()
        contact.invalidate_recordset(["message_ids"])
        tracked = contact.message_ids.tracking_value_ids.field_id.mapped("name")
        self.assertIn("preferred_channel_id", tracked)
        self.assertIn("is_decision_maker", tracked)

    @freeze_time("2026-06-01")
    def test_next_key_date_of_client_and_contacts(self):
        other_contact = self.Partner.create(
            {"name": "Piotr Nowak", "parent_id": self.client.id}
        )
        self._key_date(self.client, self.anniversary, date(2001, 9, 1))
        self._key_date(self.contact, self.birthday, date(1980, 8, 1))
        self._key_date(
            other_contact, self.child_birthday, date(2015, 6, 20), name="Ewa"
        )
        partners = self.client | self.contact | other_contact
        partners.invalidate_recordset(["next_key_date", "next_key_date_name"])
        self.assertEqual(self.client.next_key_date, date(2026, 6, 20))
        self.assertEqual(
            self.client.next_key_date_name, "Piotr Nowak: Child's Birthday (Ewa)"
        )
        self.assertEqual(self.contact.next_key_date, date(2026, 8, 1))
        self.assertEqual(other_contact.next_key_date, date(2026, 6, 20))
        # archived contact persons do not count
        other_contact.action_archive()
        self.client.invalidate_recordset(["next_key_date"])
        self.assertEqual(self.client.next_key_date, date(2026, 8, 1))

    def _filter_domain(self, view_xmlid, name):
        """Domain of a search view filter, evaluated like the web client."""
        arch = etree.fromstring(self.env.ref(view_xmlid).arch)
        (node,) = arch.xpath(f"//filter[@name='{name}']")
        return safe_eval(
            node.get("domain"),
            {"context_today": date.today, "relativedelta": relativedelta},
        )

    def _search(self, records, view_xmlid, name):
        return records.search(
            [("id", "in", records.ids)] + self._filter_domain(view_xmlid, name)
        )

    @freeze_time("2026-06-03")  # a Wednesday
    def test_key_date_filters(self):
        this_week = self._key_date(self.contact, self.birthday, date(1980, 6, 7))
        this_month = self._key_date(
            self.contact, self.child_birthday, date(2011, 6, 30)
        )
        later = self._key_date(self.contact, self.birthday, date(1982, 7, 1))
        anniversary = self._key_date(self.client, self.anniversary, date(2001, 6, 5))
        past = self._key_date(
            self.client, self.anniversary, date(2026, 6, 1), recurrence="once"
        )
        key_date_view = "client_segmentation.client_key_date_view_search"
        mine = self.KeyDate.search(
            [("id", "in", (this_week | this_month | later | anniversary | past).ids)]
        )
        self.assertEqual(
            self._search(mine, key_date_view, "this_week"),
            this_week | anniversary,
        )
        self.assertEqual(
            self._search(mine, key_date_view, "this_month"),
            this_week | this_month | anniversary,
        )
        self.assertEqual(
            self._search(mine, key_date_view, "birthdays"),
            this_week | this_month | later,
        )
        self.assertEqual(
            self._search(mine, key_date_view, "upcoming"),
            mine - past,
        )
        partner_view = "client_segmentation.res_partner_view_search_client_card"
        clients = self.client | self.contact
        for name, expected in (
            ("birthday_this_week", self.contact),
            ("birthday_this_month", self.contact),
        ):
            found = self.Partner.search(
                [("id", "in", clients.ids)] + self._filter_domain(partner_view, name)
            )
            self.assertEqual(found, expected)
        this_week.unlink()
        found = self.Partner.search(
            [("id", "in", clients.ids)]
            + self._filter_domain(partner_view, "birthday_this_week")
        )
        self.assertFalse(found)

    def test_action_view_key_dates(self):
        action = self.client.action_view_key_dates()
        self.assertEqual(action["res_model"], "client.key.date")
        self.assertEqual(
            action["domain"], [("partner_id", "child_of", self.client.ids)]
        )
