"""18.0.3.0.0, before the update: the views of the two settings forms go
first. The settings page's block is rewritten as a link to the profile, and
the old views inheriting from it would not validate against it (Odoo removes
records of a module's former data only after the update)."""

from odoo import SUPERUSER_ID, api

OBSOLETE_VIEWS = (
    "res_config_settings_view_form_funnel",
    "res_config_settings_view_form_client_card",
    "res_config_settings_view_form_rhythm",
    "res_config_settings_view_form_work_plan",
    "client_segmentation_settings_view_form_preview",
    "client_segmentation_settings_view_form",
)


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    data = env["ir.model.data"].search(
        [
            ("module", "=", "client_segmentation"),
            ("model", "=", "ir.ui.view"),
            ("name", "in", OBSOLETE_VIEWS),
        ]
    )
    env["ir.ui.view"].browse(data.mapped("res_id")).exists().unlink()
    data.unlink()
