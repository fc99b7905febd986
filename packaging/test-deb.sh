#!/usr/bin/env bash
# Installs the Debian package on this machine and checks it as an operator
# would: the files and their modes, `systemd-analyze verify` of the unit, the
# installed binary serving as the unit starts it (its user, its directories,
# its EnvironmentFile) against the emulated Zoho and Odoo, a graceful SIGTERM,
# and `dpkg -r` leaving the data directory. Needs root; run by `make test-deb`.
set -euo pipefail
deb=${1:?usage: test-deb.sh bin/zohosync_VERSION_ARCH.deb}
fakes=${FAKES:-bin/zohosync-fakes}
[ "$(id -u)" = 0 ] || { echo "test-deb: needs root (dpkg -i)"; exit 1; }
if dpkg -s zohosync >/dev/null 2>&1 || [ -e /var/lib/zohosync ] || [ -e /etc/zohosync ]; then
  echo "test-deb: zohosync is installed here, or /var/lib/zohosync or /etc/zohosync exists: not touching a real installation"; exit 1
fi
command -v systemd-analyze >/dev/null || { apt-get update -qq && apt-get install -y -qq --no-install-recommends systemd >/dev/null; }

work=$(mktemp -d)
cleanup() {
  [ -n "${srv:-}" ] && kill "$srv" 2>/dev/null || true
  [ -n "${fk:-}" ] && kill "$fk" 2>/dev/null || true
  [ -n "${KEEP:-}" ] && return
  dpkg --purge zohosync >/dev/null 2>&1 || true
  rm -rf /var/lib/zohosync /etc/zohosync "$work"
  if getent passwd zohosync >/dev/null; then deluser --system zohosync >/dev/null 2>&1 || userdel zohosync || true; fi
  getent group zohosync >/dev/null && { delgroup --system zohosync >/dev/null 2>&1 || groupdel zohosync || true; }
}
trap cleanup EXIT
fail() { echo "test-deb: FAIL: $*"; exit 1; }
pass=0
ok() { echo "test-deb: ok: $*"; pass=$((pass + 1)); }

dpkg -i "$deb" >"$work/dpkg.log" 2>&1 || { cat "$work/dpkg.log"; fail "dpkg -i"; }
ok "dpkg -i $(basename "$deb")"

for f in /usr/bin/zohosync /lib/systemd/system/zohosync.service /etc/zohosync/zohosync.env /etc/zohosync/README.md \
  /etc/zohosync/zoho_config.json /etc/zohosync/odoo_config.json /etc/zohosync/field_mapping.json /etc/zohosync/sync_schedule.json \
  /usr/share/zohosync/examples/config/zoho_config.json /usr/share/zohosync/python-client/pyproject.toml \
  /usr/share/zohosync/python-client/src/zohosync_client/client.py /usr/share/doc/zohosync/README.md; do
  [ -e "$f" ] || fail "$f is missing"
done
[ "$(stat -c '%a %U' /etc/zohosync/zohosync.env)" = "600 root" ] || fail "zohosync.env is $(stat -c '%a %U' /etc/zohosync/zohosync.env), want 600 root"
[ "$(stat -c '%U' /etc/zohosync)" = zohosync ] || fail "/etc/zohosync is not owned by the service user"
[ "$(stat -c '%a %U' /var/lib/zohosync)" = "700 zohosync" ] || fail "/var/lib/zohosync is $(stat -c '%a %U' /var/lib/zohosync)"
/usr/bin/zohosync --version | grep -q '^zohosync ' || fail "zohosync --version"
ok "files, owners and modes"

systemd-analyze verify /lib/systemd/system/zohosync.service >"$work/verify.log" 2>&1 || { cat "$work/verify.log"; fail "systemd-analyze verify"; }
if grep -v -e 'Failed to connect' -e 'Cannot be started' -e '^$' "$work/verify.log" | grep -q .; then cat "$work/verify.log"; fail "systemd-analyze verify printed warnings"; fi
ok "systemd-analyze verify accepts the unit"

