"""18.0.3.0.0: the thresholds and choices of each company move from its
res_company columns into its client.segmentation.profile (created at the
module's update, see data/client_segmentation_profile_data.xml), and the
columns are dropped. The sales managers' transient settings form is gone:
Odoo drops the tables of removed models only when they are still in the
registry, so its table goes here. See docs/adr-008-settings-profile.md."""

import logging

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    moved = env["client.segmentation.profile"]._migrate_company_settings()
    _logger.info("Client segmentation settings moved to the profiles: %s", moved)
    cr.execute(SQL("DROP TABLE IF EXISTS client_segmentation_settings CASCADE"))
