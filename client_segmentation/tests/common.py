import datetime
from contextlib import contextmanager

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import ValidationError
from odoo.tests import TransactionCase, new_test_user

from odoo.addons.account.tests.common import AccountTestInvoicingCommon


class AssertValidationMixin:
    @contextmanager
    def _assert_validation(self, pattern):
        """assertRaises (which rolls the savepoint back, unlike
        assertRaisesRegex) plus a check of the message."""
        with self.assertRaises(ValidationError) as caught:
            yield caught
        self.assertRegex(str(caught.exception), pattern)


class SegmentationCase(AccountTestInvoicingCommon):
    """Accounting-ready companies and fast invoice helpers; no demo data."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.company_data["company"]
        cls.segment_profile = cls.company.segment_profile_ids
        cls.segment_profile.write(
            {
                "segment_abc_a_share": 75.0,
                "segment_abc_b_share": 20.0,
                "segment_window_months": 12,
                "segment_recency_hot_days": 30,
                "segment_recency_warm_days": 120,
            }
        )
        cls.Partner = cls.env["res.partner"]
        cls.salesman = new_test_user(
            cls.env,
            login="cs_salesman",
            groups="sales_team.group_sale_salesman,base.group_partner_manager",
            company_id=cls.company.id,
        )
        cls.sales_manager = new_test_user(
            cls.env,
            login="cs_sales_manager",
            groups="sales_team.group_sale_manager,base.group_partner_manager",
            company_id=cls.company.id,
        )

    @classmethod
    def _client(cls, name, **values):
        return cls.Partner.create({"name": name, "is_company": True, **values})

    @classmethod
    def _invoice_values(cls, partner, day, amount, move_type, currency):
        values = {
            "move_type": move_type,
            "partner_id": partner.id,
            "invoice_date": day,
            "invoice_line_ids": [
                Command.create(
                    {
                        "name": "Segment test line",
                        "quantity": 1,
                        "price_unit": amount,
                        "tax_ids": [Command.clear()],
                    }
                )
            ],
        }
        if currency:
            values["currency_id"] = currency.id
        return values

    @classmethod
    def _invoices(cls, specs, company=None, post=True):
        """Create (and post) invoices from ``(partner, day, amount)`` or
        ``(partner, day, amount, move_type)`` tuples in one create()."""
        company = company or cls.company
        values = []
        for spec in specs:
            partner, day, amount, *rest = spec
            move_type = rest[0] if rest else "out_invoice"
            currency = rest[1] if len(rest) > 1 else None
            values.append(
                cls._invoice_values(partner, day, amount, move_type, currency)
            )
        moves = cls.env["account.move"].with_company(company).create(values)
        if post:
            moves.action_post()
        return moves

    @staticmethod
    def _days_ago(days):
        return fields.Date.today() - datetime.timedelta(days=days)

    def _recompute(self, company=None):
        """The engine's public entry on one company; its result."""
        return self.env["client.segment.engine"].recompute(company or self.company)

    def _check_rhythm_and_history(self, buy):
        """A revenue source gives what invoices give (for the bridges' tests,
        frozen on 2026-06-30): ``buy(client, date, amount)`` on three
        purchase days a month apart makes a regular buyer with a 30-day
        rhythm, due soon; two months later a run records the move to warm,
        the rhythm overdue."""
        client = self._client("Rhythm")
        for date in ("2026-04-01", "2026-05-01", "2026-05-31"):
            buy(client, datetime.date.fromisoformat(date), 100)
        self._recompute()
        self.assertEqual(client.buying_interval_days, 30)
        self.assertEqual(client.next_purchase_date, datetime.date(2026, 6, 30))
        self.assertEqual(client.rhythm_state, "due_soon")
        self.assertEqual(client.purchase_frequency, "regular")
        self.assertEqual(client.recency_segment, "hot")
        with freeze_time("2026-08-30"):
            self._recompute()
            self.assertEqual(client.recency_segment, "warm")
            self.assertEqual(client.rhythm_state, "overdue")
        moves = self.env["client.segment.history"].search(
            [("partner_id", "=", client.id), ("dimension", "=", "recency")]
        )
        self.assertEqual(moves.mapped("new_value"), ["warm"])


