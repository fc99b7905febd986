"""The client against the real zohosync server and the emulated Zoho / Odoo."""

import socket

import grpc

import pytest

import zohosync_client as zs
from zohosync_client import (
    AlreadyRunning,
    AuthenticationError,
    Client,
    FailedPrecondition,
    InvalidArgument,
    NotFound,
    ServerUnavailable,
    TLSMismatch,
    ZohoSyncError,
    sync_pb2,
)

from conftest import TOKEN


def _free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def _finish(client, started):
    run = client.wait_for_run(started.run.id, timeout=120, poll_interval=0.2)
    assert not zs.run_is_active(run)
    return run


def test_generated_package_importable():
    from zohosync.v1 import config_pb2, product_pb2, schedule_pb2, sync_pb2 as s  # noqa: F401

    assert s.RunKind.Name(s.RUN_KIND_FULL) == "RUN_KIND_FULL"
    assert zs.sync_pb2 is s


def test_status_and_ping(client):
    status = client.status()
    assert status.server_version
    assert client.ping() == status.server_version
    assert status.HasField("schedule")  # always set, also without a scheduler
    assert not status.schedule.enabled and "without a scheduler" in status.schedule.disabled_reason


def test_start_sync_smart_then_runs_and_products(client):
    started = client.start_sync("smart", join=True)
    assert started.run.id
    run = _finish(client, started)
    assert run.state in (sync_pb2.RUN_STATE_SUCCEEDED, sync_pb2.RUN_STATE_PARTIAL), run.error
    assert run.progress.counts.seen == 40
    assert zs.run_percent(run) == 100.0
    assert zs.to_datetime(run.started_at) is not None
    assert zs.to_datetime(run.finished_at) >= zs.to_datetime(run.started_at)
    assert zs.to_seconds(run.duration) >= 0

    ids = [r.id for r in client.iter_runs(limit=10)]
    assert run.id in ids
    page = client.list_runs(page_size=1)
    assert len(page.runs) == 1 and page.total_size >= 1

    products = list(client.iter_products("all", page_size=7))
    assert len(products) == 40
    synced = list(client.iter_products("synced"))
    assert 0 < len(synced) <= 40
    assert list(client.iter_products("all", limit=3)) == products[:3]
    first = synced[0]
    assert first.odoo_id > 0
    by_odoo = client.get_product(odoo_id=first.odoo_id)
    assert by_odoo.zoho_item_id == first.zoho_item_id
    assert zs.to_datetime(by_odoo.last_synced_at) is not None
    assert client.get_product(zoho_item_id=first.zoho_item_id).odoo_id == first.odoo_id

    status = client.status()
    assert status.products_tracked >= len(synced)
    assert status.last_run.id


def test_full_sync_and_already_running(client):
    started = client.start_sync("full")
    assert started.run.kind == sync_pb2.RUN_KIND_FULL
    try:
        with pytest.raises(AlreadyRunning) as info:
            client.start_sync("smart", join=False)
        assert info.value.run_id == started.run.id
        assert started.run.id in str(info.value)
        assert isinstance(info.value, FailedPrecondition)
        joined = client.start_sync("smart", join=True)
        assert joined.already_running and joined.run.id == started.run.id
    except AssertionError:
        # The run may have ended between the two calls on a very fast machine.
        if zs.run_is_active(client.get_run(started.run.id)):
            raise
    _finish(client, started)


def test_dry_run_stream_and_watch(client):
    events = list(client.run_sync("full", dry_run=True, timeout=120))
    assert events[0].WhichOneof("detail") == "joined"
    assert events[-1].WhichOneof("detail") == "finished"
    final = events[-1].finished
    assert final.dry_run
    # Watching a finished run returns its summary and ends.
    watched = list(client.watch_run(final.id, timeout=30))
    assert watched[-1].WhichOneof("detail") == "finished"
    assert watched[-1].finished.id == final.id


def test_watch_run_in_progress(client):
    started = client.start_sync("full")
    kinds = [e.WhichOneof("detail") for e in client.watch_run(started.run.id, timeout=120)]
    assert kinds[0] == "joined" and kinds[-1] == "finished"


def test_not_found_and_preconditions(client):
    with pytest.raises(NotFound) as info:
        client.get_run("999999")
    assert info.value.reason == "RUN_NOT_FOUND"
    with pytest.raises(NotFound):
        client.get_product(zoho_item_id="no-such-item")
    with pytest.raises(FailedPrecondition) as info:
        client.cancel_run()
    assert info.value.reason == "NO_RUN_IN_PROGRESS"
    with pytest.raises(FailedPrecondition) as info:
        client.retry_failed()
    assert info.value.reason == "NO_FAILED_ITEMS"
    # No scheduler on this server (--no-scheduler): FailedPrecondition / NO_SCHEDULER.
    with pytest.raises(zs.NoScheduler) as info:
        client.update_schedule(enabled=True)
    assert isinstance(info.value, FailedPrecondition)
    assert info.value.code == grpc.StatusCode.FAILED_PRECONDITION
    assert info.value.reason == "NO_SCHEDULER"
    assert info.value.error_reason == zs.errors_pb2.ERROR_REASON_NO_SCHEDULER
    assert "--no-scheduler" in str(info.value)


