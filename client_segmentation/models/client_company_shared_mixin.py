from odoo import api, fields, models


class ClientCompanySharedMixin(models.AbstractModel):
    """Configuration records (stages, types, reasons, key date types) that
    belong to one company, or to every company when the company is empty.
    Each company works with its own records plus the shared ones."""

    _name = "client.company.shared.mixin"
    _description = "Client Configuration Shared Between Companies"

    company_id = fields.Many2one(
        comodel_name="res.company",
        index=True,
        help="Empty: shared by all companies.",
    )

    @api.model
    def _company_domain(self, company):
        """Domain of the records ``company`` works with: its own and the
        shared ones."""
        return ["|", ("company_id", "=", False), ("company_id", "=", company.id)]

    @api.model
    def _for_company(self, company):
        """The records ``company`` works with (its own and the shared ones)."""
        return self.search(self._company_domain(company))
