"""A small, typed wrapper around the zohosync gRPC API.

Results are the generated protobuf messages (``zohosync.v1.*_pb2``; their
``.pyi`` files give editors the field types); the helpers at the end of this
module turn timestamps, durations and progress into plain Python values.

Only APIs that exist in grpcio 1.51 and protobuf 4.21 are used, so the client
runs on Debian bookworm's python3-grpcio / python3-protobuf as well as on the
newest releases from PyPI.
"""

import datetime
import time
from typing import Any, Callable, Iterator, List, NamedTuple, Optional, Sequence, Tuple, TypeVar, Union

import grpc
from google.protobuf import field_mask_pb2

from zohosync.v1 import (
    config_pb2,
    config_pb2_grpc,
    product_pb2,
    product_pb2_grpc,
    schedule_pb2,
    schedule_pb2_grpc,
    sync_pb2,
    sync_pb2_grpc,
)

from .errors import AlreadyRunning, InvalidArgument, ServerUnavailable, ZohoSyncError, from_rpc_error

__all__ = [
    "Client",
    "Started",
    "DEFAULT_ADDRESS",
    "parse_kind",
    "parse_product_filter",
    "to_datetime",
    "to_seconds",
    "run_percent",
    "run_is_active",
    "enum_label",
]

#: Address used when none is given (the server's default --listen).
DEFAULT_ADDRESS = "127.0.0.1:50051"

T = TypeVar("T")

KindLike = Union[str, int]

_KINDS = {
    "smart": sync_pb2.RUN_KIND_SMART,
    "full": sync_pb2.RUN_KIND_FULL,
    "retry": sync_pb2.RUN_KIND_RETRY_FAILED,
    "retry_failed": sync_pb2.RUN_KIND_RETRY_FAILED,
}

_PRODUCT_FILTERS = {
    "all": product_pb2.PRODUCT_FILTER_UNSPECIFIED,
    "": product_pb2.PRODUCT_FILTER_UNSPECIFIED,
    "synced": product_pb2.PRODUCT_FILTER_SYNCED,
    "failed": product_pb2.PRODUCT_FILTER_FAILED,
    "archived": product_pb2.PRODUCT_FILTER_ARCHIVED,
}

_SCHEDULE_FIELDS = ("enabled", "sync_interval_hours", "force_full_sync_days", "max_consecutive_errors")


class Started(NamedTuple):
    """What :meth:`Client.start_sync` returns."""

    #: The run started, or the run already in progress when ``already_running``.
    run: sync_pb2.Run
    #: True when a run was already in progress and no new run was started.
    already_running: bool


def parse_kind(kind: KindLike) -> int:
    """Turn ``"smart"``, ``"full"``, ``"retry_failed"`` or a RunKind value into a RunKind."""
    if isinstance(kind, str):
        key = kind.strip().lower().replace("-", "_")
        if key.startswith("run_kind_"):
            key = key[len("run_kind_"):]
        if key not in _KINDS:
            raise InvalidArgument("unknown run kind %r: use smart, full or retry_failed" % kind)
        return _KINDS[key]
    if kind not in sync_pb2.RunKind.values():
        raise InvalidArgument("unknown run kind %r" % (kind,))
    return int(kind)


def parse_product_filter(which: Union[str, int]) -> int:
    """Turn ``"all"``, ``"synced"``, ``"failed"``, ``"archived"`` or a ProductFilter value into a ProductFilter."""
    if isinstance(which, str):
        key = which.strip().lower()
        if key not in _PRODUCT_FILTERS:
            raise InvalidArgument("unknown product filter %r: use all, synced, failed or archived" % which)
        return _PRODUCT_FILTERS[key]
    return int(which)


