"""The exception classes follow zohosync.v1.ErrorReason (no server needed)."""

import grpc
import pytest

import zohosync_client as zs
from zohosync_client import errors
from zohosync_client.errors import REASON_CLASSES, REASON_PREFIX, from_rpc_error
from zohosync.v1 import errors_pb2

ALL_REASONS = [v for v in errors_pb2.ErrorReason.DESCRIPTOR.values if v.number != 0]

# The base class each gRPC code must give; a code missing here fails the test.
CODE_BASES = {
    "INVALID_ARGUMENT": zs.InvalidArgument,
    "FAILED_PRECONDITION": zs.FailedPrecondition,
    "NOT_FOUND": zs.NotFound,
    "UNAUTHENTICATED": zs.AuthenticationError,
    "UNAVAILABLE": zs.ServerUnavailable,
    "DEADLINE_EXCEEDED": zs.ServerUnavailable,
    "INTERNAL": zs.ServerError,
    "CANCELLED": zs.ServerError,
    "ABORTED": zs.ServerError,
    "RESOURCE_EXHAUSTED": zs.ServerError,
}


class FakeRpcError(grpc.RpcError):
    """What a failed call raises: code, details and trailing metadata."""

    def __init__(self, code, details, reason):
        self._code, self._details, self._reason = code, details, reason

    def code(self):
        return self._code

    def details(self):
        return self._details

    def trailing_metadata(self):
        return ((errors.REASON_TRAILER, self._reason),) if self._reason else ()


def test_every_reason_has_a_class():
    assert ALL_REASONS, "the enum descriptor lists no reason"
    assert len(REASON_CLASSES) == len(ALL_REASONS)
    for value in ALL_REASONS:
        reason = value.name[len(REASON_PREFIX):]
        cls = REASON_CLASSES[reason]
        assert cls.REASON == reason
        assert issubclass(cls, zs.ZohoSyncError)
        # Importable by name from the package, e.g. zohosync_client.NoScheduler.
        assert getattr(zs, cls.__name__) is cls
        assert cls.__name__ in zs.__all__


@pytest.mark.parametrize("value", ALL_REASONS, ids=lambda v: v.name)
def test_reason_class_follows_the_grpc_code(value):
    code = value.GetOptions().Extensions[errors_pb2.grpc_code]
    assert code in CODE_BASES, "%s has grpc_code %r" % (value.name, code)
    reason = value.name[len(REASON_PREFIX):]
    cls = REASON_CLASSES[reason]
    assert issubclass(cls, CODE_BASES[code])
    err = from_rpc_error(FakeRpcError(grpc.StatusCode[code], "the server's words", reason), address="h:1", tls=False, timeout=None)
    assert type(err) is cls
    assert err.reason == reason
    assert err.error_reason == value.number
    assert "the server's words" in str(err)


def test_known_names_and_old_classes_still_work():
    assert issubclass(zs.NoScheduler, zs.FailedPrecondition)
    assert issubclass(zs.RunNotFound, zs.NotFound)
    assert issubclass(zs.InvalidSchedule, zs.InvalidArgument)
    assert issubclass(zs.ApiTokenWrong, zs.AuthenticationError)
    assert issubclass(zs.AlreadyRunning, zs.FailedPrecondition)
    assert zs.AlreadyRunning("x").reason == ""  # raised by the client, not by the server


def test_without_a_reason_the_code_decides():
    err = from_rpc_error(FakeRpcError(grpc.StatusCode.NOT_FOUND, "gone", ""), address="h:1", tls=False, timeout=None)
    assert type(err) is zs.NotFound and err.error_reason == errors_pb2.ERROR_REASON_UNSPECIFIED
    err = from_rpc_error(FakeRpcError(grpc.StatusCode.UNAVAILABLE, "connection refused", ""), address="h:1", tls=False, timeout=None)
    assert type(err) is zs.ServerUnavailable and "h:1" in str(err)
    # A reason this client does not know yet (newer server): the code decides.
    err = from_rpc_error(FakeRpcError(grpc.StatusCode.FAILED_PRECONDITION, "later", "SOMETHING_NEW"), address="h:1", tls=False, timeout=None)
    assert type(err) is zs.FailedPrecondition and err.reason == "SOMETHING_NEW"
