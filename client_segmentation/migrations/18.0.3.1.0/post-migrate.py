"""18.0.3.1.0, after the update:

- the temperature is the client's interest, no longer its recency
  (docs/adr-004-funnel.md): the next recompute of every company re-examines
  the temperature of all its clients;
- the shipped work plans become translatable.

Before, the plans and their steps were plain text written once in the
administrator's language, and the steps had no xmlid. Now plan names and
step summaries are translatable (models/mail_activity_plan.py) and the
module's .po files translate them by xmlid, after this script (Odoo loads the
module's translations at the end of its update). Here, for each shipped plan
still as shipped (its name and its steps' summaries are the shipped text in
English or in one of the module's languages), the steps get their xmlids and
the texts their English source; a plan a manager renamed or whose steps were
changed is left as it is."""

import logging
from pathlib import Path

import polib

from odoo import SUPERUSER_ID, api

from odoo.addons.client_segmentation.models.mail_activity_plan import (
    DEFAULT_WORK_PLANS,
)

_logger = logging.getLogger(__name__)
I18N = Path(__file__).resolve().parents[2] / "i18n"


def _shipped_texts():
    """English source -> every way the module wrote it (source included)."""
    texts = {}
    for path in sorted(I18N.glob("*.po")):
        for entry in polib.pofile(str(path)):
            if entry.msgstr and not entry.obsolete:
                texts.setdefault(entry.msgid, set()).add(entry.msgstr)
    return texts


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {"lang": "en_US", "active_test": False})
    known = _shipped_texts()

    def shipped(value, source):
        return value == source or value in known.get(source, ())

    Data = env["ir.model.data"]
    done = []
    for xmlid, name, steps in DEFAULT_WORK_PLANS:
        plan = env.ref(f"client_segmentation.{xmlid}", raise_if_not_found=False)
        if not plan:
            continue
        templates = plan.template_ids.sorted("sequence")
        if not shipped(plan.name, name) or len(templates) != len(steps):
            continue
        if not all(
            shipped(template.summary, summary)
            for template, (_type, _delay, _unit, summary) in zip(
                templates, steps, strict=True
            )
        ):
            continue
        plan.name = name
        for template, (_type, _delay, _unit, summary) in zip(
            templates, steps, strict=True
        ):
            template.summary = summary
        Data._update_xmlids(
            [
                {
                    "xml_id": f"client_segmentation.{xmlid}_step_{index}",
                    "record": template,
                    "noupdate": True,
                }
                for index, template in enumerate(templates, start=1)
            ]
        )
        done.append(xmlid)
    _logger.info("Shipped work plans made translatable: %s", ", ".join(done) or "none")
    env["client.segmentation.profile"]._renew_funnel()
