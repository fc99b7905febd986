# Copyright 2026 zohosync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Helpers for the tests: a fake client, and a real zohosync server + fakes."""

import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import unittest
from pathlib import Path

from ..models.zoho_sync_client import zohosync_client

ADDON_DIR = Path(__file__).resolve().parent.parent


def need_client(test):
    """Skip when zohosync_client cannot be imported in Odoo's Python."""
    return unittest.skipIf(zohosync_client is None, "zohosync_client is not installed in Odoo's Python")(test)


class FakeClient:
    """Stands in for zohosync_client.Client in TransactionCase tests."""

    address = "fake:1"

    def __init__(self):
        pb = zohosync_client
        self.calls = []
        self.schedule = pb.sync_pb2.Schedule(
            enabled=False, sync_interval_hours=4, force_full_sync_days=7, max_consecutive_errors=5
        )
        self.run = pb.sync_pb2.Run(
            id="41",
            kind=pb.sync_pb2.RUN_KIND_SMART,
            trigger=pb.sync_pb2.RUN_TRIGGER_MANUAL,
            state=pb.sync_pb2.RUN_STATE_RUNNING,
            progress=pb.sync_pb2.Progress(total=200, done=50),
        )
        self.run.started_at.FromSeconds(1_800_000_000)
        self.already_running = False
        self.raise_on = {}
        self.last_success_at = None  # datetime (naive UTC) of the last successful run, or None
        self.timeout = 3.0

    def _maybe_raise(self, name):
        self.calls.append(name)
        if name in self.raise_on:
            raise self.raise_on[name]

    def close(self):
        pass

    def get_schedule(self):
        self._maybe_raise("get_schedule")
        return self.schedule

    def update_schedule(self, **changes):
        self._maybe_raise("update_schedule")
        self.calls.append(("update_schedule", changes))
        for key, value in changes.items():
            setattr(self.schedule, key, value)
        return self.schedule

    def status(self):
        self._maybe_raise("status")
        pb = zohosync_client.sync_pb2
        last = pb.Run(id="40", kind=pb.RUN_KIND_FULL, state=pb.RUN_STATE_PARTIAL)
        last.progress.counts.seen = 12
        last.progress.counts.failed = 1
        success = None
        if self.last_success_at:
            success = pb.Run(id="39", kind=pb.RUN_KIND_SMART, state=pb.RUN_STATE_SUCCEEDED)
            success.finished_at.FromDatetime(self.last_success_at)
        return pb.GetStatusResponse(
            last_run=last,
            last_successful_run=success,
            products_tracked=11,
            products_failed=1,
            schedule=self.schedule,
            server_version="test",
            recent_errors=[pb.ItemError(zoho_item_id="9", name="Broken", reason="Barcode already assigned")],
        )

    def ping(self):
        self._maybe_raise("ping")
        return "test"

    def start_sync(self, kind, join=True, dry_run=False):
        self._maybe_raise("start_sync")
        self.calls.append(("start_sync", kind))
        return zohosync_client.Started(run=self.run, already_running=self.already_running)

    def get_run(self, run_id):
        self._maybe_raise("get_run")
        return self.run

    def iter_runs(self, limit=None):
        self._maybe_raise("iter_runs")
        return iter([self.run])

    def cancel_run(self, run_id=""):
        self._maybe_raise("cancel_run")
        return self.run

    def get_product(self, zoho_item_id=None, odoo_id=None):
        self._maybe_raise("get_product")
        product = zohosync_client.product_pb2.Product(zoho_item_id="123", odoo_id=odoo_id or 0)
        product.last_synced_at.FromSeconds(1_800_000_000)
        return product

    def test_connections(self, timeout=60):
        self._maybe_raise("test_connections")
        pb = zohosync_client.config_pb2
        return pb.TestConnectionsResponse(
            zoho=pb.ZohoCheck(ok=True, organization_name="Test Org", plan="free"),
            odoo=pb.OdooCheck(ok=True, server_version="17.0"),
        )


# -- a real server -------------------------------------------------------------


