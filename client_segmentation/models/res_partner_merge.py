"""The partner merge (base.partner.merge.automatic.wizard, wizards/): what
the survivor keeps of the addon's data."""

from odoo import models

from .client_segment_engine import SEGMENT_FIELDS
from .res_partner_card import CARD_NOTE_FIELDS
from .res_partner_funnel import FUNNEL_COMPUTED_FIELDS, SALES_WRITABLE_FIELDS

# Set by the partner merge: the merge copies every stored field of the
# duplicates, but the addon's engine and sales fields are carried over by
# _client_merge_apply() (and the next recompute), never copied blindly.
MERGE_CONTEXT_KEY = "client_segmentation_merge"


class ResPartner(models.Model):
    # One class per concept of the partner, in its own file (docs/architecture.md):
    # pylint: disable=consider-merging-classes-inherited
    _inherit = "res.partner"

    def write(self, vals):
        if self.env.context.get(MERGE_CONTEXT_KEY):
            # Core's merge copies the duplicates' stored values: the segments
            # come from the next recompute, the sales data and notes from
            # _client_merge_apply. (This class is loaded last: its write runs
            # before the other concepts' checks.)
            vals = {
                name: value
                for name, value in vals.items()
                if name
                not in SEGMENT_FIELDS
                + FUNNEL_COMPUTED_FIELDS
                + SALES_WRITABLE_FIELDS
                + CARD_NOTE_FIELDS
            }
        return super().write(vals)

    def _client_merge_prepare(self, duplicates):
        """What the survivor ``self`` of a partner merge keeps of the
        duplicates, read before the merge: every distinct note, and per
        company the funnel stage, typology and temperature set by hand on the
        survivor, or else on a duplicate (a locked stage first). Automatic
        stages and segments follow from the merged history at the next
        recompute."""
        self.ensure_one()
        # sudo: the merge is checked by core (partner managers); it must see
        # the sales data of every company to carry it over.
        partners = (self | duplicates).sudo()
        kept = {
            "notes": {
                name: "\n\n".join(dict.fromkeys(p[name] for p in partners if p[name]))
                for name in CARD_NOTE_FIELDS
            },
            "companies": {},
        }
        for company in self.env["res.company"].sudo().search([]):
            ordered = partners.with_company(company).sorted(
                lambda p: (p.id != self.id, not p.funnel_stage_locked)
            )
            values = {}
            for partner in ordered:
                stage = partner.funnel_stage_id
                if (
                    "funnel_stage_id" not in values
                    and stage
                    and (partner.funnel_stage_locked or not stage.is_automatic)
                ):
                    values["funnel_stage_id"] = stage.id
                    values["funnel_stage_locked"] = partner.funnel_stage_locked
                    values["refusal_reason_id"] = partner.refusal_reason_id.id
                    values["refusal_date"] = partner.refusal_date
                for name in ("client_type_id", "temperature_override"):
                    if name not in values and partner[name]:
                        values[name] = partner._fields[name].convert_to_write(
                            partner[name], partner
                        )
            kept["companies"][company] = values
        return kept

    def _client_merge_apply(self, kept):
        """Write what :meth:`_client_merge_prepare` kept on the survivor and
        have the next recompute aggregate it again, from the merged history
        (the merge moves documents without a write date)."""
        self.ensure_one()
        # sudo: see _client_merge_prepare; the values come from the merged
        # partners, not from the user.
        survivor = self.sudo().with_context(**{MERGE_CONTEXT_KEY: False})
        survivor.write({name: note or False for name, note in kept["notes"].items()})
        for company, values in kept["companies"].items():
            partner = survivor.with_company(company)
            changed = {
                name: value
                for name, value in values.items()
                if partner._fields[name].convert_to_write(partner[name], partner)
                != value
            }
            if changed:
                partner.write(changed)
        self.env["client.segment.engine"]._mark_dirty(self.ids)
