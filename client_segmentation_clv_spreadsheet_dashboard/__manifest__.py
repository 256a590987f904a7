{
    "name": "Client Segmentation - Predicted Value Dashboard",
    "summary": "'Predicted value' dashboard: clients, expected revenue and value "
    "at risk per still-active band and value decile, the clients slipping away",
    "version": "18.0.1.0.0",
    "category": "Productivity/Dashboard",
    "website": "https://github.com/client-segmentation/client_segmentation",
    "author": "client_segmentation developers",
    "license": "LGPL-3",
    "depends": ["client_segmentation_clv", "spreadsheet_dashboard"],
    "data": ["data/dashboards.xml"],
    "auto_install": True,
}
