"""18.0.3.1.0: the temperature is the client's interest, no longer its
recency (docs/adr-004-funnel.md): the next recompute of every company
re-examines the temperature of all its clients."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["client.segmentation.profile"]._renew_funnel()
