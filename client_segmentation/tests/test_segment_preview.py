import datetime

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import SegmentationCase

day = datetime.date


@tagged("post_install", "-at_install")
@freeze_time("2026-06-30")
class TestSegmentPreview(SegmentationCase):
    """The what-if matrix equals what the recompute with the same settings
    then does (read back from the history it records)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        specs = []
        for index in range(12):
            client = cls._client(f"Preview {index}")
            for months_ago in range(index % 4 + 1):
                specs.append(
                    (
                        client,
                        day(2026, 6, 28 - index)
                        - datetime.timedelta(days=30 * months_ago + 11 * index),
                        100 * (index + 1) + 7 * months_ago,
                    )
                )
        cls._invoices(specs)
        # settings are edited by administrators who manage sales
        cls.admin = new_test_user(
            cls.env,
            login="cs_preview_admin",
            groups="sales_team.group_sale_manager,base.group_system",
            company_id=cls.company.id,
        )

    def _run(self):
        return self.env["client.segment.engine"].recompute(self.company)

    def _preview(self, **values):
        # the sales managers' settings form, as a sales manager
        settings = (
            self.env["client.segmentation.settings"]
            .with_user(self.sales_manager)
            .create({})
        )
        action = settings.action_preview_segments()
        preview = self.env["client.segment.preview"].browse(action["res_id"])
        preview = preview.with_user(self.sales_manager)
        if values:
            preview.write(values)
            preview.action_preview()
        return preview

    def _moves_of_last_run(self):
        groups = self.env["client.segment.history"]._read_group(
            [
                ("company_id", "=", self.company.id),
                ("source", "=", "engine"),
                ("dimension", "in", ("abc", "recency")),
            ],
            ["dimension", "old_value", "new_value"],
            ["__count"],
        )
        return {
            (dimension, old or None, new or None): count
            for dimension, old, new, count in groups
        }

    def _preview_moves(self, preview):
        moves = {}
        for line in preview.line_ids.filtered("moves"):
            current = line.current_value or None
            proposed = line.proposed_value or None
            if line.dimension == "recency":
                # 'none' is stored as no value
                current = None if current == "none" else current
                proposed = None if proposed == "none" else proposed
            moves[(line.dimension, current, proposed)] = line.client_count
        return moves

    def _check_against_recompute(self, values):
        self._run()
        preview = self._preview(**values)
        self.assertTrue(preview.line_ids)
        self.assertTrue(preview.abc_moves or preview.recency_moves)
        expected = self._preview_moves(preview)
        clients = sum(
            preview.line_ids.filtered(lambda line: line.dimension == "abc").mapped(
                "client_count"
            )
        )
        # nothing was written by the preview
        self.assertFalse(
            self.env["client.segment.history"].search([("source", "=", "engine")])
        )
        preview.action_apply()
        self._run()
        self.assertEqual(self._moves_of_last_run(), expected)
        self.assertEqual(
            clients,
            self.env["client.segment.state"].search_count(
                [("company_id", "=", self.company.id)]
            ),
        )

    def test_preview_shares_and_days_equal_the_recompute(self):
        self._check_against_recompute(
            {
                "abc_a_share": 50.0,
                "abc_b_share": 30.0,
                "recency_hot_days": 10,
                "recency_warm_days": 60,
            }
        )

    def test_preview_window_equals_the_recompute(self):
        self._check_against_recompute({"window_months": 2})

    def test_preview_opens_with_the_settings(self):
        self._run()
        preview = self._preview()
        self.assertEqual(
            (preview.abc_a_share, preview.abc_b_share, preview.window_months),
            (75.0, 20.0, 12),
        )
        # unchanged settings: nobody moves
        self.assertEqual((preview.abc_moves, preview.recency_moves), (0, 0))
        self.assertFalse(preview.line_ids.filtered("moves"))

    def test_preview_from_the_general_settings(self):
        self._run()
        settings = self.env["res.config.settings"].with_user(self.admin).create({})
        action = settings.action_preview_segments()
        preview = self.env["client.segment.preview"].browse(action["res_id"])
        self.assertEqual(preview.company_id, self.company)
        self.assertEqual(preview.recency_warm_days, 120)

    def test_bad_values_and_rights(self):
        self._run()
        preview = self._preview()
        preview.abc_a_share = 90.0
        with self.assertRaisesRegex(UserError, "Class [AB] Share"):
            preview.action_preview()
        with self.assertRaises(AccessError):
            preview.with_user(self.salesman).action_preview()
        settings = self.env["res.config.settings"].create({})
        with self.assertRaises(AccessError):
            settings.with_user(self.salesman).action_preview_segments()
        # a company the sales manager does not belong to
        other = self.env["res.company"].create({"name": "Preview Other Co"})
        foreign = (
            self.env["client.segment.preview"]
            .with_user(self.sales_manager)
            .create(
                {
                    "company_id": other.id,
                    "abc_a_share": 75.0,
                    "abc_b_share": 20.0,
                    "window_months": 12,
                    "recency_hot_days": 30,
                    "recency_warm_days": 120,
                }
            )
        )
        with self.assertRaisesRegex(AccessError, "cannot preview"):
            foreign.action_preview()
        with self.assertRaisesRegex(AccessError, "cannot preview"):
            foreign.action_apply()
        self.assertEqual(other.segment_abc_a_share, 75.0)
