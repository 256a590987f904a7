from odoo import api, fields, models

# The work plans of the recency groups (DOMAIN 2.4), shipped as editable
# defaults, created at install with an xmlid for each plan and each step
# (``<plan>_step_<n>``), so that the module's .po files translate their names
# and summaries (made translatable below) for every language, loaded at
# install or later (the .pot has them as the records' terms).
DEFAULT_WORK_PLANS = [
    (
        "mail_activity_plan_hot",
        "Bought recently: after the purchase",
        [
            (
                "mail_activity_type_work_plan_call",
                1,
                "days",
                "Call or write: thank for the purchase, ask how it goes",
            ),
            (
                "mail_activity_type_work_plan_care",
                1,
                "weeks",
                "Useful message: care and usage tips, no selling",
            ),
            (
                "mail_activity_type_work_plan_care",
                2,
                "weeks",
                "Useful message: care and usage tips, no selling",
            ),
            (
                "mail_activity_type_work_plan_care",
                3,
                "weeks",
                "Useful message: care and usage tips, no selling",
            ),
            (
                "mail_activity_type_work_plan_care",
                4,
                "weeks",
                "Useful message: care and usage tips, no selling",
            ),
        ],
    ),
    (
        "mail_activity_plan_warm",
        "Cooling down: time to buy again",
        [
            (
                "mail_activity_type_work_plan_call",
                0,
                "days",
                (
                    "Call: time to buy again, invite to something interesting "
                    "(clients only)"
                ),
            ),
            (
                "mail_activity_type_work_plan_offer",
                10,
                "days",
                "No reaction: special offer (a gift or a contest, not a discount)",
            ),
        ],
    ),
    (
        "mail_activity_plan_sleeping",
        "Sleeping buyer: win back",
        [
            (
                "mail_activity_type_work_plan_call",
                0,
                "days",
                "Call at once: find out, friendly, why they stopped buying",
            ),
            (
                "mail_activity_type_work_plan_offer",
                1,
                "weeks",
                "Come back offer: a discount or a gift",
            ),
        ],
    ),
]


class MailActivityPlan(models.Model):
    _inherit = "mail.activity.plan"

    # Core keeps plan names as plain text: a salesperson reading Russian would
    # see the shipped plans in the language of whoever installed the addon.
    # Translatable here (core converts the column to its translated form, and
    # hooks.uninstall_hook converts it back, keeping the English text).
    name = fields.Char(translate=True)

    @api.model
    def _create_default_work_plans(self):
        """Create the shipped work plans (noupdate, editable), in English with
        their xmlids: the module's translations follow for every installed
        language. The ones that exist are left alone."""
        english = self.with_context(lang="en_US")
        Data = self.env["ir.model.data"]
        for xmlid, name, steps in DEFAULT_WORK_PLANS:
            if self.env.ref(f"client_segmentation.{xmlid}", raise_if_not_found=False):
                continue
            plan = english.create(
                {
                    "name": name,
                    "res_model": "res.partner",
                    "company_id": False,
                    "template_ids": [
                        (
                            0,
                            0,
                            {
                                "sequence": 10 * index,
                                "activity_type_id": self.env.ref(
                                    f"client_segmentation.{activity_type}"
                                ).id,
                                "summary": summary,
                                "delay_count": delay,
                                "delay_unit": unit,
                                "delay_from": "after_plan_date",
                            },
                        )
                        for index, (activity_type, delay, unit, summary) in enumerate(
                            steps, start=1
                        )
                    ],
                }
            )
            Data._update_xmlids(
                [
                    {
                        "xml_id": f"client_segmentation.{xmlid}",
                        "record": plan,
                        "noupdate": True,
                    }
                ]
                + [
                    {
                        "xml_id": f"client_segmentation.{xmlid}_step_{index}",
                        "record": step,
                        "noupdate": True,
                    }
                    for index, step in enumerate(
                        plan.template_ids.sorted("sequence"), start=1
                    )
                ]
            )
