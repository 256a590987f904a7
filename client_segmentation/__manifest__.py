{
    "name": "Client Segmentation",
    "summary": "ABC value and recency segments of clients, computed from what "
    "they really bought",
    "version": "18.0.1.0.0",
    "category": "Sales/CRM",
    "website": "https://github.com/client-segmentation/client_segmentation",
    "author": "client_segmentation developers",
    "license": "LGPL-3",
    "application": True,
    "depends": ["account", "sales_team"],
    "external_dependencies": {"python": []},
    "data": [
        "security/ir.model.access.csv",
        "data/ir_default_data.xml",
        "data/ir_cron_data.xml",
        "data/ir_actions_server_data.xml",
        "views/res_partner_views.xml",
        "views/res_config_settings_views.xml",
        "views/client_segmentation_menus.xml",
        # client card (issue #3)
        "security/client_key_date_security.xml",
        "data/mail_activity_type_data.xml",
        "data/client_channel_data.xml",
        "data/client_key_date_type_data.xml",
        "data/client_key_date_cron_data.xml",
        "views/client_channel_views.xml",
        "views/client_interest_tag_views.xml",
        "views/client_key_date_type_views.xml",
        "views/client_key_date_views.xml",
        "views/client_card_menus.xml",
    ],
    "demo": [
        "demo/res_partner_demo.xml",
        # client card (issue #3)
        "demo/client_card_demo.xml",
    ],
}
