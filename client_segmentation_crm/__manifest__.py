{
    "name": "Client Segmentation - CRM",
    "summary": "A work plan step can open an opportunity in the client's team "
    "pipeline, once per plan entry",
    "version": "18.0.1.1.0",
    "category": "Sales/CRM",
    "website": "https://github.com/client-segmentation/client_segmentation",
    "author": "client_segmentation developers",
    "license": "LGPL-3",
    "depends": ["client_segmentation", "crm"],
    "data": ["views/mail_activity_plan_template_views.xml"],
    "post_init_hook": "post_init_hook",
    "demo": ["demo/client_segmentation_crm_demo.xml"],
    "auto_install": True,
}
