#!/bin/sh
# Debian postinst of zohosync: the service user, the example configuration, the unit.
set -e
if ! getent passwd zohosync >/dev/null; then
  adduser --system --group --home /var/lib/zohosync --no-create-home --gecos "zohosync service" zohosync >/dev/null 2>&1 ||
    useradd --system --user-group --home-dir /var/lib/zohosync --no-create-home --shell /usr/sbin/nologin zohosync
fi
install -d -m 0750 -o zohosync -g zohosync /etc/zohosync
install -d -m 0700 -o zohosync -g zohosync /var/lib/zohosync
if [ ! -e /etc/zohosync/zoho_config.json ] && [ ! -e /etc/zohosync/odoo_config.json ]; then
  /usr/bin/zohosync init --config-dir /etc/zohosync >/dev/null
  chown zohosync:zohosync /etc/zohosync/*.json /etc/zohosync/README.md
fi
chown root:root /etc/zohosync/zohosync.env
chmod 0600 /etc/zohosync/zohosync.env
if [ -d /run/systemd/system ]; then
  systemctl daemon-reload >/dev/null || true
  # An upgrade restarts a running service; a first install waits for the configuration.
  if systemctl is-active --quiet zohosync; then systemctl restart zohosync || true; fi
fi
if [ "$1" = configure ] && [ -z "$2" ]; then
  echo "zohosync: fill in /etc/zohosync (see /etc/zohosync/README.md; secrets in /etc/zohosync/zohosync.env),"
  echo "  then: systemctl enable --now zohosync && zohosync test-connections && zohosync run-now --dry-run"
fi
exit 0
