#!/usr/bin/env python3
"""Real uninstall check, against a running Odoo that serves DB with zoho_sync installed.

    check_uninstall.py --url http://127.0.0.1:8079 --db odoo17_zs_test --bin bin/zohosync --fakes bin/zohosync-fakes

1. starts the Zoho emulator and a zohosync server writing into that Odoo,
2. runs a sync through zohosync_client and counts the synced products,
3. uninstalls zoho_sync over XML-RPC (button_immediate_uninstall),
4. checks every synced product and its __zohosync__ link are still there.
Needs zohosync_client importable (PYTHONPATH=client/python/src:client/python/gen).
"""

import argparse
import shutil
import sys
import tempfile
import xmlrpc.client
from pathlib import Path

import zohosync_client
from stack import Stack


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True)
    ap.add_argument("--db", required=True)
    ap.add_argument("--bin", required=True)
    ap.add_argument("--fakes", required=True)
    ap.add_argument("--items", type=int, default=25)
    args = ap.parse_args()

    work = Path(tempfile.mkdtemp(prefix="zoho_sync_uninstall_"))
    stack = Stack(work, args.fakes, args.bin, {"url": args.url, "db": args.db, "username": "admin", "password": "admin"})
    try:
        address = stack.start(args.items, latency="5ms")

        with zohosync_client.Client(address) as client:
            started = client.start_sync("full")
            run = client.wait_for_run(started.run.id, timeout=300)
        state = zohosync_client.enum_label(zohosync_client.sync_pb2.RunState, run.state)
        if state not in ("succeeded", "partial"):
            raise SystemExit("sync run %s ended %s: %s" % (run.id, state, run.error))

        common = xmlrpc.client.ServerProxy(args.url + "/xmlrpc/2/common")
        uid = common.authenticate(args.db, "admin", "admin", {})
        models = xmlrpc.client.ServerProxy(args.url + "/xmlrpc/2/object", allow_none=True)

        def call(model, method, *a, **kw):
            return models.execute_kw(args.db, uid, "admin", model, method, list(a), kw)

        link_domain = [("module", "=", "__zohosync__"), ("model", "=", "product.template")]
        links = call("ir.model.data", "search_read", link_domain, fields=["res_id"])
        product_ids = sorted(r["res_id"] for r in links)
        if not product_ids:
            raise SystemExit("the sync created no linked product")
        print("synced: run %s %s, %d products linked under __zohosync__" % (run.id, state, len(product_ids)))

        module = call("ir.module.module", "search_read", [("name", "=", "zoho_sync")], fields=["state"])
        if not module or module[0]["state"] != "installed":
            raise SystemExit("zoho_sync is not installed in %s: %s" % (args.db, module))
        call("ir.module.module", "button_immediate_uninstall", [module[0]["id"]])
        module = call("ir.module.module", "read", [module[0]["id"]], fields=["state"])
        print("zoho_sync is now %s" % module[0]["state"])
        if module[0]["state"] != "uninstalled":
            raise SystemExit("uninstall did not complete")

        remaining = call("product.template", "search", [("id", "in", product_ids)], context={"active_test": False})
        links_after = call("ir.model.data", "search_count", link_domain)
        still_model = call("ir.model", "search_count", [("model", "=", "zoho.sync.run")])
        print("after uninstall: %d of %d products, %d links, zoho.sync.run model present: %s"
              % (len(remaining), len(product_ids), links_after, bool(still_model)))
        if sorted(remaining) != product_ids or links_after != len(product_ids) or still_model:
            raise SystemExit("FAILED: uninstalling zoho_sync changed the synced products")
        print("uninstall keeps products: OK")
        return 0
    finally:
        stack.stop()
        shutil.rmtree(str(work), ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
