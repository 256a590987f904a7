from odoo import fields, models


class MailActivity(models.Model):
    _inherit = "mail.activity"

    work_plan_run_id = fields.Many2one(
        comodel_name="client.work.plan.run",
        string="Work Plan Entry",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
        help="The entry of the client into a work plan trigger that planned "
        "this step; its remaining steps are cancelled when the client leaves "
        "the segment or buys.",
    )
