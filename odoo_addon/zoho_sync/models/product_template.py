# Copyright 2026 zohosync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Zoho link of a product, read-only, for Settings admins.

The zohosync server links a product to its Zoho item with an external id
``__zohosync__.zoho_item_<item id>`` on product.template. That row belongs to
no installable module, so uninstalling this addon never touches products.
"""

import logging

from odoo import api, fields, models

from .zoho_sync_client import (
    ZOHOSYNC_XMLID_MODULE,
    ZOHOSYNC_XMLID_PREFIX,
    ZohoSyncError,
    client_missing_message,
)

_logger = logging.getLogger(__name__)

# The product form must stay fast when the server is down.
PRODUCT_FORM_TIMEOUT = 2.0


class ProductTemplate(models.Model):
    _inherit = "product.template"

    zoho_item_id = fields.Char(
        "Zoho item id",
        compute="_compute_zoho_item_id",
        search="_search_zoho_item_id",
        groups="base.group_system",
        help="Zoho Books/Inventory item this product is synced from (read-only).",
    )
    zoho_last_synced = fields.Datetime(
        "Last synced from Zoho",
        compute="_compute_zoho_last_synced",
        groups="base.group_system",
        help="When the zohosync server last wrote or confirmed this product (asked from the server).",
    )

    def _zoho_links(self):
        """{product.template id: Zoho item id} from the server's external ids."""
        if not self.ids:
            return {}
        rows = (
            self.env["ir.model.data"]
            .sudo()
            .search_read(
                [
                    ("module", "=", ZOHOSYNC_XMLID_MODULE),
                    ("model", "=", "product.template"),
                    ("res_id", "in", self.ids),
                    ("name", "=like", ZOHOSYNC_XMLID_PREFIX + "%"),
                ],
                ["name", "res_id"],
            )
        )
        return {row["res_id"]: row["name"][len(ZOHOSYNC_XMLID_PREFIX) :] for row in rows}

    def _compute_zoho_item_id(self):
        links = self._zoho_links()
        for rec in self:
            rec.zoho_item_id = links.get(rec.id, False)

    @api.model
    def _search_zoho_item_id(self, operator, value):
        domain = [("module", "=", ZOHOSYNC_XMLID_MODULE), ("model", "=", "product.template")]
        if operator in ("=", "!=") and value in (False, None, ""):
            ids = self.env["ir.model.data"].sudo().search(domain).mapped("res_id")
            return [("id", "not in" if operator == "=" else "in", ids)]
        if operator in ("=", "ilike", "like", "=like", "=ilike"):
            name = ZOHOSYNC_XMLID_PREFIX + value if operator == "=" else value
            ids = self.env["ir.model.data"].sudo().search(domain + [("name", operator, name)]).mapped("res_id")
            return [("id", "in", ids)]
        raise NotImplementedError(operator)

    @api.depends_context("uid")
    def _compute_zoho_last_synced(self):
        self.zoho_last_synced = False
        linked = self.filtered("zoho_item_id")
        # Only for a single form, not for lists: one short GetProduct call.
        if len(linked) != 1 or client_missing_message():
            return
        service = self.env["zoho.sync.service"]
        try:
            client = service._zoho_client(timeout=PRODUCT_FORM_TIMEOUT)
        except Exception:  # pylint: disable=broad-except
            return
        try:
            product = client.get_product(odoo_id=linked.id)
            from zohosync_client import to_datetime

            linked.zoho_last_synced = to_datetime(product.last_synced_at, naive_utc=True)
        except ZohoSyncError as err:
            _logger.info("zohosync GetProduct for product.template %s: %s", linked.id, err)
        finally:
            client.close()
