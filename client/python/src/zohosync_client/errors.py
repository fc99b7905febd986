"""Exceptions raised by :class:`zohosync_client.Client`.

Every gRPC failure is turned into one of the classes below, so callers never
have to look at ``grpc.RpcError``::

    ZohoSyncError                 base class; .code, .reason, .error_reason, .details, .address
    ├── ServerUnavailable         cannot reach the server (down, wrong address, timeout), or it
    │   │                         answered that it (or Zoho/Odoo behind it) is unavailable for now
    │   └── TLSMismatch           TLS on one side only, or an untrusted certificate
    ├── AuthenticationError       missing or wrong API token
    ├── InvalidArgument           a value the server refused; the message says what is allowed
    ├── FailedPrecondition        the server's state forbids it (no run in progress, ...)
    │   └── AlreadyRunning        a run is in progress and the caller asked not to join it
    ├── NotFound                  no such run / product
    └── ServerError               anything else the server answered (INTERNAL, ...)

Below these, one class per ``zohosync.v1.ErrorReason`` value, built at import
time from the enum's descriptor (not a hand-kept list): its name is the
reason in CamelCase (``ERROR_REASON_NO_SCHEDULER`` → :class:`NoScheduler`) and
its base is the class of the gRPC code the proto gives the reason (its
``grpc_code`` option), so ``NoScheduler`` is a ``FailedPrecondition`` and
``RunNotFound`` a ``NotFound``. :data:`REASON_CLASSES` maps each reason (the
wire name, e.g. ``"NO_SCHEDULER"``) to its class. Switch on the class or on
``.error_reason`` (an ``errors_pb2.ErrorReason`` value), never on the text.

Messages never contain the API token.
"""

from typing import Any, Dict, Optional, Type

import grpc

from zohosync.v1 import errors_pb2

#: Trailer that carries the server's stable error reason (e.g. RUN_NOT_FOUND).
REASON_TRAILER = "zohosync-error-reason"

#: Prefix of the enum value names, left out of the reason on the wire.
REASON_PREFIX = "ERROR_REASON_"


