#!/usr/bin/env python3
"""Write a copy of zoho_sync for another Odoo series (18.0).

    port_addon.py --series 18 SRC_ADDON_DIR DEST_PARENT_DIR

The code is the same for 17.0 and 18.0; only these differ, and are rewritten:
- the manifest version (18.0 refuses a 17.0.x.y.z version),
- list views: <tree> becomes <list>, and view_mode "tree" becomes "list";
- ir.cron records lose "numbercall" (18.0 dropped the field).
The tour and the JS widget work on both as they are.
"""

import argparse
import os
import re
import shutil


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--series", default="18")
    ap.add_argument("src")
    ap.add_argument("dest_parent")
    args = ap.parse_args()
    src = os.path.abspath(args.src)
    dest = os.path.join(args.dest_parent, os.path.basename(src))
    if os.path.exists(dest):
        shutil.rmtree(dest)
    shutil.copytree(src, dest, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    manifest = os.path.join(dest, "__manifest__.py")
    text = open(manifest).read()
    text = re.sub(r'"version": "\d+\.0\.', '"version": "%s.0.' % args.series, text)
    open(manifest, "w").write(text)
    if int(args.series) >= 18:
        for sub in ("views", "data"):
            for root, _dirs, files in os.walk(os.path.join(dest, sub)):
                for name in files:
                    if not name.endswith(".xml"):
                        continue
                    path = os.path.join(root, name)
                    xml = open(path).read()
                    xml = re.sub(r"<tree\b", "<list", xml).replace("</tree>", "</list>")
                    xml = re.sub(r'(<field name="view_mode">[^<]*)\btree\b', r"\1list", xml)
                    xml = re.sub(r'\n\s*<field name="numbercall"[^>]*>[^<]*</field>', "", xml)
                    open(path, "w").write(xml)
    print(dest)


if __name__ == "__main__":
    main()
