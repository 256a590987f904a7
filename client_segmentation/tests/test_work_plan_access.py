from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .work_plan_common import WorkPlanCase


@tagged("post_install", "-at_install")
class TestWorkPlanAccess(WorkPlanCase):
    def test_salesman_sees_own_plan_activities(self):
        self._enter(self.client)
        activities = (
            self.env["mail.activity"]
            .with_user(self.salesman)
            .search(
                [("user_id", "=", self.salesman.id), ("work_plan_run_id", "!=", False)]
            )
        )
        self.assertEqual(len(activities), 2)
        self.assertEqual(set(activities.mapped("res_id")), {self.client.id})
        run = self.Run.with_user(self.salesman).search(
            [("user_id", "=", self.salesman.id)]
        )
        self.assertEqual(run.partner_id, self.client)
        self.assertEqual(len(run.activity_ids), 2)
        # the salesperson works the step like any activity
        activities[0].with_user(self.salesman).action_feedback(feedback="Done")
        with self.assertRaises(AccessError):
            run.with_user(self.salesman).write({"state": "cancelled"})

    def test_salesman_reads_but_cannot_edit_plans_and_triggers(self):
        trigger = self.trigger.with_user(self.salesman)
        self.assertEqual(trigger.plan_id, self.plan)
        with self.assertRaises(AccessError):
            trigger.write({"active": False})
        with self.assertRaises(AccessError):
            self.Trigger.with_user(self.salesman).create(
                {
                    "dimension": "recency",
                    "recency_segment": "warm",
                    "plan_id": self.plan.id,
                }
            )
        plan = self.plan.with_user(self.salesman)
        self.assertTrue(plan.template_ids)
        with self.assertRaises(AccessError):
            plan.write({"name": "Mine now"})
        with self.assertRaises(AccessError):
            plan.template_ids[0].write({"delay_count": 3})

    def test_manager_edits_plans_and_triggers(self):
        Plan = self.env["mail.activity.plan"].with_user(self.sales_manager)
        plan = Plan.create(
            {
                "name": "Manager's plan",
                "res_model": "res.partner",
                "template_ids": [
                    Command.create(
                        {"activity_type_id": self.call_type.id, "delay_count": 2}
                    )
                ],
            }
        )
        plan.template_ids.delay_count = 3
        trigger = self.Trigger.with_user(self.sales_manager).create(
            {"dimension": "abc", "abc_class": "a", "plan_id": plan.id}
        )
        trigger.active = False
        self.assertEqual(trigger.company_id, self.company)
        # but not the plans of other models
        other = self.env["mail.activity.plan"].create(
            {"name": "Invoices", "res_model": "account.move"}
        )
        with self.assertRaises(AccessError):
            other.with_user(self.sales_manager).write({"name": "Mine"})

    def test_bad_plan_input_refused(self):
        step = self.plan.template_ids[0]
        with self._assert_validation("Interval .* cannot be negative"):
            step.delay_count = -2
        with self._assert_validation("needs an Activity Type"):
            step.activity_type_id = False
        with self._assert_validation("needs an Activity Type"):
            self.env["mail.activity.plan.template"].create(
                {"plan_id": self.plan.id, "activity_type_id": False}
            )
        with self._assert_validation("cannot be negative"):
            self._plan("Backwards", [(self.call_type, -1)])

    def test_bad_trigger_input_refused(self):
        with self._assert_validation("Choose the value"):
            self.Trigger.create({"dimension": "abc", "plan_id": self.plan.id})
        invoices = self.env["mail.activity.plan"].create(
            {
                "name": "Invoices",
                "res_model": "account.move",
                "template_ids": [
                    Command.create(
                        {
                            "activity_type_id": self.env.ref(
                                "mail.mail_activity_data_todo"
                            ).id
                        }
                    )
                ],
            }
        )
        with self._assert_validation("must apply to contacts"):
            self.Trigger.create(
                {"dimension": "abc", "abc_class": "b", "plan_id": invoices.id}
            )
        empty = self.env["mail.activity.plan"].create(
            {"name": "Empty", "res_model": "res.partner"}
        )
        with self._assert_validation("has no steps"):
            self.Trigger.create(
                {"dimension": "abc", "abc_class": "b", "plan_id": empty.id}
            )

    def test_sales_manager_sets_the_contact_pressure(self):
        profile = self.segment_profile.with_user(self.sales_manager)
        profile.write({"work_plan_pressure_touches": 2, "work_plan_pressure_days": 14})
        self.assertEqual(self.segment_profile.work_plan_pressure_touches, 2)
        self.assertEqual(self.segment_profile.work_plan_pressure_days, 14)
        with self._assert_validation(r"Touches Allowed: .*\(got 0\)"):
            profile.write({"work_plan_pressure_touches": 0})
        with self.assertRaises(AccessError):
            self.segment_profile.with_user(self.salesman).write(
                {"work_plan_pressure_days": 1}
            )
