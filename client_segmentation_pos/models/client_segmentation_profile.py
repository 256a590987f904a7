from odoo import fields, models


class ClientSegmentationProfile(models.Model):
    _inherit = "client.segmentation.profile"

    segment_revenue_source = fields.Selection(
        selection_add=[
            ("pos", "Point of Sale orders"),
            ("invoice_pos", "Invoices and Point of Sale orders"),
        ],
        # uninstalling this module: its profiles go back to the invoices
        ondelete={"pos": "set default", "invoice_pos": "set default"},
    )
