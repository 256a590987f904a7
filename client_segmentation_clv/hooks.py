from odoo.tools import SQL


def uninstall_hook(env):
    """The work plan triggers of this module's kind (and their entries, by
    cascade) go with it: their dimension would be unknown afterwards."""
    env.cr.execute(
        SQL("DELETE FROM client_work_plan_trigger WHERE dimension = 'clv_alive'")
    )
