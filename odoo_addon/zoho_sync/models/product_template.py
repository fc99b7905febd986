# Copyright 2026 zohosync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Zoho link of a product, read-only, for Zoho Sync users.

The zohosync server links a product to its Zoho item with an external id
``__zohosync__.zoho_item_<item id>`` on product.template. That row belongs to
no installable module, so uninstalling this addon never touches products. The form reads the link
from Odoo itself; the server's details come on demand (a button).
"""

from odoo import _, api, fields, models

from .zoho_sync_client import ZOHOSYNC_XMLID_MODULE, ZOHOSYNC_XMLID_PREFIX


class ProductTemplate(models.Model):
    _inherit = "product.template"

    zoho_item_id = fields.Char(
        "Zoho item id",
        compute="_compute_zoho_item_id",
        search="_search_zoho_item_id",
        groups="zoho_sync.group_zoho_sync_user",
        help="Zoho Books/Inventory item this product is synced from (read-only).",
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

    def action_zoho_sync_details(self):
        """The server's record of this product, on demand (one short GetProduct)."""
        self.ensure_one()
        self.env["zoho.sync.run"]._zoho_check_user()
        service = self.env["zoho.sync.service"]
        product = service._zoho_call("get_product", odoo_id=self.id, timeout=service._zoho_short_timeout())
        from zohosync_client import enum_label, product_pb2, to_datetime

        synced = to_datetime(product.last_synced_at, naive_utc=True)
        lines = [
            _("Zoho item %(id)s, state %(state)s.", id=product.zoho_item_id,
              state=enum_label(product_pb2.ProductState, product.state)),
            _("Last synced: %(when)s (run %(run)s).",
              when=fields.Datetime.to_string(fields.Datetime.context_timestamp(self, synced)) if synced else _("never"),
              run=product.last_run_id or "-"),
        ]
        if product.last_error:
            lines.append(_("Last error: %(error)s", error=product.last_error))
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": _("Zoho Sync: %(name)s", name=self.display_name),
                "message": " ".join(lines),
                "type": "warning" if product.last_error else "info",
                "sticky": False,
            },
        }
