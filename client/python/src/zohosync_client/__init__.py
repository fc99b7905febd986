"""Python client for the zohosync gRPC server.

    from zohosync_client import Client, AlreadyRunning

    with Client("127.0.0.1:50051", token="...") as zs:
        started = zs.start_sync("smart")          # returns at once
        run = zs.wait_for_run(started.run.id)     # or zs.watch_run(id) for events
        print(run.state, run.progress.counts.created)

The generated messages and enums are importable as ``zohosync.v1.sync_pb2`` etc.
(re-exported here as ``sync_pb2``, ``product_pb2``, ``schedule_pb2``, ``config_pb2``,
``errors_pb2``). Besides the classes listed in ``errors``, there is one exception
class per ``ErrorReason`` (e.g. ``NoScheduler``, ``RunNotFound``), built from the enum.
"""

from zohosync.v1 import config_pb2, errors_pb2, product_pb2, schedule_pb2, sync_pb2

from . import errors as _errors

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
    REASON_CLASSES,
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
    reason_name,
)

globals().update({name: getattr(_errors, name) for name in _errors.REASON_CLASS_NAMES})

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
    "REASON_CLASSES",
    "reason_name",
    "enum_label",
    "parse_kind",
    "parse_product_filter",
    "run_is_active",
    "run_percent",
    "to_datetime",
    "to_seconds",
    "config_pb2",
    "errors_pb2",
    "product_pb2",
    "schedule_pb2",
    "sync_pb2",
] + list(_errors.REASON_CLASS_NAMES)
