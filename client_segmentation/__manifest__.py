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
        "data/client_funnel_stage_data.xml",
        "data/client_type_data.xml",
        "data/client_refusal_reason_data.xml",
        "views/client_funnel_stage_views.xml",
        "views/client_type_views.xml",
        "views/client_refusal_reason_views.xml",
        "views/res_partner_views.xml",
        "views/res_config_settings_views.xml",
        "views/client_segmentation_menus.xml",
    ],
    "demo": ["demo/res_partner_demo.xml"],
    "assets": {
        "web.assets_backend": [
            "client_segmentation/static/src/views/client_board_kanban.js",
            "client_segmentation/static/src/views/client_board_kanban.xml",
        ],
        "web.assets_tests": [
            "client_segmentation/static/tests/tours/client_segmentation_tour.js",
        ],
    },
}
