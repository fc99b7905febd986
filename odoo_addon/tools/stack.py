"""The Zoho emulator and a zohosync server writing into a real Odoo, for the tools here."""

import json
import os
import re
import signal
import subprocess
from pathlib import Path


def wait_line(proc, pattern):
    """Read proc's output until a line matches pattern; the match, or exit with what was read."""
    lines = []
    for line in proc.stdout:
        lines.append(line)
        found = re.search(pattern, line)
        if found:
            return found
    raise SystemExit("process ended before printing %r:\n%s" % (pattern, "".join(lines)))


def stop(proc):
    if proc and proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


class Stack:
    """zohosync-fakes (the emulated Zoho) and `zohosync serve` against the Odoo of odoo_conf.

    Start it with start(); stop() ends both processes (also after a failed start).
    """

    def __init__(self, work, fakes_bin, zohosync_bin, odoo_conf):
        self.work, self.fakes_bin, self.zohosync_bin = Path(work), fakes_bin, zohosync_bin
        self.odoo_conf = odoo_conf
        self.fakes = self.server = None
        self.address = None

    def start(self, items, latency=None, schedule=None, token=None):
        """Start both; schedule is a sync_schedule.json dict (None: no scheduler)."""
        (self.work / "odoo_config.json").write_text(json.dumps(self.odoo_conf))
        cmd = [os.path.abspath(self.fakes_bin), "serve", "--dir", str(self.work), "--items", str(items)]
        if latency:
            cmd += ["--latency", latency]
        self.fakes = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=str(self.work))
        config = Path(self.work, wait_line(self.fakes, r"^config: (.+)$").group(1).strip())
        wait_line(self.fakes, r"ready; Ctrl-C stops the fakes")
        (config / "odoo_config.json").write_text(json.dumps(self.odoo_conf))
        cmd = [os.path.abspath(self.zohosync_bin), "serve", "--config-dir", str(config),
               "--data-dir", str(self.work / "data"), "--listen", "127.0.0.1:0", "--log-level", "warn"]
        if schedule is None:
            cmd.append("--no-scheduler")
        else:
            (config / "sync_schedule.json").write_text(json.dumps(schedule))
        env = dict(os.environ, ZOHOSYNC_API_TOKEN=token) if token else None
        self.server = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
        self.address = wait_line(self.server, r"listening on (\S+)").group(1)
        return self.address

    def stop(self):
        stop(self.server)
        stop(self.fakes)
