from odoo.tools import SQL, sql

# The addon's activity types leave with it; their activities (key date
# reminders, work plan steps) would block the uninstall (restrict) or stay
# orphaned, and so would the steps of users' activity plans that use them.
# The key dates go with their table, but first: they restrict the deletion of
# the key date types, which the uninstall removes before dropping the tables.
REMINDER_ACTIVITY_TYPES = (
    "client_segmentation.mail_activity_type_key_date_call",
    "client_segmentation.mail_activity_type_key_date_congratulate",
)
WORK_PLAN_ACTIVITY_TYPES = (
    "client_segmentation.mail_activity_type_work_plan_call",
    "client_segmentation.mail_activity_type_work_plan_care",
    "client_segmentation.mail_activity_type_work_plan_offer",
)
# Core's plain-text columns the addon makes translatable (the shipped work
# plans read in each user's language): back to plain text, in English.
TRANSLATED_CORE_COLUMNS = (
    ("mail_activity_plan", "name"),
    ("mail_activity_plan_template", "summary"),
)
# Indexes that client.segment.state.init() adds to core tables for the
# incremental recompute and the boards; the tables outlive the module.
CORE_TABLE_INDEXES = (
    "client_segment_account_move_write_date_index",
    "client_segment_account_move_client_index",
    "client_segment_res_partner_write_date_index",
    "client_segment_res_partner_user_index",
)


def uninstall_hook(env):
    env["client.key.date"].sudo().with_context(active_test=False).search([]).unlink()
    # The work plan triggers restrict the deletion of the shipped plans,
    # which the uninstall removes before dropping the triggers' table.
    env["client.work.plan.trigger"].sudo().with_context(active_test=False).search(
        []
    ).unlink()
    type_ids = [
        activity_type.id
        for xmlid in REMINDER_ACTIVITY_TYPES + WORK_PLAN_ACTIVITY_TYPES
        if (activity_type := env.ref(xmlid, raise_if_not_found=False))
    ]
    if type_ids:
        env["mail.activity"].sudo().with_context(active_test=False).search(
            [("activity_type_id", "in", type_ids)]
        ).unlink()
        env["mail.activity.plan.template"].sudo().search(
            [("activity_type_id", "in", type_ids)]
        ).unlink()
    # Leave core tables as they were before the module.
    for name in CORE_TABLE_INDEXES:
        env.cr.execute(SQL("DROP INDEX IF EXISTS %s", SQL.identifier(name)))
    # flush first: pending writes of the ORM still expect jsonb
    env.flush_all()
    for table, column in TRANSLATED_CORE_COLUMNS:
        if sql.table_columns(env.cr, table).get(column, {}).get("udt_name") == "jsonb":
            sql.convert_column_translatable(env.cr, table, column, "varchar")