class ZohoSyncError(Exception):
    """Base class of every error raised by the client.

    Attributes:
        message: human-readable text (also ``str(exc)``).
        code: the gRPC status code, or None when the error did not come from a call.
        reason: the server's stable reason from the ``zohosync-error-reason``
            trailer (e.g. ``"NO_RUN_IN_PROGRESS"``), or ``""``.
        error_reason: the same as an ``errors_pb2.ErrorReason`` value
            (``ERROR_REASON_UNSPECIFIED`` when there is none, or it is unknown).
        details: the server's own message (``RpcError.details()``), or ``""``.
        address: the server address the client used.
    """

    def __init__(
        self,
        message: str,
        *,
        code: Optional[grpc.StatusCode] = None,
        reason: str = "",
        details: str = "",
        address: str = "",
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.reason = reason
        self.details = details
        self.address = address

    @property
    def error_reason(self) -> int:
        """The reason as an ``errors_pb2.ErrorReason`` value."""
        return errors_pb2.ErrorReason.DESCRIPTOR.values_by_name.get(
            REASON_PREFIX + self.reason, errors_pb2.ErrorReason.DESCRIPTOR.values_by_number[0]
        ).number

    def __repr__(self) -> str:
        code = self.code.name if self.code is not None else None
        return "%s(%r, code=%s, reason=%r)" % (type(self).__name__, self.message, code, self.reason)


class ServerUnavailable(ZohoSyncError):
    """The server could not be reached (UNAVAILABLE or DEADLINE_EXCEEDED), or
    it answered UNAVAILABLE with a reason (SHUTTING_DOWN, ODOO_UNREACHABLE, ...):
    retrying later may work.

    The message names the address that was tried.
    """


class TLSMismatch(ServerUnavailable):
    """The TLS handshake failed: TLS is on in the client but not on the
    server (or the other way round), or the server's certificate is not trusted."""


class AuthenticationError(ZohoSyncError):
    """The server refused the API token (UNAUTHENTICATED / PERMISSION_DENIED)."""


class InvalidArgument(ZohoSyncError):
    """The server refused a value (INVALID_ARGUMENT). The message is the
    server's, which says what is allowed."""


class FailedPrecondition(ZohoSyncError):
    """The server's state does not allow the call (FAILED_PRECONDITION), e.g.
    reason NO_RUN_IN_PROGRESS, NO_FAILED_ITEMS or NO_SCHEDULER."""


class AlreadyRunning(FailedPrecondition):
    """A run is already in progress and the caller asked not to join it.

    Raised by the client itself (``join=False``): the server never refuses a
    start because a run is in progress, it returns that run with
    ``already_running`` set, so this error has no server reason.

    Attributes:
        run: the run in progress (a ``zohosync.v1.sync_pb2.Run``), when known.
    """

    def __init__(self, message: str, *, run: Any = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.run = run

    @property
    def run_id(self) -> str:
        """Id of the run in progress, or "" when unknown."""
        return self.run.id if self.run is not None else ""


class NotFound(ZohoSyncError):
    """No run or product with that id (NOT_FOUND)."""


class ServerError(ZohoSyncError):
    """Any other failure the server reported (INTERNAL, UNKNOWN, ...)."""


#: Class of each gRPC code; codes not listed here get ServerError.
_CODE_CLASSES: Dict[str, Type[ZohoSyncError]] = {
    "UNAVAILABLE": ServerUnavailable,
    "DEADLINE_EXCEEDED": ServerUnavailable,
    "UNAUTHENTICATED": AuthenticationError,
    "PERMISSION_DENIED": AuthenticationError,
    "INVALID_ARGUMENT": InvalidArgument,
    "FAILED_PRECONDITION": FailedPrecondition,
    "NOT_FOUND": NotFound,
}


def _grpc_code(value: Any) -> str:
    """The grpc_code option of one ErrorReason value ("" when unset)."""
    return value.GetOptions().Extensions[errors_pb2.grpc_code]


def _reason_classes() -> Dict[str, Type[ZohoSyncError]]:
    """One exception class per ErrorReason value, from the enum's descriptor."""
    out: Dict[str, Type[ZohoSyncError]] = {}
    for value in errors_pb2.ErrorReason.DESCRIPTOR.values:
        if value.number == 0:
            continue
        reason = value.name[len(REASON_PREFIX):]
        code = _grpc_code(value)
        base = _CODE_CLASSES.get(code, ServerError)
        name = "".join(word.capitalize() for word in reason.split("_"))
        if name in globals():  # never shadow a class above (e.g. a reason NOT_FOUND)
            name += "Error"
        doc = "The server answered %s with reason %s (``errors_pb2.%s``)." % (code or "an error", reason, value.name)
        out[reason] = type(name, (base,), {"__doc__": doc, "__module__": __name__, "REASON": reason, "GRPC_CODE": code})
    return out


#: Exception class of each reason, by its wire name (e.g. "RUN_NOT_FOUND" → RunNotFound).
REASON_CLASSES: Dict[str, Type[ZohoSyncError]] = _reason_classes()
globals().update({cls.__name__: cls for cls in REASON_CLASSES.values()})
#: Names of the per-reason classes (also importable from zohosync_client).
REASON_CLASS_NAMES = sorted(cls.__name__ for cls in REASON_CLASSES.values())


def reason_name(value: int) -> str:
    """The wire name of an ``errors_pb2.ErrorReason`` value (e.g. a Run's
    ``error_reason``): ``"ZOHO_QUOTA_EXHAUSTED"``; ``""`` for UNSPECIFIED or unknown."""
    found = errors_pb2.ErrorReason.DESCRIPTOR.values_by_number.get(value)
    if found is None or found.number == 0:
        return ""
    return found.name[len(REASON_PREFIX):]


def _reason(err: grpc.RpcError) -> str:
    try:
        trailers = err.trailing_metadata() or ()
    except Exception:  # pragma: no cover - not a grpc.Call
        return ""
    for item in trailers:
        key, value = item[0], item[1]
        if key == REASON_TRAILER:
            return value.decode() if isinstance(value, bytes) else str(value)
    return ""


def _looks_like_tls_failure(details: str, tls: bool) -> Optional[str]:
    """Return an explanation when the UNAVAILABLE details point at TLS."""
    low = details.lower()
    if "wrong version number" in low or ("handshake" in low and "http" in low and tls):
        return "TLS is on in the client but the server does not speak TLS; turn TLS off or enable it on the server"
    if "certificate verify failed" in low or "certificate_verify_failed" in low:
        return "the server's TLS certificate is not trusted (give the CA certificate, or check the host name)"
    if "handshake" in low or "ssl" in low or "tls" in low:
        if tls:
            return "the TLS handshake failed; is TLS enabled on the server?"
        return "the TLS handshake failed"
    if not tls and ("socket closed" in low or "connection reset" in low or "end of tcp stream" in low):
        return "the server closed the connection: it probably requires TLS, which is off in the client"
    return None


def from_rpc_error(err: grpc.RpcError, *, address: str, tls: bool, timeout: Optional[float]) -> ZohoSyncError:
    """Translate a ``grpc.RpcError`` into a :class:`ZohoSyncError` subclass."""
    try:
        code = err.code()
        details = err.details() or ""
    except Exception:  # pragma: no cover - not a grpc.Call
        code, details = grpc.StatusCode.UNKNOWN, str(err)
    reason = _reason(err)
    kw = {"code": code, "reason": reason, "details": details, "address": address}

    cls = REASON_CLASSES.get(reason)
    if cls is not None:
        if issubclass(cls, AuthenticationError):
            text = "the zohosync server at %s refused the API token: %s" % (address, details)
        elif issubclass(cls, ServerError):
            text = "the zohosync server at %s answered %s: %s" % (address, reason, details)
        else:
            text = details or reason
        return cls(text, **kw)

    if code == grpc.StatusCode.UNAVAILABLE:
        tls_problem = _looks_like_tls_failure(details, tls)
        if tls_problem:
            return TLSMismatch("TLS mismatch with the zohosync server at %s: %s" % (address, tls_problem), **kw)
        if "connection refused" in details.lower():
            text = "cannot reach the zohosync server at %s: connection refused (is it running, and on that port?)"
            return ServerUnavailable(text % address, **kw)
        return ServerUnavailable("cannot reach the zohosync server at %s: %s" % (address, details or "unavailable"), **kw)
    if code == grpc.StatusCode.DEADLINE_EXCEEDED:
        limit = " within %gs" % timeout if timeout else ""
        return ServerUnavailable("the zohosync server at %s did not answer%s" % (address, limit), **kw)
    if code in (grpc.StatusCode.UNAUTHENTICATED, grpc.StatusCode.PERMISSION_DENIED):
        return AuthenticationError("the zohosync server at %s refused the API token: %s" % (address, details), **kw)
    if code == grpc.StatusCode.INVALID_ARGUMENT:
        return InvalidArgument(details or "invalid argument", **kw)
    if code == grpc.StatusCode.FAILED_PRECONDITION:
        return FailedPrecondition(details or "failed precondition", **kw)
    if code == grpc.StatusCode.NOT_FOUND:
        return NotFound(details or "not found", **kw)
    name = code.name if code is not None else "UNKNOWN"
    return ServerError("the zohosync server at %s answered %s: %s" % (address, name, details), **kw)
