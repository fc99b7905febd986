from google.protobuf import duration_pb2 as _duration_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from zohosync.v1 import errors_pb2 as _errors_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

ACTION_ARCHIVE: Action
ACTION_CREATE: Action
ACTION_LINK: Action
ACTION_UNCHANGED: Action
ACTION_UNSPECIFIED: Action
ACTION_UPDATE: Action
DESCRIPTOR: _descriptor.FileDescriptor
ITEM_STAGE_IMAGE: ItemStage
ITEM_STAGE_MAP: ItemStage
ITEM_STAGE_UNSPECIFIED: ItemStage
ITEM_STAGE_WRITE: ItemStage
PHASE_ARCHIVING: Phase
PHASE_CONNECTING: Phase
PHASE_DONE: Phase
PHASE_SYNCING: Phase
PHASE_UNSPECIFIED: Phase
RUN_KIND_FULL: RunKind
RUN_KIND_RETRY_FAILED: RunKind
RUN_KIND_SMART: RunKind
RUN_KIND_STOCK: RunKind
RUN_KIND_UNSPECIFIED: RunKind
RUN_KIND_WEBHOOK: RunKind
RUN_STATE_CANCELLED: RunState
RUN_STATE_FAILED: RunState
RUN_STATE_PARTIAL: RunState
RUN_STATE_RUNNING: RunState
RUN_STATE_SUCCEEDED: RunState
RUN_STATE_UNSPECIFIED: RunState
RUN_TRIGGER_MANUAL: RunTrigger
RUN_TRIGGER_SCHEDULE: RunTrigger
RUN_TRIGGER_UNSPECIFIED: RunTrigger
RUN_TRIGGER_WEBHOOK: RunTrigger
WARNING_CODE_CATEGORY_NOT_FOUND: WarningCode
WARNING_CODE_EXTERNAL_IDS_UNREADABLE: WarningCode
WARNING_CODE_EXTERNAL_IDS_UNWRITABLE: WarningCode
WARNING_CODE_IMAGES_KEPT: WarningCode
WARNING_CODE_MATCHED_BY_NAME: WarningCode
WARNING_CODE_MEASURE_UNIT_UNKNOWN: WarningCode
WARNING_CODE_MODEL_FIELD_UNAVAILABLE: WarningCode
WARNING_CODE_STOCK_LOCATION_UNMAPPED: WarningCode
WARNING_CODE_STOCK_SKIPPED: WarningCode
WARNING_CODE_STOCK_UNAVAILABLE: WarningCode
WARNING_CODE_STORABLE_UNAVAILABLE: WarningCode
WARNING_CODE_TAXES_UNAVAILABLE: WarningCode
WARNING_CODE_TAX_UNMATCHED: WarningCode
WARNING_CODE_UNSPECIFIED: WarningCode
WARNING_CODE_UOM_NOT_FOUND: WarningCode

class CancelRunRequest(_message.Message):
    __slots__ = ["run_id"]
    RUN_ID_FIELD_NUMBER: _ClassVar[int]
    run_id: str
    def __init__(self, run_id: _Optional[str] = ...) -> None: ...

class CancelRunResponse(_message.Message):
    __slots__ = ["run"]
    RUN_FIELD_NUMBER: _ClassVar[int]
    run: Run
    def __init__(self, run: _Optional[_Union[Run, _Mapping]] = ...) -> None: ...

