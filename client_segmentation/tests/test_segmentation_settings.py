from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, tagged

from .common import AssertValidationMixin, SegmentationCase


@tagged("post_install", "-at_install")
class TestSegmentationSettings(AssertValidationMixin, SegmentationCase):
    def test_invalid_settings_refused_and_nothing_saved(self):
        invalid = [
            {"segment_abc_a_share": 80.0, "segment_abc_b_share": 20.0},
            {"segment_abc_a_share": 0.0},
            {"segment_abc_b_share": -5.0},
            {"segment_recency_hot_days": 120, "segment_recency_warm_days": 120},
            {"segment_recency_hot_days": 0},
            {"segment_window_months": -1},
        ]
        for values in invalid:
            with self.subTest(values=values), self.assertRaises(ValidationError):
                settings = self.env["res.config.settings"].create(
                    {"segment_window_months": 6, **values}
                )
                settings.execute()
            self.assertEqual(self.company.segment_abc_a_share, 75.0)
            self.assertEqual(self.company.segment_recency_warm_days, 120)
            self.assertEqual(self.company.segment_window_months, 12)

    def test_error_names_the_problem(self):
        with self._assert_validation("less than 100"):
            self.company.write({"segment_abc_a_share": 90.0})
        with self._assert_validation("Warm Within.*longer than"):
            self.company.write({"segment_recency_hot_days": 200})

    def test_combined_changes_saved_in_one_save(self):
        for values in (
            {"segment_abc_a_share": 85.0, "segment_abc_b_share": 10.0},
            {"segment_recency_hot_days": 150, "segment_recency_warm_days": 300},
            {"segment_recency_hot_days": 10, "segment_recency_warm_days": 20},
        ):
            with self.subTest(values=values):
                self.env["res.config.settings"].create(values).execute()
                for name, value in values.items():
                    self.assertEqual(self.company[name], value)

    def test_bounds_and_nan_refused_naming_the_field(self):
        cases = [
            ({"segment_abc_a_share": float("nan")}, "Class A Share"),
            ({"segment_abc_b_share": float("inf")}, "Class B Share"),
            ({"segment_window_months": 100000}, "ABC Window"),
            ({"segment_recency_warm_days": 10**7}, "Warm Within"),
            ({"segment_frequency_regular_min": 1}, "Regular From"),
            ({"segment_funnel_platinum_purchases": 1}, "Platinum From"),
            ({"segment_funnel_long_months": -3}, "Long Cooperation Over"),
            ({"segment_abc_a_share": 85.0, "segment_abc_b_share": 20.0}, "Class B"),
        ]
        for values, label in cases:
            with self.subTest(values=values):
                with self._assert_validation(label):
                    self.env["res.config.settings"].create(values).execute()
                self.assertEqual(self.company.segment_abc_a_share, 75.0)
                self.assertEqual(self.company.segment_window_months, 12)

    def test_sales_manager_changes_thresholds_from_the_app_menu(self):
        menu = self.env.ref("client_segmentation.menu_client_segmentation_settings")
        visible = (
            self.env["ir.ui.menu"].with_user(self.sales_manager)._visible_menu_ids()
        )
        self.assertIn(menu.id, visible)
        self.assertEqual(
            menu.action,
            self.env.ref("client_segmentation.client_segmentation_settings_action"),
        )
        Settings = self.env["client.segmentation.settings"].with_user(
            self.sales_manager
        )
        with Form(Settings) as form:
            self.assertEqual(form.segment_abc_a_share, 75.0)
            form.segment_abc_a_share = 85.0
            form.segment_abc_b_share = 10.0
            form.segment_funnel_platinum_purchases = 5
            form.segment_recency_hot_days = 150
            form.segment_recency_warm_days = 300
        form.record.action_save()
        self.assertEqual(self.company.segment_abc_a_share, 85.0)
        self.assertEqual(self.company.segment_funnel_platinum_purchases, 5)
        self.assertEqual(self.company.segment_recency_warm_days, 300)
        with self._assert_validation("Class B Share"):
            Settings.create({"segment_abc_b_share": 20.0})
        with self.assertRaises(AccessError):
            self.env["client.segmentation.settings"].with_user(self.salesman).create(
                {"segment_abc_a_share": 60.0}
            )
        self.assertNotIn(
            menu.id, self.env["ir.ui.menu"].with_user(self.salesman)._visible_menu_ids()
        )

    def test_valid_settings_saved(self):
        settings = self.env["res.config.settings"].create(
            {
                "segment_abc_a_share": 70.0,
                "segment_abc_b_share": 25.0,
                "segment_window_months": 6,
                "segment_recency_hot_days": 14,
                "segment_recency_warm_days": 60,
            }
        )
        self.assertAlmostEqual(settings.segment_abc_c_share, 5.0)
        settings.execute()
        self.assertEqual(self.company.segment_abc_a_share, 70.0)
        self.assertEqual(self.company.segment_recency_hot_days, 14)

    def test_sale_source_needs_sales_app(self):
        if "sale.order" in self.env:
            self.company.segment_revenue_source = "sale"
            self.assertEqual(self.company.segment_revenue_source, "sale")
        else:
            with self.assertRaisesRegex(ValidationError, "Sales app"):
                self.company.segment_revenue_source = "sale"
