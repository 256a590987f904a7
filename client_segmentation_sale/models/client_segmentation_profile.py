from odoo import fields, models


class ClientSegmentationProfile(models.Model):
    _inherit = "client.segmentation.profile"

    segment_revenue_source = fields.Selection(
        selection_add=[("sale", "Confirmed sales orders")],
        # uninstalling this module: its profiles go back to the invoices
        ondelete={"sale": "set default"},
    )