# The emulated Zoho and Odoo; their credentials go where an operator puts them.
"$fakes" serve --dir "$work/fakes" --items 40 --latency 0 >"$work/fakes.log" 2>&1 &
fk=$!
for _ in $(seq 100); do grep -q '^ready' "$work/fakes.log" && break; sleep 0.1; done
grep -q '^ready' "$work/fakes.log" || { cat "$work/fakes.log"; fail "zohosync-fakes did not start"; }
install -m 0640 -o zohosync -g zohosync "$work/fakes/config/zoho_config.json" "$work/fakes/config/odoo_config.json" /etc/zohosync/
# The Odoo password moves to the EnvironmentFile, as the README advises.
sed -i 's/"password": "admin"/"password": ""/' /etc/zohosync/odoo_config.json
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >>/etc/zohosync/zohosync.env <<ENV
ZOHOSYNC_ODOO_PASSWORD=admin
ZOHOSYNC_SERVE_ARGS=--listen 127.0.0.1:$port
ENV

# Start it as the unit does: its user, its EnvironmentFile, its ExecStart line.
exec_start=$(sed -n 's/^ExecStart=//p' /lib/systemd/system/zohosync.service)
(
  # EnvironmentFile: KEY=VALUE lines, the value the rest of the line (as systemd reads it).
  while IFS= read -r line; do
    case $line in ''|'#'*) continue ;; esac
    export "${line%%=*}=${line#*=}"
  done </etc/zohosync/zohosync.env
  # shellcheck disable=SC2086 # ExecStart's $ZOHOSYNC_SERVE_ARGS splits into words, as systemd splits it
  exec setpriv --reuid zohosync --regid zohosync --init-groups --no-new-privs $(eval echo "$exec_start")
) >"$work/serve.out" 2>"$work/serve.log" &
srv=$!
for _ in $(seq 100); do grep -q 'listening on' "$work/serve.out" && break; sleep 0.1; done
grep -q "listening on 127.0.0.1:$port" "$work/serve.out" || { cat "$work/serve.log"; fail "the installed binary did not serve"; }
ok "the installed binary serves as the unit starts it (user zohosync, EnvironmentFile, --listen from ZOHOSYNC_SERVE_ARGS)"

cli() { /usr/bin/zohosync "$@" --server "127.0.0.1:$port"; }
cli status | grep -q 'waiting for the first sync started by hand' || fail "status does not say the scheduler waits for the first run"
cli test-connections >"$work/tc.log" || { cat "$work/tc.log"; fail "test-connections"; }
cli run-now --dry-run >/dev/null || fail "run-now --dry-run"
cli run-now >"$work/run.log" || { cat "$work/run.log"; fail "run-now"; }
grep -q 'created 40' "$work/run.log" || { cat "$work/run.log"; fail "the first sync did not create the 40 products"; }
ok "test-connections, a dry run and the first sync (40 products)"

kill -TERM "$srv"
code=0; wait "$srv" || code=$?
srv=
[ "$code" = 0 ] || { cat "$work/serve.log"; fail "serve exited $code on SIGTERM"; }
grep -q '"msg":"stopped"' "$work/serve.log" || fail "no graceful stop in the log"
[ "$(stat -c '%U' /var/lib/zohosync/logs/zohosync.log)" = zohosync ] || fail "the log is not the service user's"
ok "SIGTERM stops it gracefully (exit 0)"

dpkg -r zohosync >"$work/dpkg.log" 2>&1 || { cat "$work/dpkg.log"; fail "dpkg -r"; }
[ ! -e /usr/bin/zohosync ] && [ ! -e /lib/systemd/system/zohosync.service ] || fail "dpkg -r left the binary or the unit"
[ -e /var/lib/zohosync/state/MANIFEST ] && [ -e /var/lib/zohosync/logs/zohosync.log ] || fail "dpkg -r removed the data directory"
[ -e /etc/zohosync/zohosync.env ] && [ -e /etc/zohosync/zoho_config.json ] || fail "dpkg -r removed the configuration"
ok "dpkg -r removes the package and keeps /var/lib/zohosync and /etc/zohosync"
echo "$pass passed, 0 failed"
