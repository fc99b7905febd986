#!/usr/bin/env bash
# Odoo-side tests of zoho_sync against a real Odoo (make test-odoo).
#
#  1. installs zoho_sync into a fresh scratch database and runs its tests
#     (TransactionCase with a fake client; HttpCase against the real bin/zohosync
#     and its Zoho emulator, including a headless-Chromium tour that clicks Sync now
#     and sees the products appear);
#  2. serves that database, syncs products into it through the real server,
#     uninstalls zoho_sync and checks every synced product is still there;
#  3. drops the scratch database.
#
# Environment (defaults are this machine's, see /work/odoo/README.txt):
#   ODOO_SERIES     17 (or 18)
#   ODOO_DIR        /work/odoo/odoo$ODOO_SERIES          (source tree with odoo-bin)
#   ODOO_CONF       /work/odoo/odoo$ODOO_SERIES.conf     (db connection, addons_path)
#   ODOO_PYTHON     /usr/bin/python3                      (needs grpcio, protobuf, websocket)
#   ODOO_TEST_PORT  8079                                  (HTTP port of the test runs)
#   ODOO_DB         odoo${ODOO_SERIES}_zs_test_<pid>      (must match the config's dbfilter)
#   ZOHOSYNC_BIN / ZOHOSYNC_FAKES   the binaries (default bin/ of this repository)
# zohosync-client is installed from client/python into a temporary folder put on
# PYTHONPATH (its dist-info is what the manifest's external_dependencies checks):
# nothing is installed into Odoo's Python.
set -euo pipefail

REPO="$(cd "$(dirname "$0")/../.." && pwd)"
SERIES="${ODOO_SERIES:-17}"
ODOO_DIR="${ODOO_DIR:-/work/odoo/odoo$SERIES}"
ODOO_CONF="${ODOO_CONF:-/work/odoo/odoo$SERIES.conf}"
ODOO_PYTHON="${ODOO_PYTHON:-/usr/bin/python3}"
PORT="${ODOO_TEST_PORT:-8079}"
DB="${ODOO_DB:-odoo${SERIES}_zs_test_$$}"
export ZOHOSYNC_BIN="${ZOHOSYNC_BIN:-$REPO/bin/zohosync}"
export ZOHOSYNC_FAKES="${ZOHOSYNC_FAKES:-$REPO/bin/zohosync-fakes}"
LOG_DIR="${ODOO_TEST_LOG_DIR:-${TMPDIR:-/tmp}/zoho_sync_odoo_test}"
mkdir -p "$LOG_DIR"
CLIENT_SITE="$(mktemp -d)"
"$ODOO_PYTHON" -m pip install -q --no-deps --no-build-isolation --no-warn-script-location --target "$CLIENT_SITE" \
  "$REPO/client/python" >"$LOG_DIR/client-install.log" 2>&1 || {
  echo "cannot install client/python into $CLIENT_SITE (see $LOG_DIR/client-install.log)"; exit 2; }
export PYTHONPATH="$CLIENT_SITE${PYTHONPATH:+:$PYTHONPATH}"

[ -f "$ODOO_DIR/odoo-bin" ] || { echo "no odoo-bin in $ODOO_DIR (set ODOO_DIR)"; exit 2; }
[ -f "$ODOO_CONF" ] || { echo "no Odoo config $ODOO_CONF (set ODOO_CONF)"; exit 2; }
[ -x "$ZOHOSYNC_BIN" ] && [ -x "$ZOHOSYNC_FAKES" ] || { echo "run 'make build' first"; exit 2; }
"$ODOO_PYTHON" -c "import grpc, google.protobuf, zohosync_client" || {
  echo "$ODOO_PYTHON lacks grpcio/protobuf (apt-get install python3-grpcio python3-protobuf)"; exit 2; }

# 17: this checkout's odoo_addon/; other series: a copy ported by port_addon.py.
ADDON_PARENT="$REPO/odoo_addon"
if [ "$SERIES" != 17 ]; then
  ADDON_PARENT="$(mktemp -d)"
  "$ODOO_PYTHON" "$REPO/odoo_addon/tools/port_addon.py" --series "$SERIES" "$REPO/odoo_addon/zoho_sync" "$ADDON_PARENT" >/dev/null
fi

