from odoo.tests import HttpCase, tagged

from ..tools import settings
from .common import SegmentationCase


@tagged("post_install", "-at_install", "client_segmentation_tour")
class TestPreviewTour(SegmentationCase, HttpCase):
    """Preview in the browser, as the web client drives it: the settings
    record, Preview, a value typed in the preview, Compute, Close; the
    company's settings are what they were (issue 19, point 1)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.name = "Tour Company"
        cls.sales_manager.write({"company_ids": [(6, 0, cls.company.ids)]})
        clients = [cls._client(f"Preview Tour {index}") for index in range(6)]
        cls._invoices(
            [
                (client, cls._days_ago(10 + 20 * index), 100 * (index + 1))
                for index, client in enumerate(clients)
            ]
        )
        cls.env["client.segment.engine"].recompute(cls.company)

    def _settings(self):
        self.segment_profile.invalidate_recordset()
        self.company.invalidate_recordset()
        return (
            {name: self.segment_profile[name] for name in settings.SETTINGS_FIELDS},
            self.segment_profile.write_date,
            self.company.write_date,
        )

    def test_preview_in_the_browser_writes_nothing(self):
        before = self._settings()
        self.start_tour(
            "/odoo/action-client_segmentation.client_segmentation_profile_action_server",
            "client_segmentation_preview_tour",
            login=self.sales_manager.login,
        )
        self.assertEqual(self._settings(), before)
        self.assertEqual(self.segment_profile.segment_abc_a_share, 75.0)
        preview = self.env["client.segment.preview"].search(
            [("company_id", "=", self.company.id)]
        )
        # the preview computed the typed value
        self.assertEqual(preview.segment_abc_a_share, 40.0)
        self.assertTrue(preview.abc_moves)
