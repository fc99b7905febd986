# Copyright 2026 zohosync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Against a real zohosync server (bin/zohosync) and its Zoho emulator
(bin/zohosync-fakes), writing into this very Odoo over XML-RPC.

Skipped when the binaries cannot be found: set ZOHOSYNC_BIN and
ZOHOSYNC_FAKES, or use the addon from a checkout where `make build` ran.
"""

import re
import time
from unittest.mock import patch

from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import config

from ..models import zoho_sync_client as zsc
from .common import LiveZohoSync, need_client


@tagged("post_install", "-at_install", "zoho_sync_live")
class TestZohoSyncLive(HttpCase):
    ITEMS, LATENCY = 40, "10ms"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if zsc.zohosync_client is None:
            cls.live = None
            return
        url = "http://127.0.0.1:%s" % config["http_port"]
        cls.live = LiveZohoSync(url, cls.env.cr.dbname, items=cls.ITEMS, latency=cls.LATENCY)
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
        # Settings gives the server 0.3 s: a TLS handshake refused may take longer to be
        # told apart from a slow server; Test connection (3 s) names it.
        self.assertTrue(settings.zoho_sync_server_message)
        self.assertIn("TLS", settings.action_zoho_sync_test_connection()["params"]["message"])
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
        details = product.action_zoho_sync_details()["params"]["message"]
        self.assertIn("Zoho item %s, state synced" % product.zoho_item_id, details)
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


WRITE_RUN_SQL = re.compile(r"^\s*(INSERT INTO|UPDATE|DELETE FROM)\s+\"?zoho_sync_run", re.I)


@tagged("post_install", "-at_install", "zoho_sync_live")
class TestZohoSyncLiveProgress(TestZohoSyncLive):
    """A slower catalogue, so that a run lasts long enough to be watched."""

    ITEMS, LATENCY = 150, "60ms"

    # The fast cases run once, in TestZohoSyncLive.
    test_settings_saved_and_read_back_through_server = None
    test_wrong_token_and_server_down_are_messages = None
    test_test_connection = None
    test_sync_now_starts_a_run = None
    test_tour_sync_now_in_browser = None

    @need_client
    def test_user_syncs_from_menu_and_progress_moves_without_writes(self):
        """A Zoho Sync User (no Settings rights) clicks Zoho Sync > Sync now in
        the browser; the run's form polls until the end. Every poll is counted,
        and every statement that writes the runs' tables."""
        new_test_user(self.env, login="zs_tour_user", password="zs_tour_user",
                      groups="base.group_user,zoho_sync.group_zoho_sync_user")
        polls, writes = [], []
        run_class = type(self.env["zoho.sync.run"])
        original_poll = run_class.zoho_sync_poll

        def counting_poll(rec):
            before = len(writes)
            result = original_poll(rec)
            rec.env.flush_all()  # what the request would write when it ends, written now
            polls.append((result["running"], len(writes) - before, dict(result["values"])))
            return result

        cursor_class = type(self.env.cr._cursor if hasattr(self.env.cr, "_cursor") else self.env.cr)
        original_execute = cursor_class.execute

        def spy(cr, query, params=None, log_exceptions=True):
            text = str(getattr(query, "code", query))
            if WRITE_RUN_SQL.match(text):
                writes.append(text.split("(")[0][:80])
            return original_execute(cr, query, params, log_exceptions)

        with patch.object(run_class, "zoho_sync_poll", counting_poll), patch.object(cursor_class, "execute", spy):
            self.start_tour("/web", "zoho_sync_user_tour", login="zs_tour_user", timeout=300)
        running = [p for p in polls if p[0]]
        self.assertGreaterEqual(len(running), 2, "the form should have polled the run in progress: %s" % polls)
        self.assertEqual([p[1] for p in running], [0] * len(running), "a poll mid-run wrote the run")
        done = [p[2]["done"] for p in running]
        self.assertGreater(len(set(done)), 1, "the live progress did not move: %s" % done)
        self.assertTrue(polls[-1][0] is False and polls[-1][1] > 0, "the ended run was not stored: %s" % polls[-1:])
        # Mid-run figures agree with each other: what was decided never exceeds what was read,
        # and a run that has handled items has made Zoho and Odoo calls.
        for _running, _w, v in running:
            decided = v["created"] + v["updated"] + v["unchanged"] + v["failed"]
            self.assertLessEqual(decided, v["seen"], "mid-run counts: %s" % v)
            if v["done"]:
                self.assertGreater(v["zoho_calls"], 0, "mid-run calls: %s" % v)
                self.assertGreater(v["odoo_calls"], 0, "mid-run calls: %s" % v)
        run = self.env["zoho.sync.run"].search([], limit=1)
        self.assertEqual(run.state, "succeeded")