class Client:
    """Connection to one zohosync server.

    Args:
        address: ``host:port`` of the server (default ``127.0.0.1:50051``).
        token: API token sent as ``authorization: Bearer <token>`` (the
            server's ZOHOSYNC_API_TOKEN); None or "" sends none.
        tls: connect over TLS.
        root_certificates: PEM bytes of the CA that signed the server's
            certificate (TLS only); None uses the system's trust store.
        server_name: host name to check the certificate against, when it
            differs from the host in ``address`` (TLS only).
        timeout: seconds allowed for each unary call.

    The channel is opened lazily by gRPC; nothing is sent until the first
    call. Use the client as a context manager, or call :meth:`close`.

    Every method raises a subclass of :class:`zohosync_client.ZohoSyncError`
    on failure, never ``grpc.RpcError``.
    """

    def __init__(
        self,
        address: str = DEFAULT_ADDRESS,
        *,
        token: Optional[str] = None,
        tls: bool = False,
        root_certificates: Optional[bytes] = None,
        server_name: Optional[str] = None,
        timeout: float = 10.0,
    ) -> None:
        address = (address or "").strip()
        if not address:
            raise InvalidArgument("no zohosync server address given (host:port)")
        if "://" in address:
            # Accept "grpc://host:port" / "https://host:port" from hand-typed settings.
            address = address.split("://", 1)[1].rstrip("/")
        self.address = address
        self.tls = bool(tls)
        self.timeout = timeout
        self._token = token or None
        options: List[Tuple[str, Any]] = [("grpc.max_receive_message_length", 64 * 1024 * 1024)]
        if self.tls:
            if server_name:
                options.append(("grpc.ssl_target_name_override", server_name))
            creds = grpc.ssl_channel_credentials(root_certificates=root_certificates)
            self._channel = grpc.secure_channel(address, creds, options=options)
        else:
            self._channel = grpc.insecure_channel(address, options=options)
        self._sync = sync_pb2_grpc.SyncServiceStub(self._channel)
        self._products = product_pb2_grpc.ProductServiceStub(self._channel)
        self._schedule = schedule_pb2_grpc.ScheduleServiceStub(self._channel)
        self._config = config_pb2_grpc.ConfigServiceStub(self._channel)

    # -- plumbing ---------------------------------------------------------

    def __repr__(self) -> str:
        # The token is never shown, only whether one is set.
        return "Client(address=%r, tls=%r, token=%s)" % (self.address, self.tls, "set" if self._token else "none")

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def close(self) -> None:
        """Close the channel. The client cannot be used afterwards."""
        self._channel.close()

    def _metadata(self) -> Optional[Sequence[Tuple[str, str]]]:
        if self._token:
            return (("authorization", "Bearer " + self._token),)
        return None

    def _error(self, err: grpc.RpcError, timeout: Optional[float]) -> ZohoSyncError:
        return from_rpc_error(err, address=self.address, tls=self.tls, timeout=timeout)

    def _call(self, method: Callable[..., T], request: Any, timeout: Optional[float] = None) -> T:
        limit = self.timeout if timeout is None else timeout
        try:
            return method(request, metadata=self._metadata(), timeout=limit)
        except grpc.RpcError as err:
            raise self._error(err, limit) from None

    def _stream(self, method: Callable[..., Any], request: Any, timeout: Optional[float]) -> Iterator[Any]:
        try:
            for response in method(request, metadata=self._metadata(), timeout=timeout):
                yield response.event
        except grpc.RpcError as err:
            raise self._error(err, timeout) from None

    # -- sync runs --------------------------------------------------------

    def start_sync(self, kind: KindLike = "smart", *, dry_run: bool = False, join: bool = True) -> Started:
        """Start a run and return at once (StartSync).

        Args:
            kind: ``"smart"`` (only changed items are written), ``"full"``
                (every item re-checked against Odoo) or a RunKind value.
            dry_run: plan only, write nothing.
            join: when a run is already in progress, return it
                (``already_running=True``); with ``join=False`` raise
                :class:`AlreadyRunning` carrying that run instead.
        """
        request = sync_pb2.StartSyncRequest(kind=parse_kind(kind), dry_run=dry_run)
        response = self._call(self._sync.StartSync, request)
        return self._started(response, join)

    def _started(self, response: Any, join: bool) -> Started:
        if response.already_running and not join:
            run = response.run
            raise AlreadyRunning(
                "a sync run is already in progress (run %s, %s)" % (run.id, enum_label(sync_pb2.RunKind, run.kind)),
                run=run,
                address=self.address,
            )
        return Started(run=response.run, already_running=response.already_running)

    def retry_failed(self, *, dry_run: bool = False, join: bool = True) -> Started:
        """Start a run over the failed items only (RetryFailed); returns at once.

        Raises :class:`FailedPrecondition` (reason NO_FAILED_ITEMS) when no item
        has failed; ``join`` works as in :meth:`start_sync`.
        """
        response = self._call(self._products.RetryFailed, product_pb2.RetryFailedRequest(dry_run=dry_run))
        return self._started(response, join)

    def run_sync(
        self, kind: KindLike = "smart", *, dry_run: bool = False, timeout: Optional[float] = None
    ) -> Iterator[sync_pb2.RunEvent]:
        """Start (or join) a run and yield its events until it ends (RunSync).

        The first event has ``joined`` set, the last ``finished``. Stopping the
        iteration does not cancel the run. ``timeout`` bounds the whole stream
        (None: no limit). Meant for scripts and CLIs, not for web requests.
        """
        request = sync_pb2.RunSyncRequest(kind=parse_kind(kind), dry_run=dry_run)
        return self._stream(self._sync.RunSync, request, timeout)

    def watch_run(self, run_id: str = "", *, timeout: Optional[float] = None) -> Iterator[sync_pb2.RunEvent]:
        """Yield a run's events until it ends (WatchRun); ``""`` means the run in progress.

        Watching a finished run yields its final summary and stops.
        Raises :class:`NotFound` for an unknown id and :class:`FailedPrecondition`
        (NO_RUN_IN_PROGRESS) for ``""`` with no run in progress.
        """
        return self._stream(self._sync.WatchRun, sync_pb2.WatchRunRequest(run_id=run_id), timeout)

    def wait_for_run(self, run_id: str, *, timeout: float = 300.0, poll_interval: float = 0.5) -> sync_pb2.Run:
        """Poll GetRun until the run has ended and return it.

        Raises :class:`ServerUnavailable` when it is still running after ``timeout`` seconds.
        """
        deadline = time.monotonic() + timeout
        while True:
            run = self.get_run(run_id)
            if not run_is_active(run):
                return run
            if time.monotonic() >= deadline:
                raise ServerUnavailable(
                    "run %s was still in progress after %gs" % (run_id, timeout),
                    code=grpc.StatusCode.DEADLINE_EXCEEDED,
                    address=self.address,
                )
            time.sleep(poll_interval)

    def cancel_run(self, run_id: str = "") -> sync_pb2.Run:
        """Ask a run to stop after its current batch; ``""`` means the run in progress.

        Raises :class:`FailedPrecondition` when it has already ended (or none runs).
        """
        return self._call(self._sync.CancelRun, sync_pb2.CancelRunRequest(run_id=run_id)).run

    def get_run(self, run_id: str) -> sync_pb2.Run:
        """Return one run, in progress or finished (NotFound for an unknown id)."""
        return self._call(self._sync.GetRun, sync_pb2.GetRunRequest(run_id=str(run_id))).run

    def list_runs(self, *, page_size: int = 20, page_token: str = "") -> sync_pb2.ListRunsResponse:
        """Return one page of runs, newest first (``runs``, ``next_page_token``, ``total_size``).

        Item errors are left out of listed runs; use :meth:`get_run` for them.
        """
        request = sync_pb2.ListRunsRequest(page_size=page_size, page_token=page_token)
        return self._call(self._sync.ListRuns, request)

    def iter_runs(self, *, limit: Optional[int] = None, page_size: int = 50) -> Iterator[sync_pb2.Run]:
        """Yield runs newest first, following pages, at most ``limit`` of them."""
        token, count = "", 0
        while True:
            page = self.list_runs(page_size=page_size, page_token=token)
            for run in page.runs:
                if limit is not None and count >= limit:
                    return
                count += 1
                yield run
            token = page.next_page_token
            if not token:
                return

    def status(self) -> sync_pb2.GetStatusResponse:
        """Summary of the server: run in progress, last run, counts, schedule (GetStatus)."""
        return self._call(self._sync.GetStatus, sync_pb2.GetStatusRequest())

    # -- products ---------------------------------------------------------

    def list_products(
        self, which: Union[str, int] = "all", *, page_size: int = 50, page_token: str = ""
    ) -> product_pb2.ListProductsResponse:
        """Return one page of tracked products in Zoho item id order.

        ``which`` is ``"all"``, ``"synced"``, ``"failed"`` or ``"archived"``.
        """
        request = product_pb2.ListProductsRequest(
            filter=parse_product_filter(which), page_size=page_size, page_token=page_token
        )
        return self._call(self._products.ListProducts, request)

    def iter_products(
        self, which: Union[str, int] = "all", *, limit: Optional[int] = None, page_size: int = 200
    ) -> Iterator[product_pb2.Product]:
        """Yield tracked products, following pages, at most ``limit`` of them."""
        token, count = "", 0
        while True:
            page = self.list_products(which, page_size=page_size, page_token=token)
            for product in page.products:
                if limit is not None and count >= limit:
                    return
                count += 1
                yield product
            token = page.next_page_token
            if not token:
                return

    def get_product(self, *, zoho_item_id: Optional[str] = None, odoo_id: Optional[int] = None) -> product_pb2.Product:
        """Return one tracked product by Zoho item id or Odoo product.template id.

        Raises :class:`NotFound` when the server does not track it.
        """
        if (zoho_item_id is None) == (odoo_id is None):
            raise InvalidArgument("give exactly one of zoho_item_id and odoo_id")
        if zoho_item_id is not None:
            request = product_pb2.GetProductRequest(zoho_item_id=str(zoho_item_id))
        else:
            request = product_pb2.GetProductRequest(odoo_id=int(odoo_id))  # type: ignore[arg-type]
        return self._call(self._products.GetProduct, request).product

    # -- schedule ---------------------------------------------------------

    def get_schedule(self) -> sync_pb2.Schedule:
        """The scheduler's settings and state (GetSchedule)."""
        return self._call(self._schedule.GetSchedule, schedule_pb2.GetScheduleRequest()).schedule

    def update_schedule(
        self,
        *,
        enabled: Optional[bool] = None,
        sync_interval_hours: Optional[float] = None,
        force_full_sync_days: Optional[int] = None,
        max_consecutive_errors: Optional[int] = None,
    ) -> sync_pb2.Schedule:
        """Change the given schedule settings (the others are kept) and return the result.

        Raises :class:`InvalidArgument` with the server's explanation for a bad
        value (e.g. an interval under 0.25 h), and :class:`FailedPrecondition`
        (NO_SCHEDULER) when the server runs without a scheduler.
        """
        values = {
            "enabled": enabled,
            "sync_interval_hours": sync_interval_hours,
            "force_full_sync_days": force_full_sync_days,
            "max_consecutive_errors": max_consecutive_errors,
        }
        paths = [name for name in _SCHEDULE_FIELDS if values[name] is not None]
        if not paths:
            return self.get_schedule()
        schedule = sync_pb2.Schedule(**{name: values[name] for name in paths})
        request = schedule_pb2.UpdateScheduleRequest(schedule=schedule, update_mask=field_mask_pb2.FieldMask(paths=paths))
        return self._call(self._schedule.UpdateSchedule, request).schedule

    # -- configuration ----------------------------------------------------

    def get_config(self) -> config_pb2.Config:
        """The configuration the server runs with; secrets only as set / not set."""
        return self._call(self._config.GetConfig, config_pb2.GetConfigRequest()).config

    def test_connections(self, *, timeout: float = 60.0) -> config_pb2.TestConnectionsResponse:
        """Check the server's Zoho and Odoo connections; each has ``ok`` and ``error``.

        This call succeeds when the server answers, even if a check fails.
        """
        return self._call(self._config.TestConnections, config_pb2.TestConnectionsRequest(), timeout=timeout)

    def ping(self) -> str:
        """Check that the server answers and accepts the token; return its version."""
        return self.status().server_version


