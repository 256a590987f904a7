from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged
from odoo.tools import SQL

from .work_plan_common import TODAY, WorkPlanCase, day


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestWorkPlan(WorkPlanCase):
    def test_entry_plans_the_steps(self):
        result = self._enter(self.client)
        self.assertEqual(result["entries"], 1)
        self.assertEqual(result["activities"], 2)
        run = self.Run.search([("partner_id", "=", self.client.id)])
        self.assertRecordValues(
            run,
            [
                {
                    "trigger_id": self.trigger.id,
                    "plan_id": self.plan.id,
                    "company_id": self.company.id,
                    "entered_on": TODAY,
                    "user_id": self.salesman.id,
                    "state": "running",
                }
            ],
        )
        activities = self._plan_activities(self.client)
        self.assertRecordValues(
            activities,
            [
                {
                    "activity_type_id": self.call_type.id,
                    "summary": "Test win-back step 1",
                    "date_deadline": TODAY,
                    "user_id": self.salesman.id,
                    "res_name": "Sleepy Ltd",
                    "automated": True,
                    "work_plan_run_id": run.id,
                },
                {
                    "activity_type_id": self.offer_type.id,
                    "summary": "Test win-back step 2",
                    "date_deadline": day(7),
                    "user_id": self.salesman.id,
                    "res_name": "Sleepy Ltd",
                    "automated": True,
                    "work_plan_run_id": run.id,
                },
            ],
        )
        # what mail.activity.create() does: the responsible follows the client
        self.assertIn(self.salesman.partner_id, self.client.message_partner_ids)
        follower = self.client.message_follower_ids.filtered(
            lambda f: f.partner_id == self.salesman.partner_id
        )
        self.assertTrue(follower.subtype_ids)
        # and the client shows its next activity
        self.assertEqual(self.client.activity_date_deadline, TODAY)
        self.assertEqual(self.client.activity_user_id, self.salesman)

    def test_other_dimensions_and_values_do_not_trigger(self):
        result = self._apply(
            [
                (self.client, "recency", "sleeping", "warm"),
                (self.client, "abc", None, "sleeping"),
                (self._client("Already Sleeping"), "recency", "sleeping", "sleeping"),
            ]
        )
        self.assertEqual(result["entries"], 0)
        self.assertFalse(self.Run.search([]))

    def test_exactly_once_per_entry(self):
        self._enter(self.client)
        again = self._enter(self.client)
        self.assertEqual(again["entries"], 0)
        self.assertEqual(len(self._plan_activities(self.client)), 2)
        # leaves and comes back the same day: no second plan
        self._apply([(self.client, "recency", "sleeping", "warm")])
        back = self._enter(self.client)
        self.assertEqual(back["entries"], 0)
        self.assertEqual(
            self.Run.search_count([("partner_id", "=", self.client.id)]), 1
        )
        # a new entry another day is a new plan
        with freeze_time(day(30)):
            self._apply([(self.client, "recency", "sleeping", "warm")], today=day(30))
            later = self._enter(self.client, today=day(30))
        self.assertEqual(later["entries"], 1)
        self.assertEqual(
            self.Run.search_count([("partner_id", "=", self.client.id)]), 2
        )

    def test_first_run_launches_nothing(self):
        result = self._enter(self.client, old=None, first_run=True)
        self.assertEqual(result["entries"], 0)
        self.assertFalse(self._plan_activities(self.client))

    def test_inactive_trigger_launches_nothing(self):
        self.trigger.active = False
        self.assertEqual(self._enter(self.client)["entries"], 0)

    def test_leaving_cancels_the_remaining_steps(self):
        self._enter(self.client)
        first, second = self._plan_activities(self.client)
        first.action_feedback(feedback="Reached them")
        with freeze_time(day(2)):
            result = self._apply(
                [(self.client, "recency", "sleeping", "warm")], today=day(2)
            )
        self.assertEqual(result["cancelled"], 1)
        self.assertFalse(second.exists())
        run = self.Run.search([("partner_id", "=", self.client.id)])
        self.assertRecordValues(
            run,
            [{"state": "cancelled", "cancel_reason": "left", "cancelled_on": day(2)}],
        )
        # the done step stays in the chatter
        self.assertTrue(
            self.client.message_ids.filtered(lambda m: "Reached them" in m.body)
        )

    def test_purchase_cancels_the_remaining_steps(self):
        self._enter(self.client)
        keeper = self._client("Hot Keeper", user_id=self.salesman.id)
        self.trigger.copy(
            {
                "recency_segment": "hot",
                "cancel_on_purchase": False,
            }
        )
        self._enter(keeper, segment="hot")
        # a purchase on the entry day was known at entry: nothing changes
        self._set_last_purchase(self.client, TODAY)
        self.assertEqual(self._apply([])["cancelled"], 0)
        with freeze_time(day(3)):
            self._set_last_purchase(self.client, day(3))
            self._set_last_purchase(keeper, day(3))
            result = self._apply([], today=day(3))
        self.assertEqual(result["cancelled"], 1)
        self.assertFalse(self._plan_activities(self.client))
        self.assertEqual(
            self.Run.search([("partner_id", "=", self.client.id)]).cancel_reason,
            "purchase",
        )
        self.assertEqual(len(self._plan_activities(keeper)), 2)

    def test_pressure_postpones_steps(self):
        self.client.activity_schedule(
            "mail.mail_activity_data_todo",
            date_deadline=day(2),
            user_id=self.salesman.id,
        )
        self._enter(self.client)
        # 1 touch per 7 days: nothing within 6 days of the to-do on day 2
        self.assertEqual(
            self._plan_activities(self.client).mapped("date_deadline"),
            [day(9), day(16)],
        )

    def test_pressure_counts_done_activities(self):
        """A call done two days before the plan starts is a touch: the plan's
        first step waits for the end of the pressure window."""
        with freeze_time(day(-2)):
            call = self.client.activity_schedule(
                "mail.mail_activity_data_call",
                date_deadline=day(-2),
                user_id=self.salesman.id,
            )
            call.action_feedback(feedback="Called, not interested yet")
        self.assertFalse(call.exists())
        self._enter(self.client)
        self.assertEqual(
            self._plan_activities(self.client).mapped("date_deadline"),
            [day(5), day(12)],
        )

    def _set_recency(self, partner, segment):
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """UPDATE res_partner
                      SET recency_segment = COALESCE(recency_segment, '{}'::jsonb)
                          || jsonb_build_object(%s, %s::text)
                    WHERE id = %s""",
                str(self.company.id),
                segment,
                partner.id,
            )
        )
        partner.invalidate_recordset(["recency_segment"])

    def test_start_for_clients_already_in_the_segment(self):
        """Switching a trigger on offers the clients already in its value:
        their count, then the same entries and steps as a recompute's, under
        the contact pressure, once."""
        second = self._client("Already Asleep", user_id=self.salesman.id)
        awake = self._client("Awake", user_id=self.salesman.id)
        for partner, segment in ((self.client, "sleeping"), (second, "sleeping")):
            self._set_recency(partner, segment)
        self._set_recency(awake, "hot")
        second.activity_schedule(
            "mail.mail_activity_data_todo",
            date_deadline=day(2),
            user_id=self.salesman.id,
        )
        trigger = self.trigger.with_user(self.sales_manager)
        self.assertEqual(trigger.waiting_count, 2)
        with self.assertRaises(AccessError):
            self.trigger.with_user(self.salesman).action_start_for_current_clients()
        trigger.action_start_for_current_clients()
        runs = self.Run.search([("trigger_id", "=", self.trigger.id)])
        self.assertEqual(runs.partner_id, self.client | second)
        self.assertEqual(
            self._plan_activities(self.client).mapped("date_deadline"), [TODAY, day(7)]
        )
        # the to-do on day 2 moves the second client's steps
        self.assertEqual(
            self._plan_activities(second).mapped("date_deadline"), [day(9), day(16)]
        )
        trigger.invalidate_recordset(["waiting_count"])
        self.assertEqual(trigger.waiting_count, 0)
        trigger.action_start_for_current_clients()
        self.assertEqual(
            self.Run.search_count([("trigger_id", "=", self.trigger.id)]), 2
        )
        trigger.active = False
        with self.assertRaisesRegex(UserError, "Switch the work plan trigger"):
            trigger.action_start_for_current_clients()

    def test_pressure_settings_per_company(self):
        self.segment_profile.write(
            {"work_plan_pressure_touches": 2, "work_plan_pressure_days": 7}
        )
        self.client.activity_schedule(
            "mail.mail_activity_data_todo",
            date_deadline=day(2),
            user_id=self.salesman.id,
        )
        self._enter(self.client)
        self.assertEqual(
            self._plan_activities(self.client).mapped("date_deadline"),
            [TODAY, day(7)],
        )

    def test_pressure_settings_refused(self):
        with self._assert_validation(r"Touches Allowed: .*from 1 to .*\(got 0\)"):
            self.segment_profile.work_plan_pressure_touches = 0
        with self._assert_validation(r"Per Days: .*from 1 to .*\(got -1\)"):
            self.segment_profile.work_plan_pressure_days = -1

    def test_step_in_the_past_is_due_today(self):
        self.plan.template_ids[0].delay_from = "before_plan_date"
        self.plan.template_ids[0].delay_count = 3
        self._enter(self.client)
        self.assertEqual(
            self._plan_activities(self.client).mapped("date_deadline"),
            [TODAY, day(7)],
        )

    def test_responsible_fallback(self):
        # a salesperson who left: the leader of their sales team
        gone = self._client("Orphan", user_id=self.team_member.id)
        self.team_member.active = False
        unassigned = self._client("Unassigned")
        rows = [
            (partner, "recency", "warm", "sleeping")
            for partner in (self.client, gone, unassigned)
        ]
        result = self._apply(rows)
        self.assertEqual(result["entries"], 2)
        self.assertEqual(result["unassigned"], 1)
        self.assertEqual(self._plan_activities(self.client).user_id, self.salesman)
        self.assertEqual(self._plan_activities(gone).user_id, self.leader)
        self.assertFalse(self._plan_activities(unassigned))
        self.assertFalse(self.Run.search([("partner_id", "=", unassigned.id)]))
        # a fixed user comes before the team leader
        self.trigger.user_id = self.fixed_user
        other = self._client("Other", user_id=self.team_member.id)
        self._apply([(other, "recency", "warm", "sleeping")])
        self.assertEqual(self._plan_activities(other).user_id, self.fixed_user)
        # a salesperson not allowed in the company is skipped too
        outsider = new_test_user(
            self.env, login="cs_outsider", company_id=self.company_b.id
        )
        foreign = self._client("Foreign", user_id=outsider.id)
        self._apply([(foreign, "recency", "warm", "sleeping")])
        self.assertEqual(self._plan_activities(foreign).user_id, self.fixed_user)

    def test_step_default_user_is_kept(self):
        step = self.plan.template_ids[1]
        step.write({"responsible_type": "other", "responsible_id": self.fixed_user.id})
        self._enter(self.client)
        self.assertEqual(
            self._plan_activities(self.client).user_id.ids,
            [self.salesman.id, self.fixed_user.id],
        )

    def test_abc_and_stage_triggers(self):
        stage = self.env["client.funnel.stage"].search([], limit=1)
        abc_trigger = self.trigger.copy({"dimension": "abc", "abc_class": "a"})
        stage_trigger = self.trigger.copy(
            {"dimension": "stage", "funnel_stage_id": stage.id}
        )
        self.assertEqual(stage_trigger.value, str(stage.id))
        other = self._client("Staged", user_id=self.salesman.id)
        self._apply(
            [
                (self.client, "abc", "b", "a"),
                (other, "stage", None, str(stage.id)),
            ]
        )
        self.assertEqual(
            self.Run.search([("partner_id", "=", self.client.id)]).trigger_id,
            abc_trigger,
        )
        self.assertEqual(
            self.Run.search([("partner_id", "=", other.id)]).trigger_id, stage_trigger
        )

    def test_rhythm_dimension_where_clients_have_a_rhythm(self):
        dimensions = dict(self.Trigger._selection_dimension())
        if "rhythm_state" not in self.env["res.partner"]._fields:
            self.assertNotIn("rhythm", dimensions)
            return
        trigger = self.trigger.copy({"dimension": "rhythm", "rhythm_state": "due_soon"})
        self.assertEqual(trigger.value, "due_soon")
        self._apply([(self.client, "rhythm", "not_due", "due_soon")])
        self.assertEqual(
            self.Run.search([("partner_id", "=", self.client.id)]).trigger_id, trigger
        )

    def test_multi_company_isolation(self):
        company_b = self.company_b
        trigger_b = self.trigger.copy({"company_id": company_b.id, "user_id": False})
        self.salesman.company_ids |= company_b
        self._enter(self.client, company=company_b)
        run_b = self.Run.search([("partner_id", "=", self.client.id)])
        self.assertEqual(run_b.trigger_id, trigger_b)
        self.assertEqual(run_b.company_id, company_b)
        # company A's trigger did not fire, and A's recompute leaves B alone
        self._apply([(self.client, "recency", "sleeping", "warm")])
        self.assertEqual(run_b.state, "running")
        self.assertEqual(len(self._plan_activities(self.client)), 2)
        # users of company A only see A's entries and triggers
        Run = self.Run.with_user(self.sales_manager)
        self.assertFalse(Run.search([("id", "=", run_b.id)]))
        self.assertNotIn(
            trigger_b,
            self.Trigger.with_user(self.sales_manager)
            .with_context(active_test=False)
            .search([]),
        )

    def test_company_deletion_takes_its_triggers_and_entries(self):
        company = self.env["res.company"].create({"name": "Short-lived Co"})
        trigger = self.trigger.copy({"company_id": company.id, "user_id": False})
        self.salesman.company_ids |= company
        self._enter(self.client, company=company)
        run = self.Run.search([("trigger_id", "=", trigger.id)])
        self.assertTrue(run)
        self.salesman.company_ids -= company
        company.unlink()
        self.assertFalse(trigger.exists())
        self.assertFalse(run.exists())

    def test_default_triggers_for_new_companies(self):
        company = self.env["res.company"].create({"name": "Fresh Co"})
        defaults = self.Trigger.with_context(active_test=False).search(
            [("company_id", "=", company.id)]
        )
        self.assertEqual(
            sorted(defaults.mapped("recency_segment")), ["hot", "sleeping", "warm"]
        )
        self.assertFalse(any(defaults.mapped("active")))
        self.assertEqual(
            defaults.filtered(lambda t: t.recency_segment == "hot").plan_id,
            self.env.ref("client_segmentation.mail_activity_plan_hot"),
        )

    def test_shipped_plans(self):
        hot = self.env.ref("client_segmentation.mail_activity_plan_hot")
        self.assertEqual(hot.res_model, "res.partner")
        self.assertEqual(len(hot.template_ids), 5)
        warm = self.env.ref("client_segmentation.mail_activity_plan_warm")
        self.assertIn("not a discount", warm.template_ids[-1].summary)
        sleeping = self.env.ref("client_segmentation.mail_activity_plan_sleeping")
        self.assertEqual(sleeping.template_ids[0].delay_count, 0)
        # the plans stay launchable by hand, with Odoo's own wizard
        wizard = (
            self.env["mail.activity.schedule"]
            .with_context(active_model="res.partner", active_ids=self.client.ids)
            .create(
                {"plan_id": sleeping.id, "plan_on_demand_user_id": self.salesman.id}
            )
        )
        wizard.action_schedule_plan()
        self.assertEqual(len(self.client.activity_ids), 2)


