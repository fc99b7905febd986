#!/bin/sh
# Debian postrm of zohosync. The data directory (/var/lib/zohosync) and the
# configuration (/etc/zohosync) are kept, even on purge: they hold the links
# between Zoho items and Odoo products, which prevent duplicates.
set -e
if [ -d /run/systemd/system ]; then
  systemctl daemon-reload >/dev/null 2>&1 || true
fi
exit 0
