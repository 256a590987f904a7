"""18.0.3.1.0: the revenue sources other than the invoices come from bridge
modules (docs/adr-010-revenue-sources.md): the confirmed sales orders moved
to client_segmentation_sale, the Point of Sale orders are in
client_segmentation_pos. Both install themselves with their app
(``auto_install``), but Odoo does that only when the app or the addon is
being installed, not when the addon is updated. So the update installs them
itself where their app is there, as a new install would: a profile whose
source is "sale" keeps it (its selection value is kept by the bridge's) and
keeps working.

Where the bridge module cannot be found, the value stays as it was and the
recompute says which module the source needs."""

import logging

from odoo.tools import SQL

_logger = logging.getLogger(__name__)

# bridge module: the app it comes with
BRIDGES = {
    "client_segmentation_sale": "sale",
    "client_segmentation_pos": "point_of_sale",
}


def migrate(cr, version):
    for bridge, app in BRIDGES.items():
        cr.execute(
            SQL(
                """
                UPDATE ir_module_module bridge SET state = 'to install'
                  FROM ir_module_module app
                 WHERE bridge.name = %(bridge)s AND bridge.state = 'uninstalled'
                   AND app.name = %(app)s
                   AND app.state IN ('installed', 'to upgrade')
                RETURNING bridge.id
                """,
                bridge=bridge,
                app=app,
            )
        )
        if cr.rowcount:
            _logger.info("%s installs itself with %s", bridge, app)