class Counts(_message.Message):
    __slots__ = ["archived", "created", "failed", "fields_written", "image_bytes_downloaded", "image_bytes_sent", "images_cleared", "images_downloaded", "images_failed", "images_unchanged", "repeated_failures", "seen", "stock_adjusted", "stock_skipped", "stock_unchanged", "taxes_matched", "taxes_unmatched", "unchanged", "updated"]
    class FieldsWrittenEntry(_message.Message):
        __slots__ = ["key", "value"]
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: int
        def __init__(self, key: _Optional[str] = ..., value: _Optional[int] = ...) -> None: ...
    ARCHIVED_FIELD_NUMBER: _ClassVar[int]
    CREATED_FIELD_NUMBER: _ClassVar[int]
    FAILED_FIELD_NUMBER: _ClassVar[int]
    FIELDS_WRITTEN_FIELD_NUMBER: _ClassVar[int]
    IMAGES_CLEARED_FIELD_NUMBER: _ClassVar[int]
    IMAGES_DOWNLOADED_FIELD_NUMBER: _ClassVar[int]
    IMAGES_FAILED_FIELD_NUMBER: _ClassVar[int]
    IMAGES_UNCHANGED_FIELD_NUMBER: _ClassVar[int]
    IMAGE_BYTES_DOWNLOADED_FIELD_NUMBER: _ClassVar[int]
    IMAGE_BYTES_SENT_FIELD_NUMBER: _ClassVar[int]
    REPEATED_FAILURES_FIELD_NUMBER: _ClassVar[int]
    SEEN_FIELD_NUMBER: _ClassVar[int]
    STOCK_ADJUSTED_FIELD_NUMBER: _ClassVar[int]
    STOCK_SKIPPED_FIELD_NUMBER: _ClassVar[int]
    STOCK_UNCHANGED_FIELD_NUMBER: _ClassVar[int]
    TAXES_MATCHED_FIELD_NUMBER: _ClassVar[int]
    TAXES_UNMATCHED_FIELD_NUMBER: _ClassVar[int]
    UNCHANGED_FIELD_NUMBER: _ClassVar[int]
    UPDATED_FIELD_NUMBER: _ClassVar[int]
    archived: int
    created: int
    failed: int
    fields_written: _containers.ScalarMap[str, int]
    image_bytes_downloaded: int
    image_bytes_sent: int
    images_cleared: int
    images_downloaded: int
    images_failed: int
    images_unchanged: int
    repeated_failures: int
    seen: int
    stock_adjusted: int
    stock_skipped: int
    stock_unchanged: int
    taxes_matched: int
    taxes_unmatched: int
    unchanged: int
    updated: int
    def __init__(self, seen: _Optional[int] = ..., created: _Optional[int] = ..., updated: _Optional[int] = ..., unchanged: _Optional[int] = ..., archived: _Optional[int] = ..., failed: _Optional[int] = ..., images_downloaded: _Optional[int] = ..., images_unchanged: _Optional[int] = ..., images_failed: _Optional[int] = ..., image_bytes_downloaded: _Optional[int] = ..., images_cleared: _Optional[int] = ..., image_bytes_sent: _Optional[int] = ..., fields_written: _Optional[_Mapping[str, int]] = ..., stock_adjusted: _Optional[int] = ..., stock_unchanged: _Optional[int] = ..., stock_skipped: _Optional[int] = ..., repeated_failures: _Optional[int] = ..., taxes_matched: _Optional[int] = ..., taxes_unmatched: _Optional[int] = ...) -> None: ...

class FieldChange(_message.Message):
    __slots__ = ["field", "new_value", "old_value"]
    FIELD_FIELD_NUMBER: _ClassVar[int]
    NEW_VALUE_FIELD_NUMBER: _ClassVar[int]
    OLD_VALUE_FIELD_NUMBER: _ClassVar[int]
    field: str
    new_value: str
    old_value: str
    def __init__(self, field: _Optional[str] = ..., old_value: _Optional[str] = ..., new_value: _Optional[str] = ...) -> None: ...

class GetRunRequest(_message.Message):
    __slots__ = ["run_id"]
    RUN_ID_FIELD_NUMBER: _ClassVar[int]
    run_id: str
    def __init__(self, run_id: _Optional[str] = ...) -> None: ...

class GetRunResponse(_message.Message):
    __slots__ = ["run"]
    RUN_FIELD_NUMBER: _ClassVar[int]
    run: Run
    def __init__(self, run: _Optional[_Union[Run, _Mapping]] = ...) -> None: ...

class GetStatusRequest(_message.Message):
    __slots__ = []
    def __init__(self) -> None: ...

class GetStatusResponse(_message.Message):
    __slots__ = ["current_run", "last_run", "last_successful_run", "products_failed", "products_tracked", "quota", "read_mode", "recent_errors", "schedule", "server_version"]
    CURRENT_RUN_FIELD_NUMBER: _ClassVar[int]
    LAST_RUN_FIELD_NUMBER: _ClassVar[int]
    LAST_SUCCESSFUL_RUN_FIELD_NUMBER: _ClassVar[int]
    PRODUCTS_FAILED_FIELD_NUMBER: _ClassVar[int]
    PRODUCTS_TRACKED_FIELD_NUMBER: _ClassVar[int]
    QUOTA_FIELD_NUMBER: _ClassVar[int]
    READ_MODE_FIELD_NUMBER: _ClassVar[int]
    RECENT_ERRORS_FIELD_NUMBER: _ClassVar[int]
    SCHEDULE_FIELD_NUMBER: _ClassVar[int]
    SERVER_VERSION_FIELD_NUMBER: _ClassVar[int]
    current_run: Run
    last_run: Run
    last_successful_run: Run
    products_failed: int
    products_tracked: int
    quota: Quota
    read_mode: ReadMode
    recent_errors: _containers.RepeatedCompositeFieldContainer[ItemError]
    schedule: Schedule
    server_version: str
    def __init__(self, current_run: _Optional[_Union[Run, _Mapping]] = ..., last_run: _Optional[_Union[Run, _Mapping]] = ..., last_successful_run: _Optional[_Union[Run, _Mapping]] = ..., products_tracked: _Optional[int] = ..., products_failed: _Optional[int] = ..., schedule: _Optional[_Union[Schedule, _Mapping]] = ..., recent_errors: _Optional[_Iterable[_Union[ItemError, _Mapping]]] = ..., server_version: _Optional[str] = ..., read_mode: _Optional[_Union[ReadMode, _Mapping]] = ..., quota: _Optional[_Union[Quota, _Mapping]] = ...) -> None: ...

