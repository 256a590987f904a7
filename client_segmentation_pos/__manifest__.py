{
    "name": "Client Segmentation - Point of Sale",
    "summary": "Paid Point of Sale orders of known customers as the revenue "
    "source of the client segments, alone or with the invoices",
    "version": "18.0.1.0.0",
    "category": "Sales/CRM",
    "website": "https://github.com/client-segmentation/client_segmentation",
    "author": "client_segmentation developers",
    "license": "LGPL-3",
    "depends": ["client_segmentation", "point_of_sale"],
    "auto_install": True,
}