def test_bad_arguments_client_side(client):
    with pytest.raises(InvalidArgument):
        client.start_sync("sometimes")
    with pytest.raises(InvalidArgument):
        client.get_product()
    with pytest.raises(InvalidArgument):
        Client("")


def test_schedule_get_and_update(fresh_server):
    with Client(fresh_server.address, token=fresh_server.token) as c:
        sched = c.get_schedule()
        assert sched.enabled is False
        assert sched.sync_interval_hours == 4
        new = c.update_schedule(sync_interval_hours=2.5, force_full_sync_days=3)
        assert new.sync_interval_hours == 2.5 and new.force_full_sync_days == 3
        assert new.enabled is False  # not in the mask: kept
        assert c.get_schedule().sync_interval_hours == 2.5
        with pytest.raises(InvalidArgument) as info:
            c.update_schedule(sync_interval_hours=0.1)
        # The server's message says what is allowed.
        assert "0.25" in str(info.value)
        assert info.value.reason == "INVALID_SCHEDULE"
        assert c.get_schedule().sync_interval_hours == 2.5
        # Enabling on a data directory that never synced: the scheduler waits
        # for the first run started by hand, so there is no next run time.
        on = c.update_schedule(enabled=True)
        assert on.enabled and on.waiting_for_first_run and zs.to_datetime(on.next_run_at) is None
        assert c.status().schedule.enabled
        off = c.update_schedule(enabled=False)
        assert not off.enabled
        assert c.update_schedule() == c.get_schedule()


def test_test_connections_and_config(client):
    result = client.test_connections()
    assert result.zoho.ok, result.zoho.error
    assert result.odoo.ok, result.odoo.error
    assert result.odoo.server_version.startswith("17")
    config = client.get_config()
    assert config.api_token_required
    assert config.odoo.password.set


def test_wrong_token(server):
    secret = "wrong-" + TOKEN
    with Client(server.address, token=secret) as c:
        with pytest.raises(AuthenticationError) as info:
            c.status()
    err = info.value
    assert server.address in str(err)
    assert isinstance(err, zs.ApiTokenWrong) and err.reason == "API_TOKEN_WRONG"
    for text in (str(err), repr(err), repr(c), err.details, err.message):
        assert secret not in text and TOKEN not in text


def test_missing_token(server):
    with Client(server.address) as c:
        with pytest.raises(AuthenticationError) as info:
            c.start_sync()
    assert isinstance(info.value, zs.ApiTokenMissing)


def test_token_not_in_repr(client):
    assert TOKEN not in repr(client)
    assert "token=set" in repr(client)


def test_server_unavailable_names_address():
    address = "127.0.0.1:%d" % _free_port()
    with Client(address, token="x", timeout=3) as c:
        with pytest.raises(ServerUnavailable) as info:
            c.status()
    assert address in str(info.value)
    assert not isinstance(info.value, TLSMismatch)
    assert isinstance(info.value, ZohoSyncError)


def test_deadline_is_unavailable(server):
    with Client(server.address, token=TOKEN, timeout=0.000001) as c:
        with pytest.raises(ServerUnavailable) as info:
            c.status()
    assert server.address in str(info.value)


def test_tls(tls_server, tls_files):
    cert = open(tls_files[0], "rb").read()
    with Client(tls_server.address, token=TOKEN, tls=True, root_certificates=cert) as c:
        assert c.ping()
    # Plain text client against a TLS server.
    with Client(tls_server.address, token=TOKEN, tls=False, timeout=5) as c:
        with pytest.raises(TLSMismatch) as info:
            c.status()
    assert "TLS" in str(info.value) and tls_server.address in str(info.value)
    # TLS client, certificate not trusted.
    with Client(tls_server.address, token=TOKEN, tls=True, timeout=5) as c:
        with pytest.raises(TLSMismatch) as info:
            c.status()
    assert "certificate" in str(info.value)


def test_tls_client_plain_server(server, tls_files):
    cert = open(tls_files[0], "rb").read()
    with Client(server.address, token=TOKEN, tls=True, root_certificates=cert, timeout=5) as c:
        with pytest.raises(TLSMismatch) as info:
            c.status()
    assert "does not speak TLS" in str(info.value) or "TLS" in str(info.value)


def test_helpers():
    assert zs.parse_kind("full") == sync_pb2.RUN_KIND_FULL
    assert zs.parse_kind("RUN_KIND_SMART") == sync_pb2.RUN_KIND_SMART
    assert zs.parse_kind(sync_pb2.RUN_KIND_RETRY_FAILED) == sync_pb2.RUN_KIND_RETRY_FAILED
    assert zs.enum_label(sync_pb2.RunState, sync_pb2.RUN_STATE_PARTIAL) == "partial"
    run = sync_pb2.Run(state=sync_pb2.RUN_STATE_RUNNING, progress=sync_pb2.Progress(total=200, done=50))
    assert zs.run_percent(run) == 25.0
    assert zs.to_datetime(run.finished_at) is None
