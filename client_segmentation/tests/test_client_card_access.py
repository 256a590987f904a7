from datetime import date

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import ClientCardCase

CONFIG_MODELS = ("client.channel", "client.interest.tag", "client.key.date.type")


@tagged("post_install", "-at_install")
class TestClientCardAccess(ClientCardCase):
    def test_config_models_salesman_reads_only(self):
        for model in CONFIG_MODELS:
            with self.subTest(model=model):
                Model = self.env[model].with_user(self.salesman)
                record = self.env[model].create({"name": f"Config {model}"})
                self.assertEqual(
                    Model.browse(record.id).read(["name"])[0]["name"],
                    f"Config {model}",
                )
                with self.assertRaises(AccessError):
                    Model.create({"name": "By salesman"})
                with self.assertRaises(AccessError):
                    Model.browse(record.id).write({"name": "Renamed"})
                with self.assertRaises(AccessError):
                    Model.browse(record.id).unlink()

    def test_config_models_manager_edits(self):
        for model in CONFIG_MODELS:
            with self.subTest(model=model):
                Model = self.env[model].with_user(self.sales_manager)
                record = Model.create({"name": f"Manager {model}"})
                record.write({"name": "Renamed"})
                self.assertEqual(record.name, "Renamed")
                record.unlink()
                self.assertFalse(record.exists())

    def test_key_dates_salesman_and_manager(self):
        for user in (self.salesman, self.sales_manager):
            with self.subTest(user=user.login):
                key_date = (
                    self.env["client.key.date"]
                    .with_user(user)
                    .create(
                        {
                            "partner_id": self.contact.id,
                            "type_id": self.birthday.id,
                            "date": date(1980, 2, 2),
                        }
                    )
                )
                key_date.write({"lead_days": 7, "notes": "Likes tulips"})
                self.assertEqual(key_date.lead_days, 7)
                key_date.unlink()
                self.assertFalse(key_date.exists())

    def test_key_date_reminder_marker_not_user_writable(self):
        key_date = self._key_date(self.contact, self.birthday, date(1980, 2, 2))
        form_fields = key_date.with_user(self.salesman).fields_get(
            ["last_reminded_occurrence", "next_occurrence"], ["readonly"]
        )
        self.assertTrue(form_fields["last_reminded_occurrence"]["readonly"])
        self.assertTrue(form_fields["next_occurrence"]["readonly"])

    def test_key_dates_multi_company(self):
        other_company = self.env["res.company"].create({"name": "Other Co"})
        foreign = self.Partner.create(
            {"name": "Foreign Client", "company_id": other_company.id}
        )
        key_date = self._key_date(foreign, self.birthday, date(1980, 2, 2))
        self.assertEqual(key_date.company_id, other_company)
        visible = (
            self.env["client.key.date"]
            .with_user(self.salesman)
            .search([("id", "=", key_date.id)])
        )
        self.assertFalse(visible)
        with self.assertRaises(AccessError):
            key_date.with_user(self.salesman).read(["date"])

    def test_card_readable_by_salesman(self):
        card = self.client.with_user(self.salesman)
        values = card.read(
            [
                "preferred_channel_id",
                "decision_maker_known",
                "purchase_frequency",
                "current_order_stage",
                "top_product_category_ids",
                "usual_payment_term_id",
                "next_key_date",
                "next_key_date_name",
                "interest_tag_ids",
            ]
        )[0]
        self.assertFalse(values["purchase_frequency"])
        self.assertFalse(values["current_order_stage"])

    def test_purchase_frequency_not_writable(self):
        for user in (self.salesman, self.sales_manager):
            with self.subTest(user=user.login):
                with self.assertRaises(UserError):
                    self.client.with_user(user).write({"purchase_frequency": "regular"})

    def test_salesman_edits_card_fields(self):
        phone = self.env.ref("client_segmentation.client_channel_phone")
        self.contact.with_user(self.salesman).write(
            {
                "preferred_channel_id": phone.id,
                "is_decision_maker": True,
                "call_time_from": 8.0,
                "call_time_to": 9.0,
                "gift_preferences": "Books",
            }
        )
        self.assertEqual(self.contact.preferred_channel_id, phone)

    def test_views_load_for_salesman(self):
        partner_views = (
            self.env["res.partner"]
            .with_user(self.salesman)
            .get_views([(False, "form"), (False, "list"), (False, "search")])
        )
        form_fields = partner_views["models"]["res.partner"]["fields"]
        for name in ("preferred_channel_id", "key_date_ids", "client_needs"):
            self.assertIn(name, form_fields)
        key_date_views = (
            self.env["client.key.date"]
            .with_user(self.salesman)
            .get_views(
                [
                    (False, "list"),
                    (False, "calendar"),
                    (False, "form"),
                    (False, "search"),
                ]
            )
        )
        self.assertEqual(
            set(key_date_views["views"]), {"list", "calendar", "form", "search"}
        )
