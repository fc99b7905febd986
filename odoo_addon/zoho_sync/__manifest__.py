# Copyright 2026 zohosync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Zoho Sync",
    "summary": "Start, schedule and watch the zohosync server that copies "
    "Zoho Books/Inventory items into Odoo products",
    "version": "17.0.1.0.0",
    "category": "Sales/Sales",
    "website": "https://github.com/zohosync/zohosync",
    "author": "zohosync authors",
    "license": "LGPL-3",
    "application": True,
    "depends": ["base_setup", "product"],
    # The addon talks to the server through the zohosync_client package
    # (client/python in the repository), which needs these two.
    "external_dependencies": {"python": ["grpcio", "protobuf"]},
    "data": [
        "security/ir.model.access.csv",
        "views/res_config_settings_views.xml",
        "views/zoho_sync_run_views.xml",
        "views/product_template_views.xml",
        "views/zoho_sync_menus.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "zoho_sync/static/src/js/run_poller.js",
            "zoho_sync/static/src/xml/run_poller.xml",
        ],
        "web.assets_tests": [
            "zoho_sync/static/tests/tours/zoho_sync_tour.js",
        ],
    },
}
