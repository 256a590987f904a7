from odoo import fields, models


class CrmLead(models.Model):
    _inherit = "crm.lead"

    work_plan_run_id = fields.Many2one(
        comodel_name="client.work.plan.run",
        string="Work Plan Entry",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
        help="The entry of the client into a work plan that opened this opportunity.",
    )

    _sql_constraints = [
        (
            "work_plan_run_unique",
            "unique(work_plan_run_id)",
            "A work plan entry opens one opportunity at most.",
        ),
    ]
