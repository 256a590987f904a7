import psycopg2
from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from ..tools import funnel
from .common import FunnelCase

TRACKING_ON = {"tracking_disable": False, "mail_notrack": False}


@tagged("post_install", "-at_install")
@freeze_time("2026-06-30")
class TestFunnelRules(FunnelCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.first = cls._client("First Purchase")
        cls.repeat = cls._client("Three Purchases")
        cls.two_sleeping = cls._client("Two Then Sleeping")
        cls.long_sleeping = cls._client("Long Then Sleeping")
        cls.short_many_sleeping = cls._client("Many Short Then Sleeping")
        cls.unknown_dm = cls._client("No Decision Maker")
        cls.known_dm = cls._client("Known Decision Maker")
        cls.known_dm_contact = cls.Partner.create(
            {
                "name": "Decider",
                "parent_id": cls.known_dm.id,
                "is_decision_maker": True,
            }
        )
        cls.person = cls.Partner.create({"name": "Private Buyer", "customer_rank": 1})
        days = cls._days_ago
        cls._invoices(
            [
                (cls.first, days(10), 100),
                (cls.repeat, days(5), 100),
                (cls.repeat, days(60), 100),
                (cls.repeat, days(90), 100),
                (cls.two_sleeping, days(130), 100),
                (cls.two_sleeping, days(200), 100),
                # 4 purchases over 430 days, the last one sleeping
                (cls.long_sleeping, days(130), 100),
                (cls.long_sleeping, days(250), 100),
                (cls.long_sleeping, days(400), 100),
                (cls.long_sleeping, days(560), 100),
                # 5 purchases within 3 months: not a long cooperation
                *(
                    (cls.short_many_sleeping, days(d), 100)
                    for d in (130, 150, 170, 190, 210)
                ),
            ]
        )

    def test_automatic_rules_and_temperature(self):
        stats = self._recompute()
        self.assertGreaterEqual(stats["changes"]["stage"], 6)
        expected = {
            # one purchase, recent: warm (interest, not a buying habit)
            self.first: (self.gold, "warm"),
            self.repeat: (self.platinum, "hot"),
            self.two_sleeping: (self.red_gold, "cold"),
            # sleeping, but it buys every five months and its next purchase
            # is not due: it keeps its rhythm (orders regularly), hot
            self.long_sleeping: (self.platinum_red, "hot"),
            self.short_many_sleeping: (self.red_gold, "cold"),
            self.unknown_dm: (self.grey, "cold"),
            self.known_dm: (self.white, "cold"),
            self.person: (self.white, "cold"),
        }
        for partner, (stage, temperature) in expected.items():
            with self.subTest(partner=partner.name):
                self.assertEqual(partner.funnel_stage_id, stage)
                self.assertEqual(partner.temperature, temperature)
                # the SQL engine and the pure rules agree
                rule = funnel.automatic_rule(
                    partner.segment_purchase_count,
                    partner.recency_segment,
                    partner.segment_first_purchase_date,
                    partner.segment_last_purchase_date,
                    partner.is_company,
                    partner.decision_maker_known,
                    3,
                    4,
                    12,
                )
                self.assertEqual(rule, stage.auto_rule)
                self.assertEqual(
                    funnel.temperature(
                        partner.temperature_override,
                        partner.segment_purchase_count,
                        partner.recency_segment,
                        stage.temperature,
                        rhythm_state=partner.rhythm_state,
                        purchase_stage=stage.auto_rule in funnel.PURCHASE_RULES,
                    ),
                    temperature,
                )
        # contact persons are not funnel clients of their own
        self.assertEqual(self.known_dm_contact.funnel_stage_id, self.white)
        # searching and grouping by the stored jsonb values
        self.assertEqual(
            self.Partner.search([("funnel_stage_id", "=", self.red_gold.id)]),
            self.two_sleeping | self.short_many_sleeping,
        )

    def test_second_run_writes_nothing(self):
        self._recompute()
        self.assertEqual(self._recompute()["changes"]["stage"], 0)

    def test_warm_buyer_is_warm(self):
        warm = self._client("Warm")
        self._invoices([(warm, self._days_ago(45), 100)])
        self._recompute()
        self.assertEqual((warm.funnel_stage_id, warm.temperature), (self.gold, "warm"))

    def test_long_cooperation_months_zero_counts_purchases_only(self):
        self.segment_profile.segment_funnel_long_months = 0
        self._recompute()
        self.assertEqual(self.short_many_sleeping.funnel_stage_id, self.platinum_red)

    def test_precedence_manual_locked_and_purchases(self):
        prospect = self._client("Prospect")
        prospect.write({"funnel_stage_id": self.green.id})
        self.first.write({"funnel_stage_id": self.yellow.id})
        self.repeat.write(
            {"funnel_stage_id": self.green.id, "funnel_stage_locked": True}
        )
        self._recompute()
        # a manual stage of a non buyer stays, even though grey applies
        self.assertEqual(prospect.funnel_stage_id, self.green)
        self.assertEqual(prospect.temperature, "warm")
        # a purchase wins over an unlocked manual stage
        self.assertEqual(self.first.funnel_stage_id, self.gold)
        # a locked stage is never touched
        self.assertEqual(self.repeat.funnel_stage_id, self.green)
        self.repeat.funnel_stage_locked = False
        self._recompute()
        self.assertEqual(self.repeat.funnel_stage_id, self.platinum)

    def test_buyer_moved_to_manual_stage_refused_unless_locked(self):
        """A client who bought follows its purchases: a drag to a manual
        column is refused with the reason (the recompute would undo it),
        unless the stage is locked; a refusal with its reason is taken."""
        self._recompute()
        self.assertEqual(self.first.funnel_stage_id, self.gold)
        buyer = self.first.with_user(self.salesman)
        with self.assertRaisesRegex(UserError, "bought already.*Lock the stage"):
            buyer.write({"funnel_stage_id": self.yellow.id})
        self.assertEqual(self.first.funnel_stage_id, self.gold)
        # a prospect moves freely
        prospect = self._client("Manual Prospect").with_user(self.salesman)
        prospect.write({"funnel_stage_id": self.yellow.id})
        self.assertEqual(prospect.funnel_stage_id, self.yellow)
        # locked (in the same write or before): placed by hand, and kept
        buyer.write({"funnel_stage_id": self.yellow.id, "funnel_stage_locked": True})
        self._recompute()
        self.assertEqual(self.first.funnel_stage_id, self.yellow)
        buyer.write({"funnel_stage_id": self.green.id})
        self.assertEqual(self.first.funnel_stage_id, self.green)
        # a refusal of a buyer stands until it buys again
        self.repeat.with_user(self.salesman).write(
            {
                "funnel_stage_id": self.red_green.id,
                "refusal_reason_id": self.reason_price.id,
            }
        )
        self._recompute()
        self.assertEqual(self.repeat.funnel_stage_id, self.red_green)

    def test_decision_maker_makes_grey_white(self):
        self._recompute()
        self.assertEqual(self.unknown_dm.funnel_stage_id, self.grey)
        self.Partner.create(
            {"name": "Boss", "parent_id": self.unknown_dm.id, "is_decision_maker": True}
        )
        self._recompute()
        self.assertEqual(self.unknown_dm.funnel_stage_id, self.white)

    def test_engine_logs_purchase_stage_changes(self):
        def stage_tracking(partner):
            return partner.message_ids.tracking_value_ids.filtered(
                lambda value: value.field_id.name == "funnel_stage_id"
            )

        # the company's first run is its initial classification: not logged
        self._recompute()
        self.assertEqual(self.first.funnel_stage_id, self.gold)
        self.assertFalse(stage_tracking(self.first))
        newcomer = self._client("Newcomer")
        self._invoices([(newcomer, self._days_ago(2), 100)])
        self._recompute()
        tracking = stage_tracking(newcomer)
        self.assertEqual(len(tracking), 1)
        self.assertEqual(tracking.old_value_char, self.white.name)
        self.assertEqual(tracking.new_value_char, self.gold.name)
        # grey since the first run, which is summarised, not logged per client
        self.assertFalse(stage_tracking(self.unknown_dm))

    def test_other_company_untouched(self):
        other = self.env["res.company"].create({"name": "Funnel Other Co"})
        self.env.user.company_ids |= other
        self.first.with_company(other).write({"funnel_stage_id": self.green.id})
        self._recompute()
        self.assertEqual(self.first.funnel_stage_id, self.gold)
        self.assertEqual(self.first.with_company(other).funnel_stage_id, self.green)

    def test_empty_columns_are_grouped(self):
        groups = self.Partner._read_group(
            [("id", "=", self.first.id)], ["funnel_stage_id"], ["__count"]
        )
        self.assertEqual(len(groups), 1)
        web_groups = self.Partner.web_read_group(
            [("id", "=", self.first.id)], ["funnel_stage_id"], ["funnel_stage_id"]
        )["groups"]
        self.assertEqual(
            [group["funnel_stage_id"][0] for group in web_groups],
            self.Stage.search([]).ids,
        )
        for field, values in (
            ("temperature", ["cold", "warm", "hot"]),
            ("abc_class", ["a", "b", "c"]),
            ("recency_segment", ["hot", "warm", "sleeping", "none"]),
        ):
            web_groups = self.Partner.web_read_group(
                [("id", "=", self.first.id)], [field], [field]
            )["groups"]
            self.assertEqual(
                {group[field] for group in web_groups} - {False}, set(values)
            )


@tagged("post_install", "-at_install")
class TestFunnelManualChanges(FunnelCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.client = cls._client("Manual Client")

    def test_new_client_is_white_and_cold(self):
        self.assertEqual(self.client.funnel_stage_id, self.white)
        self.assertEqual(self.client.temperature, "cold")

    def test_automatic_stage_refused_unless_locked(self):
        with self.assertRaisesRegex(UserError, "set automatically"):
            self.client.write({"funnel_stage_id": self.gold.id})
        self.assertEqual(self.client.funnel_stage_id, self.white)
        with self.assertRaisesRegex(UserError, "set automatically"):
            self._client("Created Gold", funnel_stage_id=self.gold.id)
        self.client.write(
            {"funnel_stage_id": self.gold.id, "funnel_stage_locked": True}
        )
        self.assertEqual(self.client.funnel_stage_id, self.gold)
        self.client.write({"funnel_stage_id": self.platinum.id})
        self.assertEqual(self.client.funnel_stage_id, self.platinum)

    def test_red_stage_needs_reason(self):
        self.client.write({"funnel_stage_id": self.green.id})
        with self.assertRaisesRegex(UserError, "refusal reason"):
            self.client.write({"funnel_stage_id": self.red_green.id})
        self.assertEqual(self.client.funnel_stage_id, self.green)
        self.client.write(
            {
                "funnel_stage_id": self.red_green.id,
                "refusal_reason_id": self.reason_price.id,
            }
        )
        self.assertEqual(self.client.refusal_reason_id, self.reason_price)
        self.assertEqual(self.client.temperature, "cold")
        self.assertIn(
            self.client,
            self.Partner.search([("refusal_reason_id", "=", self.reason_price.id)]),
        )
        # leaving the red stage forgets the reason
        self.client.write({"funnel_stage_id": self.yellow.id})
        self.assertFalse(self.client.refusal_reason_id)
        self.assertEqual(self.client.temperature, "warm")

    def test_refusal_wizard_sets_stage_and_reason(self):
        """What the funnel board opens when a card is dropped on a red stage."""
        other = self._client("Second Refuser")
        wizard = (
            self.env["client.refusal.wizard"]
            .with_user(self.salesman)
            .create(
                {
                    "partner_ids": [Command.set((self.client | other).ids)],
                    "stage_id": self.red_green.id,
                    "refusal_reason_id": self.reason_price.id,
                }
            )
        )
        wizard.action_apply()
        for partner in (self.client, other):
            self.assertEqual(partner.funnel_stage_id, self.red_green)
            self.assertEqual(partner.refusal_reason_id, self.reason_price)
        # no reason, no stage change
        with mute_logger("odoo.sql_db"), self.assertRaises(psycopg2.IntegrityError):
            self.env["client.refusal.wizard"].with_user(self.salesman).create(
                {"partner_ids": [Command.set(other.ids)], "stage_id": self.red_green.id}
            )

    def test_temperature_override_and_readonly(self):
        with self.assertRaises(UserError):
            self.client.write({"temperature": "hot"})
        self.client.write({"temperature_override": "hot"})
        self.assertEqual(self.client.temperature, "hot")
        self.client.write({"funnel_stage_id": self.green.id})
        self.assertEqual(self.client.temperature, "hot")
        self.client.write({"temperature_override": False})
        self.assertEqual(self.client.temperature, "warm")

    def test_stage_and_typology_changes_tracked(self):
        # records created in the running transaction are not tracked until
        # its pending tracking is finalized
        self._finalize_tracking()
        client = self.client.with_context(**TRACKING_ON).with_user(self.salesman)
        # one request (transaction) each, as in the user interface
        for values in (
            {"client_type_id": self.type_regular.id},
            {"client_type_id": self.type_loyal.id},
            {"funnel_stage_id": self.green.id},
        ):
            client.write(values)
            self._finalize_tracking()
        values = (
            self.env["mail.message"]
            .search([("model", "=", "res.partner"), ("res_id", "=", self.client.id)])
            .tracking_value_ids
        )
        types = values.filtered(lambda value: value.field_id.name == "client_type_id")
        self.assertEqual(
            sorted(types.mapped("new_value_char")),
            sorted([self.type_regular.name, self.type_loyal.name]),
        )
        self.assertEqual(types.mail_message_id.author_id, self.salesman.partner_id)
        self.assertTrue(all(types.mail_message_id.mapped("date")))
        stages = values.filtered(lambda value: value.field_id.name == "funnel_stage_id")
        self.assertEqual(stages.new_value_char, self.green.name)

    def _finalize_tracking(self):
        self.env.flush_all()
        self.env.cr.precommit.run()

    def test_thresholds_validated(self):
        for values in (
            {"segment_funnel_platinum_purchases": 1},
            {"segment_funnel_long_purchases": 1},
            {"segment_funnel_long_months": -1},
        ):
            with self.subTest(values=values), self.assertRaises(ValidationError):
                self.segment_profile.write(values)

    def test_automatic_stage_cannot_be_deleted(self):
        with self.assertRaises(UserError):
            self.gold.unlink()
        self.assertTrue(self.gold.exists())

    def test_one_stage_per_rule(self):
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(psycopg2.errors.UniqueViolation),
            self.cr.savepoint(),
        ):
            self.Stage.create({"name": "Second gold", "auto_rule": "gold"})
