"""18.0.2.0.0: stage colours are validated as #rrggbb (they reach a style
attribute of the boards); a colour saved before that is reset to white, so
the stage stays editable. Stages, types, reasons and key date types get a
company: the existing ones stay shared (empty company), as before. The work
plans arrive: the shipped plans and each company's (inactive) triggers, which
a new install creates from its data."""

import logging

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    cr.execute(
        SQL(
            """
            UPDATE client_funnel_stage
               SET color = '#FFFFFF'
             WHERE color IS NOT NULL AND color !~ '^#[0-9A-Fa-f]{6}$'
            RETURNING id
            """
        )
    )
    reset = [row[0] for row in cr.fetchall()]
    if reset:
        _logger.info("Funnel stages %s: invalid colour reset to #FFFFFF", reset)
    # Platinum was a grey barely apart from Grey: the default stage gets its
    # new pale blue, unless the company chose a colour of its own.
    cr.execute(
        SQL(
            """
            UPDATE client_funnel_stage stage
               SET color = '#6FA8DC'
              FROM ir_model_data data
             WHERE data.model = 'client.funnel.stage' AND data.res_id = stage.id
               AND data.module = 'client_segmentation'
               AND data.name = 'client_funnel_stage_platinum'
               AND upper(stage.color) = '#B4B8C5'
            """
        )
    )
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["mail.activity.plan"]._create_default_work_plans()
    env["client.work.plan.trigger"]._create_default_triggers()
