# Copyright 2026 zohosync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""TransactionCase tests with the client replaced by a fake."""

from unittest.mock import patch

from odoo.exceptions import AccessError, UserError
from odoo.tests import TransactionCase, new_test_user, tagged

from ..models import zoho_sync_client as zsc
from .common import FakeClient, need_client


@tagged("post_install", "-at_install")
class TestZohoSync(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.params = cls.env["ir.config_parameter"].sudo()
        cls.params.set_param(zsc.PARAM_ADDRESS, "fake:1")
        cls.user = new_test_user(cls.env, login="zs_plain", groups="base.group_user,product.group_product_variant")

    def setUp(self):
        super().setUp()
        self.fake = None
        if zsc.zohosync_client:
            self.fake = FakeClient()
            patcher = patch.object(zsc.zohosync_client, "Client", side_effect=lambda *a, **k: self.fake)
            patcher.start()
            self.addCleanup(patcher.stop)

    def _settings(self):
        return self.env["res.config.settings"].create({})

    # -- settings --------------------------------------------------------------

    @need_client
    def test_settings_read_and_save_schedule(self):
        settings = self._settings()
        self.assertTrue(settings.zoho_sync_schedule_loaded)
        self.assertFalse(settings.zoho_sync_schedule_enabled)
        self.assertEqual(settings.zoho_sync_interval_hours, 4)
        self.assertEqual(settings.zoho_sync_full_sync_days, 7)
        self.assertIn("Barcode already assigned", settings.zoho_sync_status_html)
        settings.write({"zoho_sync_interval_hours": 2.5, "zoho_sync_schedule_enabled": True})
        settings.execute()
        updates = [c for c in self.fake.calls if isinstance(c, tuple) and c[0] == "update_schedule"]
        # Only what changed is sent.
        self.assertEqual(updates, [("update_schedule", {"enabled": True, "sync_interval_hours": 2.5})])
        again = self._settings()
        self.assertTrue(again.zoho_sync_schedule_enabled)
        self.assertEqual(again.zoho_sync_interval_hours, 2.5)

    @need_client
    def test_settings_invalid_schedule_is_readable(self):
        settings = self._settings()
        self.fake.raise_on["update_schedule"] = zsc.InvalidArgument(
            "invalid schedule: sync_interval_hours must be at least 0.25 (15 minutes), not 0.1"
        )
        settings.zoho_sync_interval_hours = 0.1
        with self.assertRaisesRegex(UserError, "at least 0.25"):
            settings.execute()

    @need_client
    def test_token_is_write_only(self):
        settings = self._settings()
        settings.write({"zoho_sync_token": "s3cret-token"})
        settings.execute()
        self.assertEqual(self.params.get_param(zsc.PARAM_TOKEN), "s3cret-token")
        again = self._settings()
        self.assertFalse(again.zoho_sync_token)
        self.assertTrue(again.zoho_sync_token_set)
        values = again.read()[0]
        self.assertNotIn("s3cret-token", str(values))
        # Empty field keeps the token; the clear box removes it.
        again.execute()
        self.assertEqual(self.params.get_param(zsc.PARAM_TOKEN), "s3cret-token")
        again.zoho_sync_token_clear = True
        again.execute()
        self.assertFalse(self.params.get_param(zsc.PARAM_TOKEN))

    @need_client
    def test_settings_open_with_server_down(self):
        self.fake.raise_on["get_schedule"] = zsc.ServerUnavailable(
            "cannot reach the zohosync server at fake:1: connection refused", address="fake:1"
        )
        settings = self._settings()
        self.assertFalse(settings.zoho_sync_schedule_loaded)
        self.assertIn("Cannot reach", settings.zoho_sync_server_message)
        # Saving other settings works and does not touch the schedule.
        settings.zoho_sync_address = "elsewhere:2"
        settings.execute()
        self.assertEqual(self.params.get_param(zsc.PARAM_ADDRESS), "elsewhere:2")

    # -- buttons ----------------------------------------------------------------

    @need_client
    def test_sync_now_notifies_run(self):
        action = self._settings().action_zoho_sync_now()
        self.assertEqual(action["tag"], "display_notification")
        self.assertIn("run 41", action["params"]["message"])
        self.assertEqual(action["params"]["type"], "success")
        self.assertIn(("start_sync", "smart"), self.fake.calls)
        run = self.env["zoho.sync.run"].search([("run_id", "=", "41")])
        self.assertEqual(run.state, "running")
        self.assertEqual(run.progress, 25.0)

    @need_client
    def test_full_sync_and_already_running(self):
        self.fake.already_running = True
        action = self._settings().action_zoho_sync_full()
        self.assertIn(("start_sync", "full"), self.fake.calls)
        self.assertEqual(action["params"]["type"], "warning")
        self.assertIn("already in progress", action["params"]["message"])

    @need_client
    def test_errors_are_readable(self):
        service = self.env["zoho.sync.service"]
        cases = [
            (zsc.ServerUnavailable("cannot reach the zohosync server at h:1: refused", address="h:1"), "Cannot reach"),
            (zsc.TLSMismatch("TLS mismatch with the zohosync server at h:1: ...", address="h:1"), "Use TLS"),
            (zsc.AuthenticationError("refused the API token", address="h:1"), "refused the API token"),
            (zsc.InvalidArgument("must be at least 0.25"), "at least 0.25"),
        ]
        for err, text in cases:
            self.fake.raise_on["start_sync"] = err
            with self.assertRaisesRegex(UserError, text):
                self._settings().action_zoho_sync_now()
            self.assertIn(text, service._zoho_error_message(err))

    @need_client
    def test_reason_messages_follow_the_enum(self):
        service = self.env["zoho.sync.service"]
        err = zsc.zohosync_client.NoScheduler("no scheduler", reason="NO_SCHEDULER")
        self.assertIn("--no-scheduler", service._zoho_error_message(err))
        # Every key is an ErrorReason name, so a renamed reason cannot go unnoticed.
        for reason in service._zoho_reason_messages(err):
            self.assertIn(reason, zsc.zohosync_client.REASON_CLASSES)

    @need_client
    def test_test_connection(self):
        action = self._settings().action_zoho_sync_test_connection()
        self.assertEqual(action["params"]["type"], "success")
        self.assertIn("Test Org", action["params"]["message"])
        self.fake.raise_on["ping"] = zsc.AuthenticationError("refused the API token", address="h:1")
        action = self._settings().action_zoho_sync_test_connection()
        self.assertEqual(action["params"]["type"], "danger")
        self.assertIn("API token", action["params"]["message"])

    def test_missing_client_is_a_clear_message(self):
        with patch.object(zsc, "CLIENT_IMPORT_ERROR", ModuleNotFoundError("No module named 'grpc'", name="grpc")):
            with self.assertRaisesRegex(UserError, "grpcio"):
                self._settings().action_zoho_sync_now()
            settings = self._settings()
            self.assertIn("grpcio", settings.zoho_sync_server_message)
        with patch.object(zsc, "CLIENT_IMPORT_ERROR", ModuleNotFoundError("x", name="zohosync_client")):
            with self.assertRaisesRegex(UserError, "zohosync-client"):
                self.env["zoho.sync.service"]._zoho_client()

    # -- runs -------------------------------------------------------------------

    @need_client
    def test_runs_refresh_and_poll(self):
        action = self.env["zoho.sync.run"].action_open_runs()
        self.assertEqual(action["res_model"], "zoho.sync.run")
        run = self.env["zoho.sync.run"].search([("run_id", "=", "41")])
        self.assertEqual(len(run), 1)
        self.assertTrue(run.zoho_sync_poll()["running"])
        self.fake.run.state = zsc.zohosync_client.sync_pb2.RUN_STATE_SUCCEEDED
        self.fake.run.item_errors.add(
            zoho_item_id="9", name="Broken", reason="bad barcode", stage=zsc.zohosync_client.sync_pb2.ITEM_STAGE_WRITE
        )
        result = run.zoho_sync_poll()
        self.assertFalse(result["running"])
        self.assertEqual(run.progress, 100.0)
        self.assertEqual(run.item_error_ids.reason, "bad barcode")
        self.assertEqual(run.item_error_ids.stage, "write")
        # Refreshing again does not duplicate the run.
        self.env["zoho.sync.run"].action_open_runs()
        self.assertEqual(self.env["zoho.sync.run"].search_count([("run_id", "=", "41")]), 1)

    # -- security ----------------------------------------------------------------

    def test_non_admin_is_refused(self):
        env = self.env(user=self.user)
        with self.assertRaises(AccessError):
            env["res.config.settings"].create({})
        with self.assertRaises(AccessError):
            env["zoho.sync.run"].search([])
        with self.assertRaises(AccessError):
            env["zoho.sync.run"].action_open_runs()
        with self.assertRaises(AccessError):
            env["ir.config_parameter"].get_param(zsc.PARAM_TOKEN)
        product = self.env["product.template"].create({"name": "Plain"}).with_user(self.user)
        self.assertEqual(product.read(["name"])[0]["name"], "Plain")
        with self.assertRaises(AccessError):
            product.read(["zoho_item_id"])
        self.assertNotIn("zoho_item_id", env["product.template"].fields_get())
        arch = env["product.template"].get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertNotIn("zoho_item_id", arch)
        menu = self.env.ref("zoho_sync.zoho_sync_menu_root")
        self.assertNotIn(menu.id, env["ir.ui.menu"]._visible_menu_ids())

    # -- products ----------------------------------------------------------------

    @need_client
    def test_product_zoho_fields(self):
        linked = self.env["product.template"].create({"name": "From Zoho"})
        plain = self.env["product.template"].create({"name": "Local"})
        self.env["ir.model.data"].create(
            {"module": "__zohosync__", "name": "zoho_item_123", "model": "product.template", "res_id": linked.id}
        )
        self.assertEqual(linked.zoho_item_id, "123")
        self.assertFalse(plain.zoho_item_id)
        self.assertTrue(linked.zoho_last_synced)
        self.assertFalse(plain.zoho_last_synced)
        found = self.env["product.template"].search([("zoho_item_id", "!=", False), ("id", "in", (linked + plain).ids)])
        self.assertEqual(found, linked)
        self.assertEqual(self.env["product.template"].search([("zoho_item_id", "=", "123")]), linked)
        # Server down: the form still opens, without a date.
        self.fake.raise_on["get_product"] = zsc.ServerUnavailable("down")
        linked.invalidate_recordset(["zoho_last_synced"])
        self.assertFalse(linked.zoho_last_synced)

    def test_uninstall_keeps_products(self):
        """Uninstalling removes what ir.model.data lists under module zoho_sync:
        no product is ever among it (the server links under __zohosync__)."""
        product = self.env["product.template"].create({"name": "Synced"})
        self.env["ir.model.data"].create(
            {"module": "__zohosync__", "name": "zoho_item_5", "model": "product.template", "res_id": product.id}
        )
        owned = self.env["ir.model.data"].search([("module", "=", "zoho_sync")])
        self.assertTrue(owned)
        self.assertFalse(owned.filtered(lambda d: d.model in ("product.template", "product.product")))
        self.assertFalse(self.env["ir.module.module"].search([("name", "=", "__zohosync__")]))
        # No column is added to product tables (computed fields only), so nothing is dropped.
        stored = [
            f for f in self.env["ir.model.fields"].search([("model", "in", ("product.template", "product.product"))])
            if f.store and "zoho_sync" in f.modules.split(", ")
        ]
        self.assertFalse(stored)
