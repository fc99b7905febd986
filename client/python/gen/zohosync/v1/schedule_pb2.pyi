from google.protobuf import field_mask_pb2 as _field_mask_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from zohosync.v1 import sync_pb2 as _sync_pb2
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class GetScheduleRequest(_message.Message):
    __slots__ = []
    def __init__(self) -> None: ...

class GetScheduleResponse(_message.Message):
    __slots__ = ["schedule"]
    SCHEDULE_FIELD_NUMBER: _ClassVar[int]
    schedule: Schedule
    def __init__(self, schedule: _Optional[_Union[Schedule, _Mapping]] = ...) -> None: ...

class Schedule(_message.Message):
    __slots__ = ["consecutive_failures", "disabled_reason", "enabled", "force_full_sync_days", "last_full_sync_at", "last_run_at", "max_consecutive_errors", "next_run_at", "next_run_kind", "notifications_log_file", "sync_interval_hours", "waiting_for_first_run"]
    CONSECUTIVE_FAILURES_FIELD_NUMBER: _ClassVar[int]
    DISABLED_REASON_FIELD_NUMBER: _ClassVar[int]
    ENABLED_FIELD_NUMBER: _ClassVar[int]
    FORCE_FULL_SYNC_DAYS_FIELD_NUMBER: _ClassVar[int]
    LAST_FULL_SYNC_AT_FIELD_NUMBER: _ClassVar[int]
    LAST_RUN_AT_FIELD_NUMBER: _ClassVar[int]
    MAX_CONSECUTIVE_ERRORS_FIELD_NUMBER: _ClassVar[int]
    NEXT_RUN_AT_FIELD_NUMBER: _ClassVar[int]
    NEXT_RUN_KIND_FIELD_NUMBER: _ClassVar[int]
    NOTIFICATIONS_LOG_FILE_FIELD_NUMBER: _ClassVar[int]
    SYNC_INTERVAL_HOURS_FIELD_NUMBER: _ClassVar[int]
    WAITING_FOR_FIRST_RUN_FIELD_NUMBER: _ClassVar[int]
    consecutive_failures: int
    disabled_reason: str
    enabled: bool
    force_full_sync_days: int
    last_full_sync_at: _timestamp_pb2.Timestamp
    last_run_at: _timestamp_pb2.Timestamp
    max_consecutive_errors: int
    next_run_at: _timestamp_pb2.Timestamp
    next_run_kind: _sync_pb2.RunKind
    notifications_log_file: str
    sync_interval_hours: float
    waiting_for_first_run: bool
    def __init__(self, enabled: bool = ..., sync_interval_hours: _Optional[float] = ..., force_full_sync_days: _Optional[int] = ..., max_consecutive_errors: _Optional[int] = ..., notifications_log_file: _Optional[str] = ..., consecutive_failures: _Optional[int] = ..., disabled_reason: _Optional[str] = ..., next_run_at: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., next_run_kind: _Optional[_Union[_sync_pb2.RunKind, str]] = ..., last_full_sync_at: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., last_run_at: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., waiting_for_first_run: bool = ...) -> None: ...

class UpdateScheduleRequest(_message.Message):
    __slots__ = ["schedule", "update_mask"]
    SCHEDULE_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    schedule: Schedule
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, schedule: _Optional[_Union[Schedule, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class UpdateScheduleResponse(_message.Message):
    __slots__ = ["schedule"]
    SCHEDULE_FIELD_NUMBER: _ClassVar[int]
    schedule: Schedule
    def __init__(self, schedule: _Optional[_Union[Schedule, _Mapping]] = ...) -> None: ...
