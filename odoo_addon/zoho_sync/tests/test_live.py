# Copyright 2026 zohosync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Against a real zohosync server (bin/zohosync) and its Zoho emulator
(bin/zohosync-fakes), writing into this very Odoo over XML-RPC.

Skipped when the binaries cannot be found: set ZOHOSYNC_BIN and
ZOHOSYNC_FAKES, or use the addon from a checkout where `make build` ran.
"""

import time

from odoo.tests import HttpCase, tagged
from odoo.tools import config

from ..models import zoho_sync_client as zsc
from .common import LiveZohoSync, need_client


@tagged("post_install", "-at_install", "zoho_sync_live")
class TestZohoSyncLive(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if zsc.zohosync_client is None:
            cls.live = None
            return
        url = "http://127.0.0.1:%s" % config["http_port"]
        cls.live = LiveZohoSync(url, cls.env.cr.dbname)
        if not cls.live.available:
            return
        cls.live.start_fakes()
        cls.addClassCleanup(cls.live.stop)

    def setUp(self):
        super().setUp()
        if not (self.live and self.live.available):
            self.skipTest("zohosync binaries or zohosync_client not available")
        apikeys = self.env["res.users.apikeys"].with_user(self.env.ref("base.user_admin"))
        try:
            key = apikeys._generate(None, "zohosync test", None)  # 18.0
        except TypeError:
            key = apikeys._generate(None, "zohosync test")  # 17.0
        address = self.live.start_server(odoo_password=key)
        params = self.env["ir.config_parameter"].sudo()
        params.set_param(zsc.PARAM_ADDRESS, address)
        params.set_param(zsc.PARAM_TOKEN, self.live.TOKEN)
        params.set_param(zsc.PARAM_TLS, False)

    def _wait(self, run_id, timeout=120):
        # Poll the server over gRPC only: the test thread must not use the
        # shared test cursor while the server's XML-RPC requests use it.
        with self.live.client() as client:
            return client.wait_for_run(run_id, timeout=timeout, poll_interval=0.3)

    @need_client
    def test_settings_saved_and_read_back_through_server(self):
        settings = self.env["res.config.settings"].create({})
        self.assertTrue(settings.zoho_sync_schedule_loaded, settings.zoho_sync_server_message)
        self.assertFalse(settings.zoho_sync_schedule_enabled)
        self.assertEqual(settings.zoho_sync_interval_hours, 4)
        settings.write({"zoho_sync_interval_hours": 2.5, "zoho_sync_full_sync_days": 3})
        settings.execute()
        with self.live.client() as client:
            schedule = client.get_schedule()
        self.assertEqual(schedule.sync_interval_hours, 2.5)
        self.assertEqual(schedule.force_full_sync_days, 3)
        self.assertFalse(schedule.enabled)
        again = self.env["res.config.settings"].create({})
        self.assertEqual(again.zoho_sync_interval_hours, 2.5)
        self.assertEqual(again.zoho_sync_full_sync_days, 3)
        self.assertIn("disabled", again.zoho_sync_status_html)

    @need_client
    def test_wrong_token_and_server_down_are_messages(self):
        params = self.env["ir.config_parameter"].sudo()
        params.set_param(zsc.PARAM_TOKEN, "not-the-token")
        settings = self.env["res.config.settings"].create({})
        self.assertIn("refused the API token", settings.zoho_sync_server_message)
        self.assertNotIn("not-the-token", settings.zoho_sync_server_message)
        action = settings.action_zoho_sync_test_connection()
        self.assertEqual(action["params"]["type"], "danger")
        params.set_param(zsc.PARAM_TOKEN, self.live.TOKEN)
        params.set_param(zsc.PARAM_TLS, True)
        settings = self.env["res.config.settings"].create({})
        self.assertIn("TLS", settings.zoho_sync_server_message)
        params.set_param(zsc.PARAM_TLS, False)
        params.set_param(zsc.PARAM_ADDRESS, "127.0.0.1:1")
        settings = self.env["res.config.settings"].create({})
        self.assertIn("Cannot reach the zohosync server at 127.0.0.1:1", settings.zoho_sync_server_message)

    @need_client
    def test_test_connection(self):
        action = self.env["res.config.settings"].create({}).action_zoho_sync_test_connection()
        self.assertEqual(action["params"]["type"], "success", action["params"]["message"])

    @need_client
    def test_sync_now_starts_a_run(self):
        started = time.monotonic()
        action = self.env["res.config.settings"].create({}).action_zoho_sync_now()
        self.assertLess(time.monotonic() - started, 5, "Sync now must answer at once")
        self.assertEqual(action["tag"], "display_notification")
        run_rec = self.env["zoho.sync.run"].search([], limit=1)
        self.assertIn("run %s" % run_rec.run_id, action["params"]["message"])
        run = self._wait(run_rec.run_id)
        self.assertEqual(zsc.zohosync_client.enum_label(zsc.zohosync_client.sync_pb2.RunState, run.state),
                         "succeeded", run.error)
        links = self.env["ir.model.data"].search([("module", "=", "__zohosync__"), ("model", "=", "product.template")])
        self.assertTrue(links)
        product = self.env["product.template"].browse(links[0].res_id)
        self.assertTrue(product.exists())
        self.assertEqual(product.zoho_item_id, links[0].name[len("zoho_item_"):])
        self.assertTrue(product.zoho_last_synced)
        run_rec.action_refresh()
        self.assertEqual(run_rec.state, "succeeded")
        self.assertEqual(run_rec.progress, 100)
        self.assertEqual(run_rec.created + run_rec.updated + run_rec.unchanged + run_rec.failed + run_rec.archived,
                         run_rec.seen)

    @need_client
    def test_tour_sync_now_in_browser(self):
        self.start_tour("/web", "zoho_sync_tour", login="admin", timeout=240)
        self.assertTrue(
            self.env["ir.model.data"].search_count([("module", "=", "__zohosync__"), ("model", "=", "product.template")])
        )
