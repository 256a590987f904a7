from odoo import fields, models


class ClientWorkPlanRun(models.Model):
    """One entry of a client into a work plan trigger: the bookkeeping that
    makes a plan launch exactly once per entry (one row per trigger, client
    and day) and lets the remaining steps be cancelled when the client leaves
    the segment or buys. Written by the segment engine only."""

    _name = "client.work.plan.run"
    _description = "Client Work Plan Entry"
    _order = "entered_on desc, id desc"
    _rec_name = "partner_id"

    trigger_id = fields.Many2one(
        comodel_name="client.work.plan.trigger",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
    )
    plan_id = fields.Many2one(
        comodel_name="mail.activity.plan",
        required=True,
        readonly=True,
        ondelete="cascade",
        help="The plan launched (the trigger may point to another plan since).",
    )
    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
    )
    partner_id = fields.Many2one(
        comodel_name="res.partner",
        string="Client",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
    )
    user_id = fields.Many2one(
        comodel_name="res.users",
        string="Responsible",
        readonly=True,
        ondelete="set null",
        help="Resolved at launch: the client's salesperson, else the trigger's "
        "fixed user, else the leader of the salesperson's sales team.",
    )
    entered_on = fields.Date(required=True, readonly=True)
    state = fields.Selection(
        selection=[("running", "Running"), ("cancelled", "Cancelled")],
        required=True,
        readonly=True,
        default="running",
    )
    cancel_reason = fields.Selection(
        selection=[("left", "Left the segment"), ("purchase", "Bought")],
        readonly=True,
    )
    cancelled_on = fields.Date(readonly=True)
    activity_ids = fields.One2many(
        comodel_name="mail.activity",
        inverse_name="work_plan_run_id",
        string="Planned Steps",
        readonly=True,
    )

    _sql_constraints = [
        (
            "entry_unique",
            "unique(trigger_id, partner_id, entered_on)",
            "A client enters a work plan trigger at most once a day.",
        ),
    ]