@tagged("post_install", "-at_install")
class TestDefaultWorkPlans(WorkPlanCase):
    def test_default_plans_read_in_each_language(self):
        """The shipped plans and their steps are created in English with an
        xmlid each, and read in every language the module's .po files
        translate, whoever installed the addon."""
        self.env["res.lang"]._activate_lang("ru_RU")
        self.env.ref("base.user_admin").lang = "ru_RU"
        Trigger = self.Trigger.sudo().with_context(active_test=False)
        Plan = self.env["mail.activity.plan"].sudo()
        xmlids = [
            "client_segmentation.mail_activity_plan_hot",
            "client_segmentation.mail_activity_plan_warm",
            "client_segmentation.mail_activity_plan_sleeping",
        ]
        plans = Plan.browse([self.env.ref(xmlid).id for xmlid in xmlids])
        Trigger.search([("plan_id", "in", plans.ids)]).unlink()
        plans.unlink()
        Plan._create_default_work_plans()
        self.env["ir.module.module"].search(
            [("name", "=", "client_segmentation")]
        )._update_translations(["ru_RU"], overwrite=True)
        sleeping = self.env.ref("client_segmentation.mail_activity_plan_sleeping")
        self.assertEqual(
            sleeping.with_context(lang="en_US").name, "Sleeping buyer: win back"
        )
        self.assertEqual(
            sleeping.with_context(lang="ru_RU").name, "Спящий покупатель: вернуть"
        )
        steps = sleeping.template_ids.sorted("sequence")
        self.assertEqual(len(steps), 2)
        self.assertEqual(
            self.env.ref("client_segmentation.mail_activity_plan_sleeping_step_1"),
            steps[0],
        )
        self.assertIn("почему", steps[0].with_context(lang="ru_RU").summary)
        self.assertIn("why", steps[0].with_context(lang="en_US").summary)
        # an existing plan is left alone (edited by a manager, say)
        sleeping.name = "Our own win-back"
        Plan._create_default_work_plans()
        self.assertEqual(sleeping.name, "Our own win-back")