class FunnelCase(SegmentationCase):
    """Segmentation case plus funnel thresholds, stages by rule, reasons and
    types; no demo data."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.segment_profile.write(
            {
                "segment_funnel_platinum_purchases": 3,
                "segment_funnel_long_purchases": 4,
                "segment_funnel_long_months": 12,
            }
        )
        cls.Stage = cls.env["client.funnel.stage"]

        def ref(name):
            return cls.env.ref(f"client_segmentation.{name}")

        cls.white = ref("client_funnel_stage_white")
        cls.grey = ref("client_funnel_stage_grey")
        cls.green = ref("client_funnel_stage_green")
        cls.yellow = ref("client_funnel_stage_yellow")
        cls.gold = ref("client_funnel_stage_gold")
        cls.platinum = ref("client_funnel_stage_platinum")
        cls.red_green = ref("client_funnel_stage_red_green")
        cls.red_gold = ref("client_funnel_stage_red_gold")
        cls.platinum_red = ref("client_funnel_stage_platinum_red")
        cls.reason_price = ref("client_refusal_reason_price")
        cls.type_loyal = ref("client_type_loyal")
        cls.type_regular = ref("client_type_regular")

    @classmethod
    def _client(cls, name, **values):
        return cls.Partner.create(
            {"name": name, "is_company": True, "customer_rank": 1, **values}
        )


class ClientCardCase(AssertValidationMixin, TransactionCase):
    """Clients, contact persons and users of the client card tests; no demo."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.segment_profile = cls.company.segment_profile_ids
        cls.Partner = cls.env["res.partner"]
        cls.KeyDate = cls.env["client.key.date"]
        cls.salesman = new_test_user(
            cls.env,
            login="card_salesman",
            groups="sales_team.group_sale_salesman,base.group_partner_manager",
        )
        cls.sales_manager = new_test_user(
            cls.env,
            login="card_sales_manager",
            groups="sales_team.group_sale_manager,base.group_partner_manager",
        )
        cls.responsible = new_test_user(
            cls.env, login="card_responsible", groups="base.group_user"
        )
        cls.client = cls.Partner.create(
            {"name": "Nordwind Trading", "is_company": True, "user_id": cls.salesman.id}
        )
        cls.contact = cls.Partner.create(
            {"name": "Anna Berg", "parent_id": cls.client.id, "function": "CEO"}
        )
        cls.birthday = cls.env.ref("client_segmentation.client_key_date_type_birthday")
        cls.child_birthday = cls.env.ref(
            "client_segmentation.client_key_date_type_child_birthday"
        )
        cls.anniversary = cls.env.ref(
            "client_segmentation.client_key_date_type_company_anniversary"
        )
        cls.activity_congratulate = cls.env.ref(
            "client_segmentation.mail_activity_type_key_date_congratulate"
        )
        cls.activity_call = cls.env.ref(
            "client_segmentation.mail_activity_type_key_date_call"
        )

    def _key_date(self, partner, key_date_type, day, **values):
        key_date = self.KeyDate.create(
            {
                "partner_id": partner.id,
                "type_id": key_date_type.id,
                "date": day,
                **values,
            }
        )
        # stored computes are flushed now, under the test's frozen day
        key_date.flush_recordset()
        return key_date

    def _reminders(self, partner=None):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "res.partner"),
                ("res_id", "=", (partner or self.client).id),
                (
                    "activity_type_id",
                    "in",
                    (self.activity_call | self.activity_congratulate).ids,
                ),
            ]
        )

    def _run_cron(self):
        return self.KeyDate._cron_create_reminders()
