{
    "name": "Client Segmentation - Predicted Value in Email Marketing",
    "summary": "Target a mailing at the clients likely still active, uncertain or "
    "probably lost (predicted value bands)",
    "version": "18.0.1.0.0",
    "category": "Marketing/Email Marketing",
    "website": "https://github.com/client-segmentation/client_segmentation",
    "author": "client_segmentation developers",
    "license": "LGPL-3",
    "depends": ["client_segmentation_clv", "client_segmentation_mass_mailing"],
    "data": ["views/mailing_mailing_views.xml"],
    "auto_install": True,
}
