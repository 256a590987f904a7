{
    "name": "Client Segmentation - Dashboard",
    "summary": "'Client base' dashboard: clients and revenue per ABC class and "
    "recency, funnel, refusal reasons, running work plans, due to buy again, "
    "movements this month",
    "version": "18.0.1.1.0",
    "category": "Productivity/Dashboard",
    "website": "https://github.com/client-segmentation/client_segmentation",
    "author": "client_segmentation developers",
    "license": "LGPL-3",
    "depends": ["client_segmentation", "spreadsheet_dashboard"],
    "data": ["data/dashboards.xml"],
    "auto_install": True,
}
