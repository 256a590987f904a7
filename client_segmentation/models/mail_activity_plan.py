from odoo import api, models
from odoo.tools.translate import LazyTranslate

_lt = LazyTranslate(__name__)

# The work plans of the recency groups (DOMAIN 2.4), shipped as editable
# defaults. Odoo's plan names and step summaries are not translatable fields,
# so the texts live here, translated by the module's .po files, and the plans
# are written once, at install, in the administrator's language.
DEFAULT_WORK_PLANS = [
    (
        "mail_activity_plan_hot",
        _lt("Bought recently: after the purchase"),
        [
            (
                "mail_activity_type_work_plan_call",
                1,
                "days",
                _lt("Call or write: thank for the purchase, ask how it goes"),
            ),
            (
                "mail_activity_type_work_plan_care",
                1,
                "weeks",
                _lt("Useful message: care and usage tips, no selling"),
            ),
            (
                "mail_activity_type_work_plan_care",
                2,
                "weeks",
                _lt("Useful message: care and usage tips, no selling"),
            ),
            (
                "mail_activity_type_work_plan_care",
                3,
                "weeks",
                _lt("Useful message: care and usage tips, no selling"),
            ),
            (
                "mail_activity_type_work_plan_care",
                4,
                "weeks",
                _lt("Useful message: care and usage tips, no selling"),
            ),
        ],
    ),
    (
        "mail_activity_plan_warm",
        _lt("Cooling down: time to buy again"),
        [
            (
                "mail_activity_type_work_plan_call",
                0,
                "days",
                _lt(
                    "Call: time to buy again, invite to something interesting "
                    "(clients only)"
                ),
            ),
            (
                "mail_activity_type_work_plan_offer",
                10,
                "days",
                _lt("No reaction: special offer (a gift or a contest, not a discount)"),
            ),
        ],
    ),
    (
        "mail_activity_plan_sleeping",
        _lt("Sleeping buyer: win back"),
        [
            (
                "mail_activity_type_work_plan_call",
                0,
                "days",
                _lt("Call at once: find out, friendly, why they stopped buying"),
            ),
            (
                "mail_activity_type_work_plan_offer",
                1,
                "weeks",
                _lt("Come back offer: a discount or a gift"),
            ),
        ],
    ),
]


class MailActivityPlan(models.Model):
    _inherit = "mail.activity.plan"

    @api.model
    def _create_default_work_plans(self):
        """Create the shipped work plans (noupdate, editable), in the
        administrator's language; the ones that exist are left alone."""
        admin = self.env.ref("base.user_admin", raise_if_not_found=False)
        env = self.with_context(lang=admin.lang if admin else None).env
        Data = self.env["ir.model.data"]
        for xmlid, name, steps in DEFAULT_WORK_PLANS:
            if self.env.ref(f"client_segmentation.{xmlid}", raise_if_not_found=False):
                continue
            plan = self.create(
                {
                    "name": env._(name),
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
                                "summary": env._(summary),
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
            )
