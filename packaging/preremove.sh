#!/bin/sh
# Debian prerm of zohosync: stop the service on removal (an upgrade restarts it in postinst).
set -e
if [ "$1" = remove ] && [ -d /run/systemd/system ]; then
  systemctl disable --now zohosync >/dev/null 2>&1 || true
fi
exit 0
