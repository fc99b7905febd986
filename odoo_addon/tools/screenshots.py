#!/usr/bin/env python3
"""Screenshots of the addon in headless Chromium (Chrome DevTools protocol, no Playwright).

    screenshots.py --url http://127.0.0.1:8069 --db odoo17_zs_shots --out DIR \
        --bin bin/zohosync --fakes bin/zohosync-fakes

Needs a running Odoo serving DB with zoho_sync installed and zohosync_client
importable in Odoo's Python, /usr/bin/chromium, and python3-websocket. It
starts the Zoho emulator (600 items, 150 ms per call, so a run lasts long
enough to be seen) and a zohosync server writing into that Odoo, points the
addon at it, then:
  1. opens Settings > Zoho Sync and clicks Sync now, which opens the run's form;
     checks that the live progress moves while the run is in progress (the page
     polls the server), saves DIR/screenshot_run.png, and waits for the form to
     show the end by itself;
  2. opens Settings > Zoho Sync and saves DIR/screenshot_settings.png.
Use a database without the emulated products, so that the run takes a while.
"""

import argparse
import base64
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
import xmlrpc.client
from http.cookiejar import CookieJar
from pathlib import Path

import websocket  # python3-websocket

from stack import Stack, stop

TOKEN = "screenshot-token"


