"""Fixtures that run the real bin/zohosync against bin/zohosync-fakes.

ZOHOSYNC_BIN and ZOHOSYNC_FAKES name the binaries (the Makefile sets them);
by default they are looked up in <repo>/bin.
"""

import json
import os
import pathlib
import re
import signal
import subprocess
import sys
import time

import pytest

HERE = pathlib.Path(__file__).resolve().parent
REPO = HERE.parents[2]

# Make the package importable when run without installing it
# (PYTHONPATH=client/python/src:client/python/gen works too).
for sub in ("src", "gen"):
    path = str(HERE.parent / sub)
    if path not in sys.path:
        sys.path.insert(0, path)

TOKEN = "test-token-7f3a9c"


def _binary(env, name):
    path = pathlib.Path(os.environ.get(env) or REPO / "bin" / name)
    if not path.exists():
        pytest.fail("%s not found at %s: run `make build` (or set %s)" % (name, path, env))
    return str(path)


def _wait_line(proc, pattern, what, timeout=30.0):
    """Read stdout lines until one matches pattern; return the match."""
    deadline = time.monotonic() + timeout
    lines = []
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            if proc.poll() is not None:
                break
            continue
        lines.append(line)
        m = re.search(pattern, line)
        if m:
            return m
    proc.kill()
    raise RuntimeError("%s did not start; output:\n%s" % (what, "".join(lines)))


def _stop(proc):
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="session")
def fakes(tmp_path_factory):
    """Zoho emulator + Odoo double; yields the directory of the config files they wrote."""
    root = tmp_path_factory.mktemp("fakes")
    proc = subprocess.Popen(
        [_binary("ZOHOSYNC_FAKES", "zohosync-fakes"), "serve", "--dir", str(root), "--items", "40", "--latency", "20ms"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=str(root),
    )
    # The fakes print "config: DIR"; take the directory from there (relative to their cwd).
    m = _wait_line(proc, r"^config: (.+)$", "zohosync-fakes")
    config = pathlib.Path(root, m.group(1).strip())
    _wait_line(proc, r"ready; Ctrl-C stops the fakes", "zohosync-fakes")
    yield config
    _stop(proc)


class Server:
    """A running `zohosync serve`."""

    def __init__(self, address, proc, config_dir, token):
        self.address = address
        self.proc = proc
        self.config_dir = config_dir
        self.token = token


def start_server(fakes_config, tmp_path, *, token=TOKEN, scheduler=False, tls=None):
    """Start zohosync serve on a loopback port with its own data dir and a copy of the fakes' config."""
    config = tmp_path / "config"
    config.mkdir()
    for f in fakes_config.glob("*.json"):
        if f.name != "sync_schedule.json":
            (config / f.name).write_text(f.read_text())
    if scheduler:
        # A scheduler that exists (so UpdateSchedule works) but starts nothing.
        (config / "sync_schedule.json").write_text(
            json.dumps({"enabled": False, "sync_interval_hours": 4, "force_full_sync_days": 7, "max_consecutive_errors": 5})
        )
    args = [
        _binary("ZOHOSYNC_BIN", "zohosync"),
        "serve",
        "--config-dir",
        str(config),
        "--data-dir",
        str(tmp_path / "data"),
        "--listen",
        "127.0.0.1:0",
        "--log-level",
        "warn",
    ]
    if not scheduler:
        args.append("--no-scheduler")
    if tls:
        args += ["--tls-cert", tls[0], "--tls-key", tls[1]]
    env = dict(os.environ)
    env.pop("ZOHOSYNC_API_TOKEN", None)
    if token:
        env["ZOHOSYNC_API_TOKEN"] = token
    log = open(str(tmp_path / "server.log"), "w")
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=log, text=True, env=env)
    try:
        m = _wait_line(proc, r"listening on (\S+)", "zohosync serve")
    except RuntimeError as err:
        raise RuntimeError("%s\n%s" % (err, (tmp_path / "server.log").read_text())) from None
    return Server(m.group(1), proc, config, token)


@pytest.fixture(scope="session")
def server(fakes, tmp_path_factory):
    """Server with a token and no scheduler, shared by the read-mostly tests."""
    srv = start_server(fakes, tmp_path_factory.mktemp("server"))
    yield srv
    _stop(srv.proc)


@pytest.fixture()
def fresh_server(fakes, tmp_path):
    """A server of its own (own data dir), with a scheduler that is disabled."""
    srv = start_server(fakes, tmp_path, scheduler=True)
    yield srv
    _stop(srv.proc)


@pytest.fixture()
def client(server):
    from zohosync_client import Client

    with Client(server.address, token=server.token, timeout=10) as c:
        yield c


@pytest.fixture(scope="session")
def tls_files(tmp_path_factory):
    """Self-signed certificate for 127.0.0.1 / localhost (openssl)."""
    d = tmp_path_factory.mktemp("tls")
    cert, key = d / "cert.pem", d / "key.pem"
    try:
        subprocess.run(
            [
                "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                "-keyout", str(key), "-out", str(cert), "-subj", "/CN=localhost",
                "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
            ],
            check=True,
            capture_output=True,
        )
    except (OSError, subprocess.CalledProcessError) as err:
        pytest.skip("openssl cannot make a test certificate: %s" % err)
    return str(cert), str(key)


@pytest.fixture()
def tls_server(fakes, tmp_path, tls_files):
    srv = start_server(fakes, tmp_path, tls=tls_files)
    yield srv
    _stop(srv.proc)
