import datetime

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged
from odoo.tools.safe_eval import safe_eval

from ..tools import settings
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

    def _run(self):
        return self.env["client.segment.engine"].recompute(self.company)

    def _preview(self, **values):
        """The preview as a sales manager opens it from the profile, with
        ``values`` typed in it and computed."""
        action = self.segment_profile.with_user(
            self.sales_manager
        ).action_open_preview()
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
        for line in (preview.abc_line_ids | preview.recency_line_ids).filtered("moves"):
            current = line.current_value or None
            proposed = line.proposed_value or None
            if line.dimension == "recency":
                # 'none' is stored as no value
                current = None if current == "none" else current
                proposed = None if proposed == "none" else proposed
            moves[(line.dimension, current, proposed)] = line.client_count
        return moves

    def _settings(self):
        self.segment_profile.invalidate_recordset()
        self.company.invalidate_recordset()
        return (
            {name: self.segment_profile[name] for name in settings.SETTINGS_FIELDS},
            self.segment_profile.write_date,
            self.company.write_date,
        )

    def _check_against_recompute(self, values):
        self._run()
        preview = self._preview(**values)
        self.assertTrue(preview.abc_line_ids)
        self.assertTrue(preview.abc_moves or preview.recency_moves)
        expected = self._preview_moves(preview)
        # nothing was written by the preview
        self.assertFalse(
            self.env["client.segment.history"].search([("source", "=", "engine")])
        )
        preview.action_apply()
        self._run()
        self.assertEqual(self._moves_of_last_run(), expected)

    def test_preview_shares_and_days_equal_the_recompute(self):
        self._check_against_recompute(
            {
                "segment_abc_a_share": 50.0,
                "segment_abc_b_share": 30.0,
                "segment_recency_hot_days": 10,
                "segment_recency_warm_days": 60,
            }
        )

    def test_preview_window_equals_the_recompute(self):
        self._check_against_recompute({"segment_window_months": 2})

    def test_preview_opens_with_the_settings(self):
        self._run()
        preview = self._preview()
        self.assertEqual(
            (
                preview.segment_abc_a_share,
                preview.segment_abc_b_share,
                preview.segment_window_months,
            ),
            (75.0, 20.0, 12),
        )
        # unchanged settings: nobody moves
        self.assertEqual((preview.abc_moves, preview.recency_moves), (0, 0))
        self.assertFalse(
            (preview.abc_line_ids | preview.recency_line_ids).filtered("moves")
        )
        self.assertEqual(
            preview.display_name, f"Preview of Segment Settings: {self.company.name}"
        )
        self.assertNotIn(",", preview.display_name)

    def test_preview_through_the_forms_writes_nothing(self):
        """As the web client drives it: the profile form opened from the menu,
        Preview (the form is not dirty: nothing to save), the values typed in
        the preview's own form, Compute (the web client saves the preview's
        record first), Close. The profile and the company are as before."""
        self._run()
        before = self._settings()
        action = (
            self.env.ref(
                "client_segmentation.client_segmentation_profile_action_server"
            )
            .with_user(self.sales_manager)
            .run()
        )
        Profile = self.env["client.segmentation.profile"].with_user(self.sales_manager)
        with Form(Profile.browse(action["res_id"])) as profile_form:
            self.assertEqual(profile_form.segment_abc_a_share, 75.0)
        opened = profile_form.record.action_open_preview()
        self.assertEqual(opened["target"], "new")
        self.assertNotIn(",", opened["name"])
        Preview = self.env[opened["res_model"]].with_user(self.sales_manager)
        with Form(Preview.browse(opened["res_id"])) as preview_form:
            preview_form.segment_abc_a_share = 60.0
            preview_form.segment_recency_hot_days = 15
        preview = preview_form.record
        preview.action_preview()
        self.assertEqual(preview.segment_abc_a_share, 60.0)
        self.assertTrue(preview.abc_moves or preview.recency_moves)
        self.assertEqual(self._settings(), before)
        # Close: the dialog goes, the settings stay
        self.assertEqual(self._settings(), before)
        self.assertEqual(self.segment_profile.segment_abc_a_share, 75.0)
        self.assertEqual(self.segment_profile.segment_recency_hot_days, 30)

    def test_two_lists_each_with_the_boards_counts(self):
        """ABC and recency are two lists, each summing to the clients of the
        boards; the clients without a class are those the board shows
        without one, with the clients who never bought."""
        never = self._client("Preview Never Bought", customer_rank=1)
        refunded = self._client("Preview Refunded")
        self._invoices(
            [
                (refunded, day(2026, 6, 1), 50, "out_invoice"),
                (refunded, day(2026, 6, 2), 50, "out_refund"),
            ]
        )
        self._run()
        preview = self._preview(segment_abc_a_share=60.0)
        action = self.env.ref("client_segmentation.res_partner_action_board_value")
        domain = safe_eval(action.domain) + [("customer_rank", ">", 0)]
        Partner = self.env["res.partner"].with_user(self.sales_manager)
        board = {
            abc_class or None: count
            for abc_class, count in Partner._read_group(
                domain, ["abc_class"], ["__count"]
            )
        }
        clients = sum(board.values())
        self.assertIn(never, Partner.search(domain + [("abc_class", "=", False)]))
        for lines in (preview.abc_line_ids, preview.recency_line_ids):
            self.assertEqual(sum(lines.mapped("client_count")), clients)
            self.assertEqual(len(set(lines.mapped("dimension"))), 1)
        current = {}
        for line in preview.abc_line_ids:
            key = line.current_value or None
            current[key] = current.get(key, 0) + line.client_count
        self.assertEqual(current, board)
        recency_board = {
            recency: count
            for recency, count in Partner._read_group(
                domain, ["recency_segment"], ["__count"]
            )
        }
        recency_current = {}
        for line in preview.recency_line_ids:
            key = line.current_value
            recency_current[key] = recency_current.get(key, 0) + line.client_count
        self.assertEqual(recency_current, recency_board)
        self.assertEqual(
            sum(preview.abc_line_ids.mapped("revenue")),
            sum(preview.recency_line_ids.mapped("revenue")),
        )
        self.assertIn(
            "abc_line_ids",
            preview.get_views([(False, "form")])["views"]["form"]["arch"],
        )

    def test_bad_values_and_rights(self):
        self._run()
        preview = self._preview()
        preview.segment_abc_a_share = 90.0
        with self.assertRaisesRegex(UserError, "Class [AB] Share"):
            preview.action_preview()
        # assertRaises rolls the refused write back (assertRaisesRegex not)
        with self.assertRaises(UserError) as caught:
            preview.action_apply()
        self.assertRegex(str(caught.exception), "Class [AB] Share")
        self.assertEqual(self.segment_profile.segment_abc_a_share, 75.0)
        with self.assertRaises(AccessError):
            preview.with_user(self.salesman).action_preview()
        with self.assertRaises(AccessError):
            self.segment_profile.with_user(self.salesman).action_open_preview()
        # a company the sales manager does not belong to
        other = self.env["res.company"].create({"name": "Preview Other Co"})
        foreign = (
            self.env["client.segment.preview"]
            .with_user(self.sales_manager)
            .create(
                {
                    "company_id": other.id,
                    "segment_abc_a_share": 60.0,
                    "segment_abc_b_share": 20.0,
                    "segment_window_months": 12,
                    "segment_recency_hot_days": 30,
                    "segment_recency_warm_days": 120,
                }
            )
        )
        with self.assertRaisesRegex(AccessError, "cannot preview"):
            foreign.action_preview()
        with self.assertRaisesRegex(AccessError, "cannot preview"):
            foreign.action_apply()
        self.assertEqual(other.segment_profile_ids.segment_abc_a_share, 75.0)
