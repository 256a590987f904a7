from odoo import models

from ..models.res_partner_merge import MERGE_CONTEXT_KEY


class BasePartnerMergeAutomaticWizard(models.TransientModel):
    _inherit = "base.partner.merge.automatic.wizard"

    def _merge(self, partner_ids, dst_partner=None, extra_checks=True):
        """Core copies the stored fields of the duplicates onto the survivor;
        the addon's engine fields are left to the next recompute and its sales
        data and notes chosen by the survivor (read before core moves
        anything)."""
        partners = self.env["res.partner"].browse(partner_ids).exists()
        survivor = dst_partner
        if len(partners) >= 2 and not (dst_partner and dst_partner in partners):
            survivor = self._get_ordered_partner(partners.ids)[-1]
        kept = survivor._client_merge_prepare(partners - survivor) if survivor else None
        merging = self.with_context(**{MERGE_CONTEXT_KEY: True})
        result = super(BasePartnerMergeAutomaticWizard, merging)._merge(
            partner_ids,
            dst_partner.with_context(**{MERGE_CONTEXT_KEY: True})
            if dst_partner
            else dst_partner,
            extra_checks=extra_checks,
        )
        if kept and survivor.exists():
            survivor._client_merge_apply(kept)
        return result
