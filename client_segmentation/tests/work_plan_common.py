import datetime
from types import SimpleNamespace

from odoo.tests import new_test_user
from odoo.tools import SQL

from .common import AssertValidationMixin, SegmentationCase

TODAY = datetime.date(2026, 3, 2)


def day(offset):
    return TODAY + datetime.timedelta(days=offset)


class WorkPlanCase(AssertValidationMixin, SegmentationCase):
    """A plan of two steps (a call at once, an offer a week later) triggered
    by entering the sleeping segment, and helpers that hand change sets to
    the triggers the way the segment engine does."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Trigger = cls.env["client.work.plan.trigger"]
        cls.Run = cls.env["client.work.plan.run"]
        cls.call_type = cls.env.ref(
            "client_segmentation.mail_activity_type_work_plan_call"
        )
        cls.offer_type = cls.env.ref(
            "client_segmentation.mail_activity_type_work_plan_offer"
        )
        cls.plan = cls._plan("Test win-back", [(cls.call_type, 0), (cls.offer_type, 7)])
        cls.trigger = cls.Trigger.create(
            {
                "company_id": cls.company.id,
                "dimension": "recency",
                "recency_segment": "sleeping",
                "plan_id": cls.plan.id,
            }
        )
        cls.fixed_user = new_test_user(
            cls.env,
            login="cs_fixed",
            groups="sales_team.group_sale_salesman",
            company_id=cls.company.id,
        )
        cls.leader = new_test_user(
            cls.env,
            login="cs_leader",
            groups="sales_team.group_sale_salesman",
            company_id=cls.company.id,
        )
        cls.team = cls.env["crm.team"].create(
            {
                "name": "Work plan team",
                "user_id": cls.leader.id,
                "company_id": cls.company.id,
            }
        )
        cls.team_member = new_test_user(
            cls.env,
            login="cs_member",
            groups="sales_team.group_sale_salesman",
            company_id=cls.company.id,
        )
        cls.env["crm.team.member"].create(
            {"crm_team_id": cls.team.id, "user_id": cls.team_member.id}
        )
        cls.client = cls._client("Sleepy Ltd", user_id=cls.salesman.id)
        cls.company_b = cls.env["res.company"].create({"name": "Work Plans Co B"})

    @classmethod
    def _plan(cls, name, steps, company=False):
        return cls.env["mail.activity.plan"].create(
            {
                "name": name,
                "res_model": "res.partner",
                "company_id": company and company.id,
                "template_ids": [
                    (
                        0,
                        0,
                        {
                            "activity_type_id": activity_type.id,
                            "summary": f"{name} step {index}",
                            "delay_count": delay,
                            "delay_unit": "days",
                            "delay_from": "after_plan_date",
                        },
                    )
                    for index, (activity_type, delay) in enumerate(steps, start=1)
                ],
            }
        )

    def _apply(self, rows, company=None, today=TODAY, first_run=False):
        """Hand ``(partner, dimension, old, new)`` rows to the triggers as a
        change-set table."""
        cr = self.env.cr
        cr.execute(SQL("DROP TABLE IF EXISTS test_work_plan_changes"))
        cr.execute(
            SQL(
                "CREATE TEMP TABLE test_work_plan_changes (partner_id int4, "
                "dimension varchar, old_value varchar, new_value varchar)"
            )
        )
        for partner, dimension, old, new in rows:
            cr.execute(
                SQL(
                    "INSERT INTO test_work_plan_changes VALUES (%s, %s, %s, %s)",
                    partner.id,
                    dimension,
                    old,
                    new,
                )
            )
        return self.Trigger._apply_changes(
            company or self.company,
            SimpleNamespace(name="test_work_plan_changes"),
            today,
            first_run,
        )

    def _enter(self, partner, segment="sleeping", old="warm", **kwargs):
        return self._apply([(partner, "recency", old, segment)], **kwargs)

    def _plan_activities(self, partner, with_done=False):
        domain = [
            ("res_model", "=", "res.partner"),
            ("res_id", "=", partner.id),
            ("work_plan_run_id", "!=", False),
        ]
        Activity = self.env["mail.activity"]
        if with_done:
            Activity = Activity.with_context(active_test=False)
        return Activity.search(domain, order="date_deadline, id")

    def _set_last_purchase(self, partner, date, company=None):
        company = company or self.company
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """UPDATE res_partner
                      SET segment_last_purchase_date = COALESCE(
                          segment_last_purchase_date, '{}'::jsonb)
                          || jsonb_build_object(%s, %s::text)
                    WHERE id = %s""",
                str(company.id),
                str(date),
                partner.id,
            )
        )
        partner.invalidate_recordset(["segment_last_purchase_date"])
