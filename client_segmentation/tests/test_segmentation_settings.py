from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import SegmentationCase


@tagged("post_install", "-at_install")
class TestSegmentationSettings(SegmentationCase):
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
        with self.assertRaisesRegex(ValidationError, "less than 100"):
            self.company.write({"segment_abc_a_share": 90.0})
        with self.assertRaisesRegex(ValidationError, "shorter than 'warm'"):
            self.company.write({"segment_recency_hot_days": 200})

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
