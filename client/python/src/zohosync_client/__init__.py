"""Python client for the zohosync gRPC server.

    from zohosync_client import Client, AlreadyRunning

    with Client("127.0.0.1:50051", token="...") as zs:
        started = zs.start_sync("smart")          # returns at once
        run = zs.wait_for_run(started.run.id)     # or zs.watch_run(id) for events
        print(run.state, run.progress.counts.created)

The generated messages and enums are importable as ``zohosync.v1.sync_pb2`` etc.
(re-exported here as ``sync_pb2``, ``product_pb2``, ``schedule_pb2``, ``config_pb2``).
"""

from zohosync.v1 import config_pb2, product_pb2, schedule_pb2, sync_pb2

from .client import (
    DEFAULT_ADDRESS,
    Client,
    Started,
    enum_label,
    parse_kind,
    parse_product_filter,
    run_is_active,
    run_percent,
    to_datetime,
    to_seconds,
)
from .errors import (
    REASON_TRAILER,
    AlreadyRunning,
    AuthenticationError,
    FailedPrecondition,
    InvalidArgument,
    NotFound,
    ServerError,
    ServerUnavailable,
    TLSMismatch,
    ZohoSyncError,
)

__version__ = "1.0.0"

__all__ = [
    "Client",
    "Started",
    "DEFAULT_ADDRESS",
    "ZohoSyncError",
    "ServerUnavailable",
    "TLSMismatch",
    "AuthenticationError",
    "InvalidArgument",
    "FailedPrecondition",
    "AlreadyRunning",
    "NotFound",
    "ServerError",
    "REASON_TRAILER",
    "enum_label",
    "parse_kind",
    "parse_product_filter",
    "run_is_active",
    "run_percent",
    "to_datetime",
    "to_seconds",
    "config_pb2",
    "product_pb2",
    "schedule_pb2",
    "sync_pb2",
]
