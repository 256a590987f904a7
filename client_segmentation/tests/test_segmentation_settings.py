import psycopg2

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged
from odoo.tools import SQL, mute_logger

from ..tools import settings
from .common import AssertValidationMixin, SegmentationCase


@tagged("post_install", "-at_install")
class TestSegmentationSettings(AssertValidationMixin, SegmentationCase):
    """The company's client.segmentation.profile: one per company, checked
    whole, edited by sales managers through access rules."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_2 = cls.env["res.company"].create({"name": "Profile Co 2"})
        cls.manager_2 = new_test_user(
            cls.env,
            login="cs_profile_manager_2",
            groups="sales_team.group_sale_manager",
            company_id=cls.company_2.id,
            company_ids=[cls.company_2.id],
        )

    def _saved(self):
        self.segment_profile.invalidate_recordset()
        return (
            self.segment_profile.segment_abc_a_share,
            self.segment_profile.segment_recency_warm_days,
            self.segment_profile.segment_window_months,
        )

    def test_one_profile_per_company_created_with_it(self):
        self.assertEqual(len(self.company_2.segment_profile_ids), 1)
        profile = self.company_2.segment_profile_ids
        self.assertEqual(
            {name: profile[name] for name in settings.SETTINGS_FIELDS},
            {
                "segment_abc_a_share": 75.0,
                "segment_abc_b_share": 20.0,
                "segment_window_months": 12,
                "segment_recency_hot_days": 30,
                "segment_recency_warm_days": 120,
                "segment_frequency_regular_min": 3,
                "segment_funnel_platinum_purchases": 3,
                "segment_funnel_long_purchases": 4,
                "segment_funnel_long_months": 12,
                "segment_interest_days": 90,
                "segment_rhythm_lead_days": 7,
                "segment_rhythm_tolerance_days": 7,
                "work_plan_pressure_touches": 1,
                "work_plan_pressure_days": 7,
            },
        )
        self.assertIn(self.company_2.name, profile.display_name)
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(psycopg2.errors.UniqueViolation),
            self.cr.savepoint(),
        ):
            self.env["client.segmentation.profile"].sudo().create(
                {"company_id": self.company_2.id}
            )
        # no profile (a company created by SQL): one is made when read
        self.company_2.segment_profile_ids.sudo().unlink()
        self.assertTrue(self.company_2._segment_profile().exists())
        self.assertFalse(
            self.env["client.segmentation.profile"]._create_missing_profiles()
        )

    def test_every_setting_is_on_the_profile_form(self):
        """A threshold is a field of the profile, its bounds in tools/ and a
        line of the profile's form (docs/architecture.md, "Adding one
        threshold"): each setting of tools/settings.py is both."""
        arch = self.env["client.segmentation.profile"].get_views([(False, "form")])[
            "views"
        ]["form"]["arch"]
        for name in (
            *settings.SETTINGS_FIELDS,
            "segment_revenue_source",
            "key_date_responsible_user_id",
        ):
            with self.subTest(name=name):
                self.assertIn(name, self.segment_profile._fields)
                self.assertIn(f'name="{name}"', arch)

    def test_whole_record_constraint(self):
        """Every value against its bounds and the others, once written: values
        changed together are judged together, a bad one saves nothing."""
        invalid = [
            ({"segment_abc_a_share": 80.0, "segment_abc_b_share": 20.0}, "Class B"),
            ({"segment_abc_a_share": 0.0}, "Class A Share"),
            ({"segment_abc_b_share": -5.0}, "Class B Share"),
            ({"segment_abc_a_share": float("nan")}, "Class A Share"),
            ({"segment_abc_b_share": float("inf")}, "Class B Share"),
            ({"segment_recency_hot_days": 120}, "Warm Within.*longer than"),
            ({"segment_recency_hot_days": 0}, "Hot Within"),
            ({"segment_window_months": -1}, "ABC Window"),
            ({"segment_window_months": 100000}, "ABC Window"),
            ({"segment_recency_warm_days": 10**7}, "Warm Within"),
            ({"segment_frequency_regular_min": 1}, "Regular From"),
            ({"segment_funnel_platinum_purchases": 1}, "Platinum From"),
            ({"segment_funnel_long_months": -3}, "Long Cooperation Over"),
            ({"work_plan_pressure_touches": 0}, "Touches Allowed"),
            (
                {"segment_window_months": 6, "segment_rhythm_tolerance_days": -5},
                "Overdue After",
            ),
        ]
        Profile = self.segment_profile.with_user(self.sales_manager)
        for values, pattern in invalid:
            with self.subTest(values=values):
                with self._assert_validation(pattern):
                    Profile.write(values)
                self.assertEqual(self._saved(), (75.0, 120, 12))
        for values in (
            {"segment_abc_a_share": 85.0, "segment_abc_b_share": 10.0},
            {"segment_recency_hot_days": 150, "segment_recency_warm_days": 300},
            {"segment_recency_hot_days": 10, "segment_recency_warm_days": 20},
        ):
            with self.subTest(values=values):
                Profile.write(values)
                for name, value in values.items():
                    self.assertEqual(self.segment_profile[name], value)

    def test_sales_manager_edits_the_profile_from_the_app_menu(self):
        menu = self.env.ref("client_segmentation.menu_client_segmentation_settings")
        Menu = self.env["ir.ui.menu"]
        self.assertIn(menu.id, Menu.with_user(self.sales_manager)._visible_menu_ids())
        self.assertNotIn(menu.id, Menu.with_user(self.salesman)._visible_menu_ids())
        server_action = self.env.ref(
            "client_segmentation.client_segmentation_profile_action_server"
        )
        self.assertEqual(menu.action, server_action)
        action = server_action.with_user(self.sales_manager).run()
        # the company's profile itself, not a new record
        self.assertEqual(
            (action["res_model"], action["res_id"]),
            ("client.segmentation.profile", self.segment_profile.id),
        )
        profile = self.env[action["res_model"]].with_user(self.sales_manager)
        with Form(profile.browse(action["res_id"])) as form:
            self.assertEqual(form.segment_abc_a_share, 75.0)
            form.segment_abc_a_share = 85.0
            form.segment_abc_b_share = 10.0
            self.assertEqual(form.segment_abc_c_share, 5.0)
            form.segment_funnel_platinum_purchases = 5
            form.segment_recency_hot_days = 150
            form.segment_recency_warm_days = 300
        self.assertEqual(self.segment_profile.segment_abc_a_share, 85.0)
        self.assertEqual(self.segment_profile.segment_funnel_platinum_purchases, 5)
        self.assertEqual(self.segment_profile.segment_recency_warm_days, 300)
        # Odoo's Settings page links to the same action
        arch = self.env["res.config.settings"].get_views([(False, "form")])["views"][
            "form"
        ]["arch"]
        self.assertIn(f'name="{server_action.id}" type="action"', arch)

    def test_who_may_change_the_profile(self):
        for user in (self.salesman, self.manager_2):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.segment_profile.with_user(user).write(
                    {"segment_abc_a_share": 60.0}
                )
        with self.assertRaises(AccessError):
            self.segment_profile.with_user(self.manager_2).read(["segment_abc_a_share"])
        # salespeople read the settings of their company
        self.assertEqual(
            self.segment_profile.with_user(self.salesman).segment_abc_a_share, 75
        )
        with self.assertRaises(AccessError):
            self.env["client.segmentation.profile"].with_user(
                self.sales_manager
            ).create({"company_id": self.company_2.id})
        with self.assertRaises(AccessError):
            self.segment_profile.with_user(self.sales_manager).unlink()
        with self.assertRaisesRegex(AccessError, "Only the segment recompute"):
            self.segment_profile.with_user(self.sales_manager).write(
                {"figures_applied_version": 0}
            )
        with self.assertRaises(AccessError):
            self.segment_profile.with_user(self.sales_manager).write(
                {"company_id": self.company_2.id}
            )
        self.assertEqual(self._saved(), (75.0, 120, 12))
        # the manager of the second company edits theirs
        self.company_2.segment_profile_ids.with_user(self.manager_2).write(
            {"segment_window_months": 6}
        )
        self.assertEqual(self.company_2.segment_profile_ids.segment_window_months, 6)
        self.assertEqual(self.segment_profile.segment_window_months, 12)

    def test_key_date_responsible_is_an_internal_user_of_the_company(self):
        portal = new_test_user(
            self.env, login="cs_profile_portal", groups="base.group_portal"
        )
        for user in (portal, self.manager_2):
            with self.subTest(user=user.login):
                with self._assert_validation(f"{user.name}.*not one|company"):
                    self.segment_profile.with_user(self.sales_manager).write(
                        {"key_date_responsible_user_id": user.id}
                    )
        self.assertFalse(self.segment_profile.key_date_responsible_user_id)
        self.segment_profile.with_user(
            self.sales_manager
        ).key_date_responsible_user_id = self.salesman
        self.assertEqual(
            self.segment_profile.key_date_responsible_user_id, self.salesman
        )
        # the field offers only those users
        domain = self.segment_profile._fields["key_date_responsible_user_id"].domain
        self.assertIn("share", domain)
        self.assertIn("company_ids", domain)

    def test_versions_follow_the_settings_that_need_a_full_run(self):
        profile = self.segment_profile.with_user(self.sales_manager)
        figures, funnel = profile.figures_version, profile.funnel_version
        profile.segment_abc_a_share = 70.0  # re-ranking needs no re-aggregation
        self.assertEqual(
            (profile.figures_version, profile.funnel_version), (figures, funnel)
        )
        profile.segment_window_months = 6
        self.assertEqual(profile.figures_version, figures + 1)
        profile.segment_funnel_long_months = 6
        self.assertEqual(profile.funnel_version, funnel + 1)

    def test_revenue_source_of_a_missing_module_stops_the_recompute(self):
        """The addon offers the invoices; the other sources come with their
        bridge module. A source whose module is gone without being
        uninstalled (an uninstall resets it to the invoices) is named."""
        sources = self.segment_profile._fields["segment_revenue_source"]
        self.assertEqual(sources.default(self.segment_profile), "invoice")
        self.assertIn("invoice", dict(sources.selection))
        self.segment_profile.flush_recordset()
        self.env.cr.execute(
            SQL(
                "UPDATE client_segmentation_profile"
                " SET segment_revenue_source = 'gone' WHERE id = %s",
                self.segment_profile.id,
            )
        )
        self.segment_profile.invalidate_recordset(["segment_revenue_source"])
        with self.assertRaisesRegex(UserError, "revenue source gone needs a module"):
            self._recompute()
