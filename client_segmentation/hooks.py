from odoo.tools import SQL

# Indexes that client.segment.state.init() adds to core tables for the
# incremental recompute; the tables outlive the module.
CORE_TABLE_INDEXES = (
    "client_segment_account_move_write_date_index",
    "client_segment_account_move_client_index",
    "client_segment_res_partner_write_date_index",
)


def uninstall_hook(env):
    """Leave core tables as they were before the module."""
    for name in CORE_TABLE_INDEXES:
        env.cr.execute(SQL("DROP INDEX IF EXISTS %s", SQL.identifier(name)))