class Chrome:
    def __init__(self, width=1366, height=1000):
        self.profile = tempfile.mkdtemp(prefix="zs_chrome_")
        self.proc = subprocess.Popen(
            ["/usr/bin/chromium", "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--remote-debugging-port=0", "--user-data-dir=" + self.profile,
             "--window-size=%d,%d" % (width, height), "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )
        port = None
        for line in self.proc.stderr:
            found = re.search(r"DevTools listening on ws://[^:]+:(\d+)/", line)
            if found:
                port = int(found.group(1))
                break
        pages = json.load(urllib.request.urlopen("http://127.0.0.1:%d/json" % port))
        page = next(p for p in pages if p.get("type") == "page")
        self.ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=60)
        self.next_id = 0
        self.send("Page.enable")
        self.send("Runtime.enable")
        self.send("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1, mobile=False)

    def send(self, method, **params):
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == self.next_id:
                if "error" in msg:
                    raise RuntimeError("%s: %s" % (method, msg["error"]))
                return msg.get("result", {})

    def js(self, expression):
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        return result.get("result", {}).get("value")

    def wait_for(self, expression, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.js(expression):
                return True
            time.sleep(0.25)
        shot = os.path.join(tempfile.gettempdir(), "zoho_sync_screenshot_failure.png")
        self.screenshot(shot)
        raise SystemExit("timed out waiting for: %s (page in %s)" % (expression, shot))

    def goto(self, url):
        self.send("Page.navigate", url=url)

    def screenshot(self, path, clip_selector=None):
        params = {"format": "png"}
        if clip_selector:
            box = self.js(
                "(() => { const r = document.querySelector(%s).getBoundingClientRect();"
                " return {x: r.x, y: r.y, width: r.width, height: r.height}; })()" % json.dumps(clip_selector)
            )
            params["clip"] = dict(box, scale=1)
        data = self.send("Page.captureScreenshot", **params)["data"]
        Path(path).write_bytes(base64.b64decode(data))

    def close(self):
        try:
            self.ws.close()
        finally:
            stop(self.proc)
            shutil.rmtree(self.profile, ignore_errors=True)


def session_cookie(url, db):
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    body = json.dumps({"jsonrpc": "2.0", "method": "call",
                       "params": {"db": db, "login": "admin", "password": "admin"}}).encode()
    req = urllib.request.Request(url + "/web/session/authenticate", body, {"Content-Type": "application/json"})
    reply = json.load(opener.open(req))
    if reply.get("error"):
        raise SystemExit("login failed: %s" % reply["error"])
    return next(c.value for c in jar if c.name == "session_id")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", default="http://127.0.0.1:8069")
    ap.add_argument("--db", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--bin", required=True)
    ap.add_argument("--fakes", required=True)
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    import zohosync_client

    work = Path(tempfile.mkdtemp(prefix="zs_shots_"))
    stack = Stack(work, args.fakes, args.bin, {"url": args.url, "db": args.db, "username": "admin", "password": "admin"})
    chrome = None
    try:
        common = xmlrpc.client.ServerProxy(args.url + "/xmlrpc/2/common")
        uid = common.authenticate(args.db, "admin", "admin", {})
        models = xmlrpc.client.ServerProxy(args.url + "/xmlrpc/2/object", allow_none=True)

        def call(model, method, *a, **kw):
            return models.execute_kw(args.db, uid, "admin", model, method, list(a), kw)

        # The scheduler starts off, so that the click on Sync now is what starts the run;
        # it is turned on before the Settings screenshot.
        address = stack.start(600, token=TOKEN, schedule={
            "enabled": False, "sync_interval_hours": 6, "force_full_sync_days": 7, "max_consecutive_errors": 5})
        client = zohosync_client.Client(address, token=TOKEN)
        call("ir.config_parameter", "set_param", "zoho_sync.server_address", address)
        call("ir.config_parameter", "set_param", "zoho_sync.api_token", TOKEN)
        call("ir.config_parameter", "set_param", "zoho_sync.tls", False)

        chrome = Chrome(height=900)
        chrome.send("Network.enable")
        host = re.sub(r"^https?://", "", args.url).split(":")[0]
        chrome.send("Network.setCookie", name="session_id", value=session_cookie(args.url, args.db),
                    domain=host, path="/")

        # 1. Settings > Zoho Sync, click Sync now: the first sync into a database without
        # the products (creates and images: long enough to watch). Sync now opens the run's form.
        chrome.goto(args.url + "/web#action=zoho_sync.zoho_sync_settings_action")
        chrome.wait_for("!!document.querySelector(\"div[name='zoho_sync_status_html'] table\")", 60)
        chrome.js("document.querySelector(\"button[name='action_zoho_sync_now']\").click()")
        print("clicked Settings > Zoho Sync > Sync now")
        # "Sync started: run N", or "Run N is already in progress" when the schedule began one.
        chrome.wait_for("!!document.querySelector('.o_notification') && "
                        "/[Rr]un \\w+/.test(document.querySelector('.o_notification').innerText)", 30)
        note = chrome.js("document.querySelector('.o_notification').innerText")
        run_id = re.search(r"[Rr]un (\w+)", note).group(1)
        print("notification: %s" % " ".join(note.split()))
        progress_js = ("(() => { const el = document.querySelector('.o_zoho_sync_live .o_zoho_sync_live_progress');"
                       " return el ? el.innerText.trim() : null; })()")
        chrome.wait_for(progress_js, 60)
        seen = [chrome.js(progress_js)]
        for _ in range(20):
            time.sleep(2.5)
            seen.append(chrome.js(progress_js))
            if len([v for v in set(seen) if v]) >= 3:
                break
        counts = chrome.js("(() => { const el = document.querySelector('.o_zoho_sync_live table');"
                           " return el ? el.innerText : null; })()")
        state = chrome.js("document.querySelector('.o_statusbar_status [aria-checked=\"true\"]').innerText")
        chrome.screenshot(out / "screenshot_run.png")
        print("run %s live progress readings: %s; state %s" % (run_id, seen, state))
        print("live figures: %s" % " ".join((counts or "").split()))
        print("run:", out / "screenshot_run.png")
        if len(set(v for v in seen if v)) < 2:
            raise SystemExit("the live progress did not move")
        client.wait_for_run(run_id, timeout=900)
        chrome.wait_for("document.querySelector('.o_statusbar_status [aria-checked=\"true\"]').innerText"
                        ".includes('Succeeded')", 30)
        print("the open form reached Succeeded by itself (polling stops there)")

        # 2. Settings, with that run as the last one and the scheduler on.
        client.update_schedule(enabled=True)
        chrome.send("Emulation.setDeviceMetricsOverride", width=1366, height=1300, deviceScaleFactor=1, mobile=False)
        chrome.goto(args.url + "/web#action=zoho_sync.zoho_sync_settings_action")
        chrome.wait_for("!!document.querySelector(\"div[name='zoho_sync_status_html'] table\")", 60)
        time.sleep(1.5)
        chrome.screenshot(out / "screenshot_settings.png")
        print("settings:", out / "screenshot_settings.png")
        try:
            client.cancel_run(run_id)
        except zohosync_client.FailedPrecondition:
            pass  # it has already ended
        client.close()
        return 0
    finally:
        if chrome:
            chrome.close()
        stack.stop()
        shutil.rmtree(str(work), ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
