from odoo.tests import TransactionCase, new_test_user, tagged
from odoo.tools import SQL, sql

from ..models.client_segmentation_profile import COMPANY_SETTINGS_COLUMNS

# The res_company columns of 18.0.2.0.0, as its fields created them.
OLD_COLUMNS = {
    "segment_abc_a_share": "numeric",
    "segment_abc_b_share": "numeric",
    "segment_window_months": "int4",
    "segment_recency_hot_days": "int4",
    "segment_recency_warm_days": "int4",
    "segment_frequency_regular_min": "int4",
    "segment_funnel_platinum_purchases": "int4",
    "segment_funnel_long_purchases": "int4",
    "segment_funnel_long_months": "int4",
    "segment_rhythm_lead_days": "int4",
    "segment_rhythm_tolerance_days": "int4",
    "work_plan_pressure_touches": "int4",
    "work_plan_pressure_days": "int4",
    "segment_revenue_source": "varchar",
    "key_date_responsible_user_id": "int4",
    "segment_figures_applied_key": "varchar",
    "segment_funnel_applied_key": "varchar",
}


@tagged("post_install", "-at_install")
class TestProfileMigration(TransactionCase):
    """The 18.0.3.0.0 migration on a res_company table as 18.0.2.0.0 left it:
    the values move into the profiles, the columns go (the upgrade itself
    runs in scripts/test-uninstall.sh)."""

    def _old_table(self, values_by_company):
        cr = self.env.cr
        for name, kind in OLD_COLUMNS.items():
            cr.execute(
                SQL(
                    "ALTER TABLE res_company ADD COLUMN %s %s",
                    SQL.identifier(name),
                    SQL(kind),
                )
            )
        for company, values in values_by_company.items():
            cr.execute(
                SQL(
                    "UPDATE res_company SET %s WHERE id = %s",
                    SQL(", ").join(
                        SQL("%s = %s", SQL.identifier(name), value)
                        for name, value in values.items()
                    ),
                    company.id,
                )
            )

    def test_values_move_into_the_profiles_and_the_columns_go(self):
        self.assertEqual(
            set(COMPANY_SETTINGS_COLUMNS)
            | {
                "segment_figures_applied_key",
                "segment_funnel_applied_key",
            },
            set(OLD_COLUMNS),
        )
        first = self.env["res.company"].create({"name": "Migrated Co 1"})
        second = self.env["res.company"].create({"name": "Migrated Co 2"})
        portal = new_test_user(
            self.env, login="cs_migrated_portal", groups="base.group_portal"
        )
        internal = new_test_user(
            self.env,
            login="cs_migrated_user",
            groups="base.group_user",
            company_id=second.id,
            company_ids=[second.id],
        )
        # the state of 18.0.2.0.0: no profile yet, the values on the company
        (first | second).segment_profile_ids.sudo().unlink()
        self._old_table(
            {
                first: {
                    "segment_abc_a_share": 60.0,
                    "segment_abc_b_share": 30.0,
                    "segment_window_months": 6,
                    "segment_recency_hot_days": 15,
                    "segment_recency_warm_days": 90,
                    "segment_rhythm_lead_days": 3,
                    "work_plan_pressure_days": 14,
                    "segment_revenue_source": "invoice",
                    "key_date_responsible_user_id": portal.id,
                    # the last run applied these values: no full run needed
                    "segment_figures_applied_key": "6/invoice/rhythm",
                    "segment_funnel_applied_key": "3/4/12",
                },
                second: {
                    "segment_funnel_long_months": 24,
                    "key_date_responsible_user_id": internal.id,
                    # before the buying rhythm, other thresholds: full run
                    "segment_figures_applied_key": "12/invoice",
                    "segment_funnel_applied_key": "3/4/12",
                },
            }
        )
        Profile = self.env["client.segmentation.profile"]
        moved = Profile._migrate_company_settings()
        self.assertEqual(set(moved), set(OLD_COLUMNS))
        for name in OLD_COLUMNS:
            self.assertFalse(sql.column_exists(self.env.cr, "res_company", name))
        one, two = first.segment_profile_ids, second.segment_profile_ids
        self.assertEqual(
            (
                one.segment_abc_a_share,
                one.segment_abc_b_share,
                one.segment_window_months,
                one.segment_recency_hot_days,
                one.segment_recency_warm_days,
                one.segment_rhythm_lead_days,
                one.work_plan_pressure_days,
                one.segment_funnel_long_months,
            ),
            (60.0, 30.0, 6, 15, 90, 3, 14, 12),
        )
        # a column left empty keeps the profile's default
        self.assertEqual(two.segment_abc_a_share, 75.0)
        self.assertEqual(two.segment_funnel_long_months, 24)
        # a portal user no longer gets the reminders; the internal user does
        self.assertFalse(one.key_date_responsible_user_id)
        self.assertEqual(two.key_date_responsible_user_id, internal)
        self.assertEqual(one.figures_applied_version, one.figures_version)
        self.assertEqual(one.funnel_applied_version, one.funnel_version)
        self.assertNotEqual(two.figures_applied_version, two.figures_version)
        self.assertNotEqual(two.funnel_applied_version, two.funnel_version)
        # twice: nothing more to move
        self.assertEqual(Profile._migrate_company_settings(), [])
        self.assertEqual(first.segment_profile_ids.segment_abc_a_share, 60.0)
