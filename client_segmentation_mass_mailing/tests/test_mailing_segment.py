from freezegun import freeze_time

from odoo.tests import tagged
from odoo.tools import SQL

from odoo.addons.client_segmentation.tests.work_plan_common import (
    TODAY,
    WorkPlanCase,
    day,
)


@tagged("post_install", "-at_install", "client_segmentation_glue")
@freeze_time(TODAY)
class TestMailingSegment(WorkPlanCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.hot = cls._client("Hot One", email="hot.one@example.com")
        cls.hot_busy = cls._client("Hot Busy", email="hot.busy@example.com")
        cls.warm = cls._client("Warm One", email="warm.one@example.com")
        cls._set_recency(cls.hot | cls.hot_busy, "hot")
        cls._set_recency(cls.warm, "warm")
        cls.mailing = cls.env["mailing.mailing"].create(
            {
                "subject": "Care tips",
                "body_html": "<p>How to look after your purchase</p>",
                "mailing_type": "mail",
                "mailing_model_id": cls.env.ref("base.model_res_partner").id,
                "client_target": "recency",
                "client_recency_segment": "hot",
            }
        )

    @classmethod
    def _set_recency(cls, partners, segment):
        cls.env.flush_all()
        cls.env.cr.execute(
            SQL(
                """UPDATE res_partner SET recency_segment = COALESCE(
                       recency_segment, '{}'::jsonb) || jsonb_build_object(%s, %s)
                    WHERE id = ANY(%s)""",
                str(cls.company.id),
                segment,
                partners.ids,
            )
        )
        partners.invalidate_recordset(["recency_segment"])

    def _recipients(self, mailing):
        return self.env["res.partner"].browse(mailing._get_recipients())

    def test_target_segment_column_and_filter(self):
        recipients = self._recipients(self.mailing)
        self.assertIn(self.hot, recipients)
        self.assertNotIn(self.warm, recipients)
        self.assertIn("recency_segment", self.mailing.mailing_domain)
        stage = self.env["client.funnel.stage"].search([], limit=1)
        self.hot.funnel_stage_id = stage
        self.mailing.write(
            {"client_target": "stage", "client_funnel_stage_id": stage.id}
        )
        self.assertIn(self.hot, self._recipients(self.mailing))
        saved = self.env["ir.filters"].create(
            {
                "name": "Warm clients",
                "model_id": "res.partner",
                "domain": "[('name', '=', 'Warm One')]",
            }
        )
        self.mailing.write({"client_target": "filter", "client_filter_id": saved.id})
        self.assertEqual(self._recipients(self.mailing), self.warm)
        # back to any contacts: Odoo's default domain again
        self.mailing.client_target = False
        self.assertNotIn("Warm One", self.mailing.mailing_domain)

    def test_over_pressure_left_out_and_counted(self):
        self.hot_busy.activity_schedule(
            "mail.mail_activity_data_todo",
            date_deadline=day(3),
            user_id=self.salesman.id,
        )
        self.mailing.action_send_mail()
        traces = self.env["mailing.trace"].search(
            [("mass_mailing_id", "=", self.mailing.id)]
        )
        self.assertIn(self.hot.id, traces.mapped("res_id"))
        self.assertNotIn(self.hot_busy.id, traces.mapped("res_id"))
        self.assertEqual(self.mailing.client_pressure_excluded_count, 1)

    def test_pressure_can_be_ignored(self):
        self.hot_busy.activity_schedule(
            "mail.mail_activity_data_todo",
            date_deadline=TODAY,
            user_id=self.salesman.id,
        )
        self.mailing.client_pressure_respect = False
        self.assertIn(self.hot_busy.id, self.mailing._get_remaining_recipients())

    def test_mailing_sent_is_a_touch_for_work_plans(self):
        self.hot.user_id = self.salesman
        self.mailing.action_send_mail()
        touches = self.Trigger._pressure_touches(self.company, self.hot.ids, TODAY)
        self.assertEqual(touches[self.hot.id], [TODAY])
        self._enter(self.hot)
        self.assertEqual(
            self._plan_activities(self.hot).mapped("date_deadline"), [day(7), day(14)]
        )
