#!/usr/bin/env bash
# The wheels (make wheel) installed into a real Odoo's Python, and the module
# installed from them (make test-wheel; not in CI, which has no Odoo).
#
#  1. pip installs odoo-addon-zoho_sync for the series from dist/ only (--no-index),
#     so its dependency zohosync-client must come from dist/ too, and grpcio/protobuf
#     must already be there (Debian's python3-grpcio / python3-protobuf);
#  2. checks that Odoo imports the addon from site-packages, not from a checkout;
#  3. installs the module into a scratch copy of the series' template database
#     with the config's addons_path only (nothing of this repository on it);
#  4. drops the database and uninstalls what step 1 installed (what was already
#     installed before is left as it was).
#
# Environment: ODOO_SERIES (17), ODOO_DIR, ODOO_CONF, ODOO_PYTHON as in test_odoo.sh;
# ODOO_TEMPLATE_DB (odoo$ODOO_SERIES); PIP_EXTRA (default --break-system-packages,
# needed by a Debian Python under PEP 668; empty for a virtualenv).
set -euo pipefail

REPO="$(cd "$(dirname "$0")/../.." && pwd)"
SERIES="${ODOO_SERIES:-17}"
ODOO_DIR="${ODOO_DIR:-/work/odoo/odoo$SERIES}"
ODOO_CONF="${ODOO_CONF:-/work/odoo/odoo$SERIES.conf}"
ODOO_PYTHON="${ODOO_PYTHON:-/usr/bin/python3}"
TEMPLATE="${ODOO_TEMPLATE_DB:-odoo$SERIES}"
DB="odoo${SERIES}_zs_wheel_$$"
PIP_EXTRA="${PIP_EXTRA---break-system-packages}"
LOG="${TMPDIR:-/tmp}/zoho_sync_wheel_$SERIES.log"

VERSION="$(python3 -c "import ast,sys; print(ast.literal_eval(open(sys.argv[1]).read())['version'])" \
  "$REPO/odoo_addon/zoho_sync/__manifest__.py" | sed "s/^[0-9]*\.0\./$SERIES.0./")"
WHEEL="$REPO/dist/odoo_addon_zoho_sync-$VERSION-py3-none-any.whl"
[ -f "$WHEEL" ] || { echo "no $WHEEL: run 'make wheel' first"; exit 2; }

pip_() { "$ODOO_PYTHON" -m pip --disable-pip-version-check -q "$@"; }
installed() { "$ODOO_PYTHON" -m pip show -q "$1" >/dev/null 2>&1; }
for dist in odoo-addon-zoho_sync zohosync-client; do
  if installed "$dist"; then echo "$dist is already installed in $ODOO_PYTHON: not touching it"; exit 2; fi
done

SITE="$("$ODOO_PYTHON" -c "import sysconfig; print(sysconfig.get_paths()['purelib'])")"
[ -d "$SITE/odoo" ] && HAD_ODOO_DIR=1 || HAD_ODOO_DIR=""
[ -d "$SITE/zohosync" ] && HAD_ZS_DIR=1 || HAD_ZS_DIR=""
odoo_db() { (cd "$ODOO_DIR" && "$ODOO_PYTHON" odoo-bin db -c "$ODOO_CONF" "$@" 2>&1); }
cleanup() {
  odoo_db drop "$DB" >/dev/null || true
  # $PIP_EXTRA is intentionally unquoted: empty or one option.
  # shellcheck disable=SC2086
  pip_ uninstall -y $PIP_EXTRA odoo-addon-zoho_sync zohosync-client 2>/dev/null || true
  # pip leaves the namespace folders (odoo/addons, zohosync) behind: remove them when this made them.
  if [ -z "$HAD_ODOO_DIR" ]; then rmdir "$SITE/odoo/addons" "$SITE/odoo" 2>/dev/null || true; fi
  if [ -z "$HAD_ZS_DIR" ]; then rmdir "$SITE/zohosync" 2>/dev/null || true; fi
}
trap cleanup EXIT

echo "== pip install $(basename "$WHEEL") (and zohosync-client) from dist/ into $ODOO_PYTHON"
# shellcheck disable=SC2086
pip_ install $PIP_EXTRA --no-index --find-links "$REPO/dist" "odoo-addon-zoho_sync==$VERSION"
"$ODOO_PYTHON" -m pip show odoo-addon-zoho_sync | grep -E "^(Version|Requires|Location):"

echo "== Odoo $SERIES finds the addon in site-packages"
where="$(cd "$ODOO_DIR" && "$ODOO_PYTHON" -c "
import odoo
from odoo.modules.module import get_module_path
print(get_module_path('zoho_sync'))")"
echo "zoho_sync: $where"
case "$where" in
  *-packages/odoo/addons/zoho_sync) ;;
  *) echo "Odoo does not load zoho_sync from the installed wheel"; exit 1 ;;
esac

echo "== install the module into $DB (a copy of $TEMPLATE), addons_path from $ODOO_CONF only"
odoo_db duplicate "$TEMPLATE" "$DB" >/dev/null
(cd "$ODOO_DIR" && "$ODOO_PYTHON" odoo-bin -c "$ODOO_CONF" -d "$DB" -i zoho_sync --stop-after-init \
  --no-http --logfile= --log-level=info) >"$LOG" 2>&1
state="$(cd "$ODOO_DIR" && "$ODOO_PYTHON" - "$ODOO_CONF" "$DB" <<'EOF'
import sys
import odoo
odoo.tools.config.parse_config(["-c", sys.argv[1]])
registry = odoo.modules.registry.Registry(sys.argv[2])
with registry.cursor() as cr:
    env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
    mod = env["ir.module.module"].search([("name", "=", "zoho_sync")])
    print(mod.state, mod.latest_version)
EOF
)"
echo "zoho_sync in $DB: $(echo "$state" | tail -1)"
echo "$state" | tail -1 | grep -q "^installed $VERSION$" || { echo "the module did not install (log $LOG)"; exit 1; }
if grep -E " (ERROR|CRITICAL) " "$LOG"; then echo "errors while installing (log $LOG)"; exit 1; fi
echo "test-wheel (Odoo $SERIES): OK; uninstalling the wheels again"