# The config's addons_path plus the addon's parent dir (empty dirs dropped: odoo-bin refuses them on the command line).
ADDONS="$("$ODOO_PYTHON" - "$ODOO_CONF" "$ADDON_PARENT" <<'EOF'
import configparser, os, sys
cp = configparser.ConfigParser()
cp.read(sys.argv[1])
paths = [p.strip() for p in cp.get("options", "addons_path", fallback="").split(",") if p.strip()]
paths = [p for p in paths if os.path.isdir(p) and any(
    os.path.isfile(os.path.join(p, d, "__manifest__.py")) for d in os.listdir(p))]
# A zoho_sync already linked into an extra-addons dir would shadow this checkout's.
paths = [p for p in paths if not os.path.exists(os.path.join(p, "zoho_sync"))]
print(",".join(paths + [sys.argv[2]]))
EOF
)"
DATA_DIR="$("$ODOO_PYTHON" -c "import configparser,sys; cp=configparser.ConfigParser(); cp.read(sys.argv[1]); print(cp.get('options','data_dir',fallback=''))" "$ODOO_CONF")"
PG="$("$ODOO_PYTHON" -c "
import configparser,sys; cp=configparser.ConfigParser(); cp.read(sys.argv[1]); o=cp['options']
print(o.get('db_host','127.0.0.1') or '127.0.0.1', o.get('db_port','5432') or '5432', o.get('db_user','odoo'), o.get('db_password','odoo'))" "$ODOO_CONF")"
read -r PGHOST_ PGPORT_ PGUSER_ PGPASS_ <<<"$PG"

drop_db() {
  PGPASSWORD="$PGPASS_" dropdb --if-exists -h "$PGHOST_" -p "$PGPORT_" -U "$PGUSER_" "$DB" 2>/dev/null || true
  [ -n "$DATA_DIR" ] && rm -rf "$DATA_DIR/filestore/$DB"
}
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; fi
  drop_db
  if [ "$ADDON_PARENT" != "$REPO/odoo_addon" ]; then rm -rf "$ADDON_PARENT"; fi
  rm -rf "$CLIENT_SITE"
}
trap cleanup EXIT
drop_db

echo "== 1/2 install zoho_sync into $DB and run its tests (Odoo $SERIES, log $LOG_DIR/tests-$SERIES.log)"
set +e
(cd "$ODOO_DIR" && "$ODOO_PYTHON" odoo-bin -c "$ODOO_CONF" --addons-path="$ADDONS" -d "$DB" \
  -i zoho_sync --test-tags /zoho_sync --stop-after-init --http-port "$PORT" --logfile= --log-level=info) \
  >"$LOG_DIR/tests-$SERIES.log" 2>&1
rc=$?
set -e
grep -E "odoo\.tests\.(result|stats)|(ERROR|FAIL): Test|Tour .* failed|skipped" "$LOG_DIR/tests-$SERIES.log" || true
if [ $rc -ne 0 ] || ! grep -q "odoo.tests.result: 0 failed, 0 error(s)" "$LOG_DIR/tests-$SERIES.log"; then
  echo "Odoo tests FAILED (exit $rc); see $LOG_DIR/tests-$SERIES.log"; exit 1
fi
if grep -q "TestZohoSyncLive.*skipped\|Skipping.*zoho_sync" "$LOG_DIR/tests-$SERIES.log"; then
  echo "live tests were skipped"; exit 1
fi

echo "== 2/2 sync into $DB through the real server, uninstall zoho_sync, check the products stay"
(cd "$ODOO_DIR" && exec "$ODOO_PYTHON" odoo-bin -c "$ODOO_CONF" --addons-path="$ADDONS" -d "$DB" \
  --db-filter "^$DB\$" --http-port "$PORT" --max-cron-threads 0 --logfile= --log-level=warn) \
  >"$LOG_DIR/uninstall-$SERIES.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 60); do
  curl -fs -o /dev/null "http://127.0.0.1:$PORT/web/login" && break
  sleep 1
done
"$ODOO_PYTHON" "$REPO/odoo_addon/tools/check_uninstall.py" --url "http://127.0.0.1:$PORT" --db "$DB" \
  --bin "$ZOHOSYNC_BIN" --fakes "$ZOHOSYNC_FAKES"
echo "test-odoo (Odoo $SERIES): OK"
