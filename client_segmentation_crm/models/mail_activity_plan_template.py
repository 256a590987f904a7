from odoo import fields, models


class MailActivityPlanTemplate(models.Model):
    _inherit = "mail.activity.plan.template"

    client_opens_opportunity = fields.Boolean(
        string="Open an Opportunity",
        help="When a work plan trigger launches this plan for a client, open "
        "one opportunity in the pipeline of the sales team of the client's "
        "salesperson (e.g. 'Reactivate' for a valuable client who fell asleep).",
    )
    client_opportunity_name = fields.Char(
        string="Opportunity Title",
        help="Empty: the plan's name and the client's name.",
    )
