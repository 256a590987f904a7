"""18.0.1.1.0: the module's interest signals warm the clients' temperature
(docs/adr-004-funnel.md): the next recompute of every company re-examines
the temperature of all its clients."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["client.segmentation.profile"]._renew_funnel()
