# Copyright 2026 zohosync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""TransactionCase tests with the client replaced by a fake (and a few with
the real client against addresses where no server answers)."""

import datetime
import logging
import re
import socket
import time
from contextlib import contextmanager
from unittest.mock import patch

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import TransactionCase, new_test_user, tagged

from ..models import zoho_sync_client as zsc
from ..models.res_config_settings import SETTINGS_BUDGET
from .common import FakeClient, need_client

_logger = logging.getLogger(__name__)
WRITE_SQL = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.I)


@tagged("post_install", "-at_install")
class TestZohoSync(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.params = cls.env["ir.config_parameter"].sudo()
        cls.params.set_param(zsc.PARAM_ADDRESS, "fake:1")
        cls.plain = new_test_user(cls.env, login="zs_plain", groups="base.group_user,product.group_product_variant")
        cls.zs_user = new_test_user(cls.env, login="zs_user", groups="base.group_user,zoho_sync.group_zoho_sync_user")
        cls.zs_manager = new_test_user(
            cls.env, login="zs_manager", groups="base.group_user,zoho_sync.group_zoho_sync_manager"
        )

    def setUp(self):
        super().setUp()
        self.fake = None
        if zsc.zohosync_client:
            self.fake = FakeClient()
            self.patcher = patch.object(zsc.zohosync_client, "Client", side_effect=lambda *a, **k: self.fake)
            self.patcher.start()
            self.addCleanup(self.patcher.stop)

    def _settings(self):
        return self.env["res.config.settings"].create({})

    @contextmanager
    def _count_writes(self):
        """Collect the INSERT/UPDATE/DELETE statements sent to the database."""
        statements = []
        cursor_class = type(self.env.cr)
        original = cursor_class.execute

        def spy(cr, query, params=None, log_exceptions=True):
            text = str(getattr(query, "code", query))
            if WRITE_SQL.match(text):
                statements.append(text)
            return original(cr, query, params, log_exceptions)

        with patch.object(cursor_class, "execute", spy):
            yield statements
            self.env.flush_all()

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
    def test_settings_show_last_known_status_when_server_down(self):
        self._settings()  # a good read is stored
        self.fake.raise_on["status"] = zsc.ServerUnavailable(
            "cannot reach the zohosync server at fake:1: connection refused", address="fake:1"
        )
        settings = self._settings()
        self.assertFalse(settings.zoho_sync_schedule_loaded)
        self.assertIn("Cannot reach", settings.zoho_sync_server_message)
        html = str(settings.zoho_sync_status_html)
        self.assertIn("Last known status, read", html)
        self.assertIn("Barcode already assigned", html)  # the stored status
        self.assertEqual(settings.zoho_sync_interval_hours, 4)  # shown, read-only
        # Saving other settings works and does not touch the schedule.
        settings.zoho_sync_address = "elsewhere:2"
        settings.execute()
        self.assertEqual(self.params.get_param(zsc.PARAM_ADDRESS), "elsewhere:2")
        self.assertNotIn("update_schedule", self.fake.calls)

    def _time_settings_open(self, address):
        """(seconds the addon's part of opening Settings took, seconds in all, settings).

        The addon's part (reading the server, the stored status, the panel) is what
        the server's state can slow down; the rest is Odoo's own get_values of every
        installed module, the same with or without a server (and, on a loaded machine,
        slower for reasons of its own)."""
        self.params.set_param(zsc.PARAM_ADDRESS, address)
        settings_class = type(self.env["res.config.settings"])
        original = settings_class._zoho_sync_read_server
        spent = []

        def timed(model):
            started = time.monotonic()
            try:
                return original(model)
            finally:
                spent.append(time.monotonic() - started)

        with patch.object(settings_class, "_zoho_sync_read_server", timed):
            started = time.monotonic()
            settings = self.env["res.config.settings"].create({})
            str(settings.zoho_sync_status_html)
            total = time.monotonic() - started
        self.assertEqual(len(spent), 1)
        return spent[0], total, settings

    @need_client
    def test_settings_open_fast_with_server_stopped_or_silent(self):
        """The real client: nothing listening, then a socket that never answers."""
        self.patcher.stop()
        self.addCleanup(self.patcher.start)
        self.assertLess(SETTINGS_BUDGET, 0.5)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            free_port = probe.getsockname()[1]
        own, total, settings = self._time_settings_open("127.0.0.1:%d" % free_port)
        self.assertLess(own, 0.5, "Settings spent %.3f s on a stopped server" % own)
        self.assertIn("Cannot reach", settings.zoho_sync_server_message)
        with socket.socket() as silent:  # accepts connections (backlog) and never speaks HTTP/2
            silent.bind(("127.0.0.1", 0))
            silent.listen(8)
            own2, total2, settings = self._time_settings_open("127.0.0.1:%d" % silent.getsockname()[1])
        self.assertLess(own2, 0.5, "Settings spent %.3f s on a silent server" % own2)
        self.assertTrue(settings.zoho_sync_server_message)
        _logger.info(
            "Settings opened with the server stopped in %.3f s (%.3f s reading it), "
            "with a silent server in %.3f s (%.3f s reading it)", total, own, total2, own2,
        )

    # -- buttons ----------------------------------------------------------------

    @need_client
    def test_sync_now_notifies_run(self):
        action = self._settings().action_zoho_sync_now()
        self.assertEqual(action["tag"], "display_notification")
        self.assertIn("run 41", action["params"]["message"])
        self.assertEqual(action["params"]["type"], "success")
        self.assertEqual(action["params"]["next"]["res_model"], "zoho.sync.run")
        self.assertIn(("start_sync", "smart"), self.fake.calls)
        run = self.env["zoho.sync.run"].search([("run_id", "=", "41")])
        self.assertEqual(action["params"]["next"]["res_id"], run.id)
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

    @need_client
    def test_test_connection_names_what_timed_out(self):
        import grpc

        late = zsc.ServerUnavailable("deadline exceeded", code=grpc.StatusCode.DEADLINE_EXCEEDED, address="h:1")
        self.fake.raise_on["ping"] = late
        action = self._settings().action_zoho_sync_test_connection()
        self.assertIn("did not answer within 3.0 seconds", action["params"]["message"])
        del self.fake.raise_on["ping"]
        self.fake.raise_on["test_connections"] = late
        action = self._settings().action_zoho_sync_test_connection()
        self.assertIn("its Zoho and Odoo checks did not finish within", action["params"]["message"])

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
    def test_poll_writes_nothing_until_the_run_ends(self):
        self.env["zoho.sync.run"].action_start_sync("smart")
        run = self.env["zoho.sync.run"].search([("run_id", "=", "41")])
        self.env.flush_all()
        readings = []
        for done in (60, 90, 120):
            self.fake.run.progress.done = done
            self.fake.run.progress.counts.seen = done
            self.fake.run.progress.counts.created = done
            self.fake.run.progress.zoho_calls = done // 10  # live in Progress; Run's stay 0 until the end
            with self._count_writes() as writes:
                result = run.zoho_sync_poll()
            self.assertEqual(writes, [], "a poll mid-run wrote to the database")
            self.assertTrue(result["running"])
            self.assertFalse(result["stored"])
            values = result["values"]
            readings.append((values["done"], values["seen"], values["progress"], values["zoho_calls"]))
        self.assertEqual(readings, [(60, 60, 30.0, 6), (90, 90, 45.0, 9), (120, 120, 60.0, 12)])
        self.assertEqual(run.done, 50)  # the stored run is left as it was
        # The run ends: one poll stores it, with its failed items.
        self.fake.run.state = zsc.zohosync_client.sync_pb2.RUN_STATE_SUCCEEDED
        self.fake.run.progress.done = 200
        self.fake.run.item_errors.add(
            zoho_item_id="9", name="Broken", reason="bad barcode", stage=zsc.zohosync_client.sync_pb2.ITEM_STAGE_WRITE,
            repeated=True,
        )
        self.fake.run.progress.counts.failed = 1
        self.fake.run.progress.counts.repeated_failures = 1
        with self._count_writes() as writes:
            result = run.zoho_sync_poll()
        self.assertTrue(writes)
        self.assertEqual(result, dict(result, running=False, stored=True))
        self.assertEqual(run.state, "succeeded")
        self.assertEqual(run.progress, 100.0)
        self.assertEqual(run.item_error_ids.reason, "bad barcode")
        self.assertEqual(run.item_error_ids.stage, "write")
        self.assertTrue(run.item_error_ids.repeated)
        self.assertEqual(run.repeated_failures, 1)
        # Polling an ended, stored run again writes nothing.
        with self._count_writes() as writes:
            run.zoho_sync_poll()
        self.assertEqual(writes, [])

    @need_client
    def test_form_of_run_that_ended_unseen_stores_it(self):
        self.env["zoho.sync.run"].action_start_sync("smart")
        run = self.env["zoho.sync.run"].search([("run_id", "=", "41")])
        self.fake.run.state = zsc.zohosync_client.sync_pb2.RUN_STATE_FAILED
        self.fake.run.error = "Zoho refused the token"
        self.assertFalse(run.zoho_sync_poll()["running"])  # the form's first poll, on open
        self.assertEqual(run.state, "failed")
        self.assertEqual(run.error, "Zoho refused the token")

    @need_client
    def test_cron_mirrors_runs_and_writes_only_changes(self):
        self.env["zoho.sync.status"]._cron_refresh()
        run = self.env["zoho.sync.run"].search([("run_id", "=", "41")])
        self.assertEqual(len(run), 1)
        with self._count_writes() as writes:
            self.env["zoho.sync.status"]._cron_refresh()
        self.assertFalse([w for w in writes if "zoho_sync_run" in w], writes)
        self.assertEqual(self.env["zoho.sync.run"].search_count([("run_id", "=", "41")]), 1)

    # -- alerts --------------------------------------------------------------------

    def _activities(self):
        status = self.env["zoho.sync.status"]._get()
        return self.env["mail.activity"].search([("res_model", "=", "zoho.sync.status"), ("res_id", "=", status.id)])

    @need_client
    def test_stale_sync_alert_fires_once_and_clears(self):
        self.fake.schedule.enabled = True  # every 4 h: stale after 8 h
        now = fields.Datetime.now()
        self.fake.last_success_at = now - datetime.timedelta(hours=9)
        settings = self._settings()
        self.assertIn("No Zoho sync has succeeded since", settings.zoho_sync_alert)
        self.assertIn("alert-danger", str(settings.zoho_sync_status_html))
        first = self._activities()
        managers = self.env.ref("zoho_sync.group_zoho_sync_manager").users.filtered(lambda u: not u.share)
        self.assertIn(self.zs_manager, first.user_id)
        self.assertNotIn(self.zs_user, first.user_id)
        self.assertEqual(len(first), len(managers - self.env.ref("base.user_root")))
        # The same episode: further reads (Settings, cron) add nothing.
        self._settings()
        self.env["zoho.sync.status"]._cron_refresh()
        self.assertEqual(self._activities(), first)
        # A run succeeds: the alert clears and its activities go.
        self.fake.last_success_at = now
        settings = self._settings()
        self.assertFalse(settings.zoho_sync_alert)
        self.assertNotIn("alert-danger", str(settings.zoho_sync_status_html))
        self.assertFalse(self._activities())
        # A threshold set by hand wins over 2 x the interval.
        self.params.set_param("zoho_sync.stale_after_hours", "0.5")
        self.fake.last_success_at = now - datetime.timedelta(hours=1)
        self.assertTrue(self._settings().zoho_sync_alert)
        self.assertEqual(len(self._activities()), len(first))

    @need_client
    def test_scheduler_disabled_alert(self):
        self.fake.schedule.disabled_reason = "5 scheduled runs failed in a row"
        settings = self._settings()
        self.assertIn("disabled itself: 5 scheduled runs failed in a row", settings.zoho_sync_alert)
        self.assertIn("text-danger", str(settings.zoho_sync_status_html))
        self.assertEqual(len(self._activities().filtered(lambda a: a.user_id == self.zs_manager)), 1)
        self._settings()
        self.assertEqual(len(self._activities().filtered(lambda a: a.user_id == self.zs_manager)), 1)
        self.fake.schedule.disabled_reason = ""
        self.assertFalse(self._settings().zoho_sync_alert)
        self.assertFalse(self._activities())

    # -- roles -------------------------------------------------------------------

    @need_client
    def test_zoho_sync_user_syncs_without_settings_rights(self):
        env = self.env(user=self.zs_user)
        self.assertFalse(self.zs_user.has_group("base.group_system"))
        action = env["zoho.sync.run"].action_start_sync("smart")
        self.assertIn("run 41", action["params"]["message"])
        run = env["zoho.sync.run"].search([("run_id", "=", "41")])
        self.assertEqual(run.state, "running")
        self.assertTrue(run.zoho_sync_poll()["running"])
        run.action_cancel_run()
        env["zoho.sync.run"].action_start_sync("full")
        self.assertIn(("start_sync", "full"), self.fake.calls)
        # Reads runs and the Zoho link; no settings, no direct writes, no token.
        with self.assertRaises(AccessError):
            run.write({"state": "failed"})
        with self.assertRaises(AccessError):
            env["res.config.settings"].create({})
        with self.assertRaises(AccessError):
            env["ir.config_parameter"].get_param(zsc.PARAM_TOKEN)
        menus = env["ir.ui.menu"]._visible_menu_ids()
        self.assertIn(self.env.ref("zoho_sync.zoho_sync_menu_sync").id, menus)
        self.assertIn(self.env.ref("zoho_sync.zoho_sync_menu_runs").id, menus)
        self.assertNotIn(self.env.ref("zoho_sync.zoho_sync_menu_settings").id, menus)
        # The menu's server action runs as the user.
        server_action = self.env.ref("zoho_sync.zoho_sync_now_server_action").with_user(self.zs_user)
        result = server_action.run()
        self.assertEqual(result["tag"], "display_notification")
        self.assertIn("zoho_item_id", env["product.template"].fields_get())

    def test_settings_administrators_are_zoho_sync_administrators(self):
        admin = self.env.ref("base.user_admin")
        self.assertTrue(admin.has_group("zoho_sync.group_zoho_sync_manager"))
        self.assertTrue(self.zs_manager.has_group("zoho_sync.group_zoho_sync_user"))
        self.assertFalse(self.zs_user.has_group("zoho_sync.group_zoho_sync_manager"))
        system = self.env.ref("base.group_system")
        self.assertIn(self.env.ref("zoho_sync.group_zoho_sync_manager"), system.implied_ids)

    @need_client
    def test_zoho_sync_manager_writes_the_mirror(self):
        env = self.env(user=self.zs_manager)
        env["zoho.sync.run"].action_start_sync("smart")
        run = env["zoho.sync.run"].search([("run_id", "=", "41")])
        run.action_refresh()
        self.assertEqual(env["zoho.sync.status"]._action_open()["res_model"], "zoho.sync.status")

    def test_non_zoho_user_is_refused(self):
        env = self.env(user=self.plain)
        with self.assertRaises(AccessError):
            env["res.config.settings"].create({})
        with self.assertRaises(AccessError):
            env["zoho.sync.run"].search([])
        with self.assertRaises(AccessError):
            env["zoho.sync.run"].action_start_sync("smart")
        with self.assertRaises(AccessError):
            env["zoho.sync.status"].search([])
        with self.assertRaises(AccessError):
            env["ir.config_parameter"].get_param(zsc.PARAM_TOKEN)
        product = self.env["product.template"].create({"name": "Plain"}).with_user(self.plain)
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
    def test_product_zoho_link_without_server(self):
        linked = self.env["product.template"].create({"name": "From Zoho"})
        plain = self.env["product.template"].create({"name": "Local"})
        self.env["ir.model.data"].create(
            {"module": "__zohosync__", "name": "zoho_item_123", "model": "product.template", "res_id": linked.id}
        )
        self.fake.raise_on["get_product"] = zsc.ServerUnavailable("down")
        self.assertEqual(linked.zoho_item_id, "123")
        self.assertFalse(plain.zoho_item_id)
        self.assertNotIn("get_product", self.fake.calls)  # the form asks nothing of the server
        found = self.env["product.template"].search([("zoho_item_id", "!=", False), ("id", "in", (linked + plain).ids)])
        self.assertEqual(found, linked)
        self.assertEqual(self.env["product.template"].search([("zoho_item_id", "=", "123")]), linked)
        # Details on demand.
        with self.assertRaisesRegex(UserError, "Cannot reach"):
            linked.action_zoho_sync_details()
        del self.fake.raise_on["get_product"]
        action = linked.with_user(self.zs_user).action_zoho_sync_details()
        self.assertIn("Zoho item 123", action["params"]["message"])
        self.assertIn("Last synced:", action["params"]["message"])

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
