{
    "name": "Client Segmentation - Sales",
    "summary": "Confirmed sales orders as the revenue source of the client "
    "segments, and the open quotation on the client card",
    "version": "18.0.1.0.0",
    "category": "Sales/CRM",
    "website": "https://github.com/client-segmentation/client_segmentation",
    "author": "client_segmentation developers",
    "license": "LGPL-3",
    "depends": ["client_segmentation", "sale"],
    "auto_install": True,
}