@tagged("post_install", "-at_install")
class TestWorkPlanEngine(WorkPlanCase):
    """The segment engine hands its change set to the triggers."""

    def test_recompute_launches_and_cancels_plans(self):
        with freeze_time(TODAY):
            self._invoices([(self.client, day(-100), 300)])
            first = self._recompute()
            self.assertEqual(self.client.recency_segment, "warm")
            # the company's first run is its starting point: no plan
            self.assertFalse(self.Run.search([("partner_id", "=", self.client.id)]))
            self.assertTrue(first["clients"])
        with freeze_time(day(30)):
            # 130 days without purchase: the client falls asleep
            self._recompute()
            self.assertEqual(self.client.recency_segment, "sleeping")
            run = self.Run.search([("partner_id", "=", self.client.id)])
            self.assertRecordValues(run, [{"entered_on": day(30), "state": "running"}])
            self.assertEqual(
                self._plan_activities(self.client).mapped("date_deadline"),
                [day(30), day(37)],
            )
            # exactly once: the nightly run again plans nothing more
            self._recompute()
            self.assertEqual(len(self._plan_activities(self.client)), 2)
        with freeze_time(day(32)):
            # the client buys again: hot, the plan stops
            self._invoices([(self.client, day(32), 150)])
            self._recompute()
            self.assertEqual(self.client.recency_segment, "hot")
            self.assertEqual(run.state, "cancelled")
            self.assertFalse(self._plan_activities(self.client))