# -- helpers ----------------------------------------------------------------


def to_datetime(ts: Any, *, naive_utc: bool = False) -> Optional[datetime.datetime]:
    """Timestamp message → aware UTC datetime (naive UTC with ``naive_utc``); None when unset."""
    if ts is None or (ts.seconds == 0 and ts.nanos == 0):
        return None
    value = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc) + datetime.timedelta(
        seconds=ts.seconds, microseconds=ts.nanos // 1000
    )
    return value.replace(tzinfo=None) if naive_utc else value


def to_seconds(duration: Any) -> float:
    """Duration message → seconds as a float."""
    if duration is None:
        return 0.0
    return duration.seconds + duration.nanos / 1e9


def run_is_active(run: Any) -> bool:
    """True while the run is in progress."""
    return run.state == sync_pb2.RUN_STATE_RUNNING


def run_percent(run: Any) -> float:
    """How far a run is, 0–100 (100 once it has ended)."""
    if not run_is_active(run) and run.state != sync_pb2.RUN_STATE_UNSPECIFIED:
        return 100.0
    total, done = run.progress.total, run.progress.done
    if total <= 0:
        return 0.0
    return max(0.0, min(100.0, 100.0 * done / total))


def enum_label(enum: Any, value: int) -> str:
    """Short lower-case label of an enum value, e.g. RUN_STATE_PARTIAL → "partial"."""
    try:
        name = enum.Name(value)
    except ValueError:
        return str(value)
    if name.endswith("_UNSPECIFIED"):
        return "unspecified"
    for full in enum.keys():
        if full.endswith("_UNSPECIFIED"):
            stem = full[: -len("UNSPECIFIED")]
            if name.startswith(stem):
                return name[len(stem):].lower()
    return name.lower()
