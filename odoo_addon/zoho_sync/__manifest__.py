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
    # Not an "application" (left at its default, False): a connector with a
    # menu to watch it, no business flow of its own.
    "depends": ["base_setup", "mail", "product"],
    # The addon talks to the server through the zohosync-client package
    # (client/python in the repository), which needs grpcio and protobuf.
    "external_dependencies": {"python": ["zohosync-client", "grpcio", "protobuf"]},
    "data": [
        "security/zoho_sync_security.xml",
        "security/ir.model.access.csv",
        "data/zoho_sync_cron.xml",
        "views/zoho_sync_templates.xml",
        "views/res_config_settings_views.xml",
        "views/zoho_sync_status_views.xml",
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
