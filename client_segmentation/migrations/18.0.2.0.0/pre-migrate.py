"""18.0.2.0.0: the next key date is read by salespeople only. The 18.0.1.0.0
client card view shows it in a button for everyone; the upgrade validates the
contact form with that old view still in place before loading the new one,
so the old button is restricted the same way first (the new view replaces
it right after)."""

from odoo.tools import SQL


def migrate(cr, version):
    cr.execute(
        SQL(
            """
            UPDATE ir_ui_view v
               SET arch_db = replace(
                       v.arch_db::text,
                       'invisible=\\"not next_key_date\\">',
                       'invisible=\\"not next_key_date\\" '
                       'groups=\\"sales_team.group_sale_salesman\\">'
                   )::jsonb
              FROM ir_model_data d
             WHERE d.model = 'ir.ui.view' AND d.res_id = v.id
               AND d.module = 'client_segmentation'
               AND d.name = 'res_partner_view_form_client_card'
            """
        )
    )
