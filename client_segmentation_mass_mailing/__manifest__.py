{
    "name": "Client Segmentation - Email Marketing",
    "summary": "Target a mailing at a client segment, board column or saved "
    "filter, without pestering: clients over the contact-pressure limit are "
    "left out",
    "version": "18.0.1.1.0",
    "category": "Marketing/Email Marketing",
    "website": "https://github.com/client-segmentation/client_segmentation",
    "author": "client_segmentation developers",
    "license": "LGPL-3",
    "depends": ["client_segmentation", "mass_mailing"],
    "data": ["views/mailing_mailing_views.xml"],
    "post_init_hook": "post_init_hook",
    "auto_install": True,
}