def _find_binary(env, name):
    path = os.environ.get(env)
    if path:
        return path if os.path.exists(path) else None
    # odoo_addon/zoho_sync -> the repository's bin/ (when the addon is used from a checkout)
    for base in (ADDON_DIR.parent.parent, ADDON_DIR.resolve().parent.parent):
        candidate = base / "bin" / name
        if candidate.exists():
            return str(candidate)
    return shutil.which(name)


def _wait_line(proc, pattern, what, timeout=60.0):
    deadline = time.monotonic() + timeout
    lines = []
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            if proc.poll() is not None:
                break
            continue
        lines.append(line)
        found = re.search(pattern, line)
        if found:
            return found
    proc.kill()
    raise RuntimeError("%s did not start:\n%s" % (what, "".join(lines)))


def _stop(proc):
    if proc and proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


class LiveZohoSync:
    """bin/zohosync-fakes (Zoho emulator) + bin/zohosync, writing into this Odoo.

    The server's Odoo connection points at the HTTP server of the running test
    (its XML-RPC requests then use the test's transaction), db = the test db.
    """

    TOKEN = "zoho-sync-live-test-token"

    def __init__(self, odoo_url, db, items=40, latency="10ms"):
        self.bin = _find_binary("ZOHOSYNC_BIN", "zohosync")
        self.fakes_bin = _find_binary("ZOHOSYNC_FAKES", "zohosync-fakes")
        self.odoo_url, self.db, self.items, self.latency = odoo_url, db, items, latency
        self.dir = None
        self.fakes = None
        self.server = None
        self.address = None
        self.config = None

    @property
    def available(self):
        return bool(self.bin and self.fakes_bin)

    def start_fakes(self):
        self.dir = Path(tempfile.mkdtemp(prefix="zoho_sync_test_"))
        (self.dir / "odoo_config.json").write_text(
            json.dumps({"url": self.odoo_url, "db": self.db, "username": "admin", "password": "admin"})
        )
        self.fakes = subprocess.Popen(
            [self.fakes_bin, "serve", "--dir", str(self.dir), "--items", str(self.items), "--latency", self.latency],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            cwd=str(self.dir),
        )
        found = _wait_line(self.fakes, r"^config: (.+)$", "zohosync-fakes")
        self.config = Path(self.dir, found.group(1).strip())
        _wait_line(self.fakes, r"ready; Ctrl-C stops the fakes", "zohosync-fakes")
        # The fakes read DIR/odoo_config.json; make sure the server gets it whatever they did.
        (self.config / "odoo_config.json").write_text((self.dir / "odoo_config.json").read_text())

    def start_server(self, odoo_password="admin"):
        """A server with its own fresh data dir and a scheduler that is disabled.

        odoo_password may be an API key: logging in with the password can make
        Odoo 18 re-hash it, which ends the browser session of a running tour.
        """
        _stop(self.server)
        (self.config / "odoo_config.json").write_text(
            json.dumps({"url": self.odoo_url, "db": self.db, "username": "admin", "password": odoo_password})
        )
        data = Path(tempfile.mkdtemp(prefix="data_", dir=str(self.dir)))
        (self.config / "sync_schedule.json").write_text(
            json.dumps({"enabled": False, "sync_interval_hours": 4, "force_full_sync_days": 7, "max_consecutive_errors": 5})
        )
        env = dict(os.environ, ZOHOSYNC_API_TOKEN=self.TOKEN)
        self.server = subprocess.Popen(
            [self.bin, "serve", "--config-dir", str(self.config), "--data-dir", str(data),
             "--listen", "127.0.0.1:0", "--log-level", "warn"],
            stdout=subprocess.PIPE,
            stderr=open(str(data / "server.log"), "w"),
            text=True,
            env=env,
        )
        self.address = _wait_line(self.server, r"listening on (\S+)", "zohosync serve").group(1)
        return self.address

    def client(self):
        return zohosync_client.Client(self.address, token=self.TOKEN, timeout=10)

    def stop(self):
        _stop(self.server)
        _stop(self.fakes)
        if self.dir:
            shutil.rmtree(str(self.dir), ignore_errors=True)
