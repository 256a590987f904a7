import datetime

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import Form, new_test_user, tagged
from odoo.tools import SQL

from .common import AssertValidationMixin, SegmentationCase

day = datetime.date

RHYTHM_DEFAULTS = {"segment_rhythm_lead_days": 7, "segment_rhythm_tolerance_days": 7}
# purchase days 30 days apart: usual interval 30, expected next 2026-05-31
PURCHASE_DAYS = (day(2026, 3, 2), day(2026, 4, 1), day(2026, 5, 1))
EXPECTED = day(2026, 5, 31)


@tagged("post_install", "-at_install")
class TestRhythmSettings(AssertValidationMixin, SegmentationCase):
    """The buying rhythm's lead and tolerance days on the sales managers'
    settings form: saved per company, validated with the other settings,
    applied to every client by the next recompute without aggregating
    anyone's documents again."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.segment_profile.write(RHYTHM_DEFAULTS)
        cls.company2 = cls.setup_other_company(name="Rhythm Co 2")["company"]
        cls.profile2 = cls.company2.segment_profile_ids
        cls.profile2.write(RHYTHM_DEFAULTS)
        cls.env.user.company_ids |= cls.company2
        cls.manager_both = new_test_user(
            cls.env,
            login="rhythm_manager_both",
            groups="sales_team.group_sale_manager,base.group_partner_manager",
            company_id=cls.company.id,
            company_ids=[(6, 0, (cls.company | cls.company2).ids)],
        )
        cls.monthly = cls._client("Monthly Buyer")
        with freeze_time("2026-05-01"):
            moves = cls._invoices(
                [(cls.monthly, purchase_day, 100) for purchase_day in PURCHASE_DAYS]
            ) | cls._invoices(
                [(cls.monthly, purchase_day, 40) for purchase_day in PURCHASE_DAYS],
                company=cls.company2,
            )
        # Everything written in a test transaction carries its start as
        # write_date: date the data back, as if it had been entered before,
        # so that a rerun has no document to aggregate again.
        cls.env.flush_all()
        for table, ids in (
            ("account_move", moves.ids),
            ("res_partner", cls.monthly.ids),
        ):
            cls.env.cr.execute(
                SQL(
                    "UPDATE %s SET write_date = write_date - interval '2 days'"
                    " WHERE id = ANY(%s)",
                    SQL.identifier(table),
                    ids,
                )
            )

    def _recompute_as(self, user, company):
        return (
            self.env["client.segment.engine"]
            .with_user(user)
            .with_company(company)
            .recompute(company)
        )

    def _save_form(self, user, company=None, **values):
        """Fill the company's profile form and save it."""
        company = company or self.company
        profile = company.segment_profile_ids.with_user(user).with_company(company)
        with Form(profile) as form:
            for name, value in values.items():
                setattr(form, name, value)
        return form.record

    def _rhythm(self, company=None):
        client = self.monthly.with_company(company or self.company)
        return (client.buying_interval_days, client.next_purchase_date)

    def _figures(self, company=None):
        """What the client's documents gave: on the partner and in the state
        the next run starts from."""
        company = company or self.company
        client = self.monthly.with_company(company)
        state = self.env["client.segment.state"].search(
            [("company_id", "=", company.id), ("partner_id", "=", client.id)]
        )
        return (
            client.segment_revenue_total,
            client.segment_purchase_count,
            client.segment_last_purchase_date,
            client.buying_interval_days,
            state.segment_revenue_window,
            state.segment_purchase_count,
            state.buying_interval_days,
        )

    def test_manager_moves_the_due_soon_and_overdue_edges(self):
        manager = self.sales_manager
        with freeze_time("2026-05-20"):  # 11 days before the expected day
            self._recompute_as(manager, self.company)
            self.assertEqual(self._rhythm(), (30, EXPECTED))
            self.assertEqual(self.monthly.rhythm_state, "not_due")
            figures = self._figures()
            self.assertEqual(figures, (300.0, 3, PURCHASE_DAYS[-1], 30, 300.0, 3, 30))
            self._save_form(manager, segment_rhythm_lead_days=14)
            self.assertEqual(self.segment_profile.segment_rhythm_lead_days, 14)
            rerun = self._recompute_as(manager, self.company)
            # nobody aggregated again: the state's figures are reclassified
            self.assertTrue(rerun["companies"][0]["incremental"])
            self.assertEqual(rerun["aggregated"], 0)
            self.assertEqual(rerun["changes"]["rhythm"], 1)
            self.assertEqual(self.monthly.rhythm_state, "due_soon")
            self.assertEqual(self._figures(), figures)
        with freeze_time("2026-06-04"):  # 4 days late
            self._save_form(manager, segment_rhythm_tolerance_days=3)
            self._recompute_as(manager, self.company)
            self.assertEqual(self.monthly.rhythm_state, "overdue")
            self._save_form(manager, segment_rhythm_tolerance_days=10)
            rerun = self._recompute_as(manager, self.company)
            self.assertEqual(rerun["aggregated"], 0)
            self.assertEqual(self.monthly.rhythm_state, "due_soon")
            self.assertEqual(self._rhythm(), (30, EXPECTED))
            self.assertEqual(self._figures(), figures)
        rows = self.env["client.segment.history"].search(
            [
                ("partner_id", "=", self.monthly.id),
                ("company_id", "=", self.company.id),
                ("dimension", "=", "rhythm"),
            ],
            order="date, id",
        )
        self.assertEqual(
            [(row.old_value or None, row.new_value) for row in rows],
            [
                ("not_due", "due_soon"),
                ("due_soon", "overdue"),
                ("overdue", "due_soon"),
            ],
        )

    def test_salesperson_cannot_change_the_rhythm_days(self):
        with self.assertRaises(AccessError):
            self.segment_profile.with_user(self.salesman).write(
                {"segment_rhythm_lead_days": 30, "segment_rhythm_tolerance_days": 0}
            )
        self.assertEqual(self.segment_profile.segment_rhythm_lead_days, 7)
        self.assertEqual(self.segment_profile.segment_rhythm_tolerance_days, 7)

    def test_bad_days_refused_naming_the_field_nothing_written(self):
        cases = [
            ({"segment_rhythm_lead_days": -1}, "Due Soon From.*0 to 3650"),
            ({"segment_rhythm_tolerance_days": 100000}, "Overdue After.*0 to 3650"),
            # a valid value saved with a bad one is not written either
            (
                {
                    "segment_abc_a_share": 60.0,
                    "segment_rhythm_lead_days": 3,
                    "segment_rhythm_tolerance_days": -5,
                },
                "Overdue After",
            ),
        ]
        profile = self.segment_profile.with_user(self.sales_manager)
        for values, pattern in cases:
            with self.subTest(values=values):
                with self._assert_validation(pattern):
                    profile.write(values)
                self.assertEqual(self.segment_profile.segment_abc_a_share, 75.0)
                self.assertEqual(self.segment_profile.segment_rhythm_lead_days, 7)
                self.assertEqual(self.segment_profile.segment_rhythm_tolerance_days, 7)
        # the edges themselves are valid
        self._save_form(
            self.sales_manager,
            segment_rhythm_lead_days=0,
            segment_rhythm_tolerance_days=3650,
        )
        self.assertEqual(self.segment_profile.segment_rhythm_tolerance_days, 3650)

    def test_days_are_per_company(self):
        manager = self.manager_both
        record = self._save_form(
            manager, company=self.company2, segment_rhythm_lead_days=14
        )
        self.assertEqual(record, self.profile2)
        self.assertEqual(self.profile2.segment_rhythm_lead_days, 14)
        self.assertEqual(self.segment_profile.segment_rhythm_lead_days, 7)
        with Form(self.segment_profile.with_user(manager)) as form:
            self.assertEqual(form.segment_rhythm_lead_days, 7)
        with freeze_time("2026-05-20"):
            for company in (self.company, self.company2):
                self._recompute_as(manager, company)
        self.assertEqual(self._rhythm(self.company2), (30, EXPECTED))
        self.assertEqual(self.monthly.rhythm_state, "not_due")
        self.assertEqual(
            self.monthly.with_company(self.company2).rhythm_state, "due_soon"
        )
        # a manager of the first company only cannot change the second one's
        with self.assertRaises(AccessError):
            self.profile2.with_user(self.sales_manager).write(
                {"segment_rhythm_lead_days": 1}
            )
        self.assertEqual(self.profile2.segment_rhythm_lead_days, 14)

    def test_preview_from_the_form_with_the_rhythm_days(self):
        """Preview opens from the profile with the saved values; the values
        typed in it are previewed, not saved; Apply saves them."""
        manager = self.sales_manager
        with freeze_time("2026-05-20"):
            self._recompute_as(manager, self.company)
            self.assertEqual(self.monthly.recency_segment, "hot")
            record = self._save_form(manager, segment_rhythm_lead_days=14)
            action = record.action_open_preview()
            self.assertEqual(action["res_model"], "client.segment.preview")
            with Form(
                self.env["client.segment.preview"]
                .with_user(manager)
                .browse(action["res_id"])
            ) as preview:
                self.assertEqual(preview.segment_recency_hot_days, 30)
                preview.segment_recency_hot_days = 10
            preview = preview.record
            preview.action_preview()
            # 19 days since the last purchase: warm with 10 hot days
            self.assertEqual(preview.recency_moves, 1)
            self.assertEqual(preview.abc_moves, 0)
            self.assertEqual(self.segment_profile.segment_recency_hot_days, 30)
            self.assertEqual(self.segment_profile.segment_rhythm_lead_days, 14)
            self.assertEqual(self.monthly.rhythm_state, "not_due")
            preview.action_apply()
            self.assertEqual(self.segment_profile.segment_recency_hot_days, 10)
            self._recompute_as(manager, self.company)
        self.assertEqual(self.monthly.recency_segment, "warm")
        self.assertEqual(self.monthly.rhythm_state, "due_soon")