class ItemError(_message.Message):
    __slots__ = ["name", "odoo_id", "reason", "repeated", "stage", "zoho_item_id"]
    NAME_FIELD_NUMBER: _ClassVar[int]
    ODOO_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    REPEATED_FIELD_NUMBER: _ClassVar[int]
    STAGE_FIELD_NUMBER: _ClassVar[int]
    ZOHO_ITEM_ID_FIELD_NUMBER: _ClassVar[int]
    name: str
    odoo_id: int
    reason: str
    repeated: bool
    stage: ItemStage
    zoho_item_id: str
    def __init__(self, zoho_item_id: _Optional[str] = ..., name: _Optional[str] = ..., reason: _Optional[str] = ..., stage: _Optional[_Union[ItemStage, str]] = ..., odoo_id: _Optional[int] = ..., repeated: bool = ...) -> None: ...

class ListRunsRequest(_message.Message):
    __slots__ = ["page_size", "page_token"]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListRunsResponse(_message.Message):
    __slots__ = ["next_page_token", "runs", "total_size"]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    RUNS_FIELD_NUMBER: _ClassVar[int]
    TOTAL_SIZE_FIELD_NUMBER: _ClassVar[int]
    next_page_token: str
    runs: _containers.RepeatedCompositeFieldContainer[Run]
    total_size: int
    def __init__(self, runs: _Optional[_Iterable[_Union[Run, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., total_size: _Optional[int] = ...) -> None: ...

class PlannedChange(_message.Message):
    __slots__ = ["action", "fields", "name", "note", "odoo_id", "zoho_item_id"]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    FIELDS_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    ODOO_ID_FIELD_NUMBER: _ClassVar[int]
    ZOHO_ITEM_ID_FIELD_NUMBER: _ClassVar[int]
    action: Action
    fields: _containers.RepeatedCompositeFieldContainer[FieldChange]
    name: str
    note: str
    odoo_id: int
    zoho_item_id: str
    def __init__(self, zoho_item_id: _Optional[str] = ..., name: _Optional[str] = ..., action: _Optional[_Union[Action, str]] = ..., odoo_id: _Optional[int] = ..., fields: _Optional[_Iterable[_Union[FieldChange, _Mapping]]] = ..., note: _Optional[str] = ...) -> None: ...

class Progress(_message.Message):
    __slots__ = ["counts", "done", "items_per_second", "odoo_calls", "phase", "total", "zoho_calls"]
    COUNTS_FIELD_NUMBER: _ClassVar[int]
    DONE_FIELD_NUMBER: _ClassVar[int]
    ITEMS_PER_SECOND_FIELD_NUMBER: _ClassVar[int]
    ODOO_CALLS_FIELD_NUMBER: _ClassVar[int]
    PHASE_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    ZOHO_CALLS_FIELD_NUMBER: _ClassVar[int]
    counts: Counts
    done: int
    items_per_second: float
    odoo_calls: int
    phase: Phase
    total: int
    zoho_calls: int
    def __init__(self, phase: _Optional[_Union[Phase, str]] = ..., total: _Optional[int] = ..., done: _Optional[int] = ..., counts: _Optional[_Union[Counts, _Mapping]] = ..., items_per_second: _Optional[float] = ..., zoho_calls: _Optional[int] = ..., odoo_calls: _Optional[int] = ...) -> None: ...

class Quota(_message.Message):
    __slots__ = ["allowance", "calls_used_today", "observed_at", "remaining", "reserve", "resets_at", "source"]
    ALLOWANCE_FIELD_NUMBER: _ClassVar[int]
    CALLS_USED_TODAY_FIELD_NUMBER: _ClassVar[int]
    OBSERVED_AT_FIELD_NUMBER: _ClassVar[int]
    REMAINING_FIELD_NUMBER: _ClassVar[int]
    RESERVE_FIELD_NUMBER: _ClassVar[int]
    RESETS_AT_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    allowance: int
    calls_used_today: int
    observed_at: _timestamp_pb2.Timestamp
    remaining: int
    reserve: int
    resets_at: _timestamp_pb2.Timestamp
    source: str
    def __init__(self, calls_used_today: _Optional[int] = ..., allowance: _Optional[int] = ..., remaining: _Optional[int] = ..., reserve: _Optional[int] = ..., resets_at: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., observed_at: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., source: _Optional[str] = ...) -> None: ...

class ReadMode(_message.Message):
    __slots__ = ["cursor", "last_full_listing", "mode", "reason"]
    class Mode(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = []
    CURSOR_FIELD_NUMBER: _ClassVar[int]
    LAST_FULL_LISTING_FIELD_NUMBER: _ClassVar[int]
    MODE_FIELD_NUMBER: _ClassVar[int]
    MODE_FULL_LISTING: ReadMode.Mode
    MODE_INCREMENTAL: ReadMode.Mode
    MODE_UNSPECIFIED: ReadMode.Mode
    REASON_FIELD_NUMBER: _ClassVar[int]
    cursor: _timestamp_pb2.Timestamp
    last_full_listing: _timestamp_pb2.Timestamp
    mode: ReadMode.Mode
    reason: str
    def __init__(self, mode: _Optional[_Union[ReadMode.Mode, str]] = ..., reason: _Optional[str] = ..., cursor: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., last_full_listing: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class Run(_message.Message):
    __slots__ = ["dry_run", "duration", "error", "error_reason", "finished_at", "id", "images_deferred", "item_errors", "kind", "odoo_calls", "progress", "resumes_at", "started_at", "state", "trigger", "warnings", "zoho_calls"]
    DRY_RUN_FIELD_NUMBER: _ClassVar[int]
    DURATION_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    ERROR_REASON_FIELD_NUMBER: _ClassVar[int]
    FINISHED_AT_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    IMAGES_DEFERRED_FIELD_NUMBER: _ClassVar[int]
    ITEM_ERRORS_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    ODOO_CALLS_FIELD_NUMBER: _ClassVar[int]
    PROGRESS_FIELD_NUMBER: _ClassVar[int]
    RESUMES_AT_FIELD_NUMBER: _ClassVar[int]
    STARTED_AT_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    TRIGGER_FIELD_NUMBER: _ClassVar[int]
    WARNINGS_FIELD_NUMBER: _ClassVar[int]
    ZOHO_CALLS_FIELD_NUMBER: _ClassVar[int]
    dry_run: bool
    duration: _duration_pb2.Duration
    error: str
    error_reason: _errors_pb2.ErrorReason
    finished_at: _timestamp_pb2.Timestamp
    id: str
    images_deferred: int
    item_errors: _containers.RepeatedCompositeFieldContainer[ItemError]
    kind: RunKind
    odoo_calls: int
    progress: Progress
    resumes_at: _timestamp_pb2.Timestamp
    started_at: _timestamp_pb2.Timestamp
    state: RunState
    trigger: RunTrigger
    warnings: _containers.RepeatedCompositeFieldContainer[Warning]
    zoho_calls: int
    def __init__(self, id: _Optional[str] = ..., kind: _Optional[_Union[RunKind, str]] = ..., trigger: _Optional[_Union[RunTrigger, str]] = ..., dry_run: bool = ..., state: _Optional[_Union[RunState, str]] = ..., started_at: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., finished_at: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., duration: _Optional[_Union[_duration_pb2.Duration, _Mapping]] = ..., progress: _Optional[_Union[Progress, _Mapping]] = ..., error: _Optional[str] = ..., error_reason: _Optional[_Union[_errors_pb2.ErrorReason, str]] = ..., item_errors: _Optional[_Iterable[_Union[ItemError, _Mapping]]] = ..., warnings: _Optional[_Iterable[_Union[Warning, _Mapping]]] = ..., zoho_calls: _Optional[int] = ..., odoo_calls: _Optional[int] = ..., resumes_at: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., images_deferred: _Optional[int] = ...) -> None: ...

class RunEvent(_message.Message):
    __slots__ = ["batch_done", "finished", "item_error", "joined", "phase_changed", "planned_change", "progress", "run_id", "sequence", "time", "warning"]
    BATCH_DONE_FIELD_NUMBER: _ClassVar[int]
    FINISHED_FIELD_NUMBER: _ClassVar[int]
    ITEM_ERROR_FIELD_NUMBER: _ClassVar[int]
    JOINED_FIELD_NUMBER: _ClassVar[int]
    PHASE_CHANGED_FIELD_NUMBER: _ClassVar[int]
    PLANNED_CHANGE_FIELD_NUMBER: _ClassVar[int]
    PROGRESS_FIELD_NUMBER: _ClassVar[int]
    RUN_ID_FIELD_NUMBER: _ClassVar[int]
    SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    TIME_FIELD_NUMBER: _ClassVar[int]
    WARNING_FIELD_NUMBER: _ClassVar[int]
    batch_done: int
    finished: Run
    item_error: ItemError
    joined: Run
    phase_changed: Phase
    planned_change: PlannedChange
    progress: Progress
    run_id: str
    sequence: int
    time: _timestamp_pb2.Timestamp
    warning: Warning
    def __init__(self, run_id: _Optional[str] = ..., sequence: _Optional[int] = ..., time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., progress: _Optional[_Union[Progress, _Mapping]] = ..., joined: _Optional[_Union[Run, _Mapping]] = ..., phase_changed: _Optional[_Union[Phase, str]] = ..., batch_done: _Optional[int] = ..., item_error: _Optional[_Union[ItemError, _Mapping]] = ..., planned_change: _Optional[_Union[PlannedChange, _Mapping]] = ..., warning: _Optional[_Union[Warning, _Mapping]] = ..., finished: _Optional[_Union[Run, _Mapping]] = ...) -> None: ...

class RunSyncRequest(_message.Message):
    __slots__ = ["dry_run", "kind"]
    DRY_RUN_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    dry_run: bool
    kind: RunKind
    def __init__(self, kind: _Optional[_Union[RunKind, str]] = ..., dry_run: bool = ...) -> None: ...

class RunSyncResponse(_message.Message):
    __slots__ = ["event"]
    EVENT_FIELD_NUMBER: _ClassVar[int]
    event: RunEvent
    def __init__(self, event: _Optional[_Union[RunEvent, _Mapping]] = ...) -> None: ...

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
    next_run_kind: RunKind
    notifications_log_file: str
    sync_interval_hours: float
    waiting_for_first_run: bool
    def __init__(self, enabled: bool = ..., sync_interval_hours: _Optional[float] = ..., force_full_sync_days: _Optional[int] = ..., max_consecutive_errors: _Optional[int] = ..., notifications_log_file: _Optional[str] = ..., consecutive_failures: _Optional[int] = ..., disabled_reason: _Optional[str] = ..., next_run_at: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., next_run_kind: _Optional[_Union[RunKind, str]] = ..., last_full_sync_at: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., last_run_at: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., waiting_for_first_run: bool = ...) -> None: ...

class StartSyncRequest(_message.Message):
    __slots__ = ["dry_run", "kind"]
    DRY_RUN_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    dry_run: bool
    kind: RunKind
    def __init__(self, kind: _Optional[_Union[RunKind, str]] = ..., dry_run: bool = ...) -> None: ...

class StartSyncResponse(_message.Message):
    __slots__ = ["already_running", "run"]
    ALREADY_RUNNING_FIELD_NUMBER: _ClassVar[int]
    RUN_FIELD_NUMBER: _ClassVar[int]
    already_running: bool
    run: Run
    def __init__(self, run: _Optional[_Union[Run, _Mapping]] = ..., already_running: bool = ...) -> None: ...

class Warning(_message.Message):
    __slots__ = ["code", "message", "zoho_item_id"]
    CODE_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    ZOHO_ITEM_ID_FIELD_NUMBER: _ClassVar[int]
    code: WarningCode
    message: str
    zoho_item_id: str
    def __init__(self, code: _Optional[_Union[WarningCode, str]] = ..., message: _Optional[str] = ..., zoho_item_id: _Optional[str] = ...) -> None: ...

class WatchRunRequest(_message.Message):
    __slots__ = ["run_id"]
    RUN_ID_FIELD_NUMBER: _ClassVar[int]
    run_id: str
    def __init__(self, run_id: _Optional[str] = ...) -> None: ...

class WatchRunResponse(_message.Message):
    __slots__ = ["event"]
    EVENT_FIELD_NUMBER: _ClassVar[int]
    event: RunEvent
    def __init__(self, event: _Optional[_Union[RunEvent, _Mapping]] = ...) -> None: ...

class RunKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class RunTrigger(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class RunState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class Phase(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class Action(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class ItemStage(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class WarningCode(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []
