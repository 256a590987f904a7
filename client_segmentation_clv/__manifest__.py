{
    "name": "Client Segmentation - Predicted Value",
    "summary": "Which client is slipping away and what each is worth: probability "
    "still active, expected purchases and revenue (BG/NBD and Gamma-Gamma)",
    "version": "18.0.1.1.0",
    "category": "Sales/CRM",
    "website": "https://github.com/client-segmentation/client_segmentation",
    "author": "client_segmentation developers",
    "license": "LGPL-3",
    "depends": ["client_segmentation"],
    "external_dependencies": {"python": ["numpy", "scipy"]},
    "data": [
        "security/ir.model.access.csv",
        "security/client_clv_security.xml",
        "views/client_clv_model_views.xml",
        "views/client_clv_score_views.xml",
        "views/res_partner_views.xml",
        "views/client_work_plan_trigger_views.xml",
        "views/client_clv_menus.xml",
    ],
    "uninstall_hook": "uninstall_hook",
    "auto_install": False,
}
