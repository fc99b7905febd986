from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

CONNECTION_CHECK_ODOO: ConnectionCheck
CONNECTION_CHECK_UNSPECIFIED: ConnectionCheck
CONNECTION_CHECK_ZOHO: ConnectionCheck
DESCRIPTOR: _descriptor.FileDescriptor
ZOHO_PRODUCT_BOOKS: ZohoProduct
ZOHO_PRODUCT_INVENTORY: ZohoProduct
ZOHO_PRODUCT_UNSPECIFIED: ZohoProduct

class Config(_message.Message):
    __slots__ = ["api_token_required", "config_dir", "data_dir", "default_values", "listen_address", "mapping", "odoo", "options", "tls", "zoho"]
    class DefaultValuesEntry(_message.Message):
        __slots__ = ["key", "value"]
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    API_TOKEN_REQUIRED_FIELD_NUMBER: _ClassVar[int]
    CONFIG_DIR_FIELD_NUMBER: _ClassVar[int]
    DATA_DIR_FIELD_NUMBER: _ClassVar[int]
    DEFAULT_VALUES_FIELD_NUMBER: _ClassVar[int]
    LISTEN_ADDRESS_FIELD_NUMBER: _ClassVar[int]
    MAPPING_FIELD_NUMBER: _ClassVar[int]
    ODOO_FIELD_NUMBER: _ClassVar[int]
    OPTIONS_FIELD_NUMBER: _ClassVar[int]
    TLS_FIELD_NUMBER: _ClassVar[int]
    ZOHO_FIELD_NUMBER: _ClassVar[int]
    api_token_required: bool
    config_dir: str
    data_dir: str
    default_values: _containers.ScalarMap[str, str]
    listen_address: str
    mapping: _containers.RepeatedCompositeFieldContainer[MappingEntry]
    odoo: OdooConfig
    options: SyncOptions
    tls: bool
    zoho: ZohoConfig
    def __init__(self, zoho: _Optional[_Union[ZohoConfig, _Mapping]] = ..., odoo: _Optional[_Union[OdooConfig, _Mapping]] = ..., mapping: _Optional[_Iterable[_Union[MappingEntry, _Mapping]]] = ..., default_values: _Optional[_Mapping[str, str]] = ..., options: _Optional[_Union[SyncOptions, _Mapping]] = ..., config_dir: _Optional[str] = ..., data_dir: _Optional[str] = ..., listen_address: _Optional[str] = ..., api_token_required: bool = ..., tls: bool = ...) -> None: ...

class GetConfigRequest(_message.Message):
    __slots__ = []
    def __init__(self) -> None: ...

class GetConfigResponse(_message.Message):
    __slots__ = ["config"]
    CONFIG_FIELD_NUMBER: _ClassVar[int]
    config: Config
    def __init__(self, config: _Optional[_Union[Config, _Mapping]] = ...) -> None: ...

class MappingEntry(_message.Message):
    __slots__ = ["odoo_field", "zoho_field"]
    ODOO_FIELD_FIELD_NUMBER: _ClassVar[int]
    ZOHO_FIELD_FIELD_NUMBER: _ClassVar[int]
    odoo_field: str
    zoho_field: str
    def __init__(self, zoho_field: _Optional[str] = ..., odoo_field: _Optional[str] = ...) -> None: ...

class OdooCheck(_message.Message):
    __slots__ = ["error", "fields", "ok", "server_version", "stock_installed", "uid", "warnings"]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    FIELDS_FIELD_NUMBER: _ClassVar[int]
    OK_FIELD_NUMBER: _ClassVar[int]
    SERVER_VERSION_FIELD_NUMBER: _ClassVar[int]
    STOCK_INSTALLED_FIELD_NUMBER: _ClassVar[int]
    UID_FIELD_NUMBER: _ClassVar[int]
    WARNINGS_FIELD_NUMBER: _ClassVar[int]
    error: str
    fields: _containers.RepeatedScalarFieldContainer[str]
    ok: bool
    server_version: str
    stock_installed: bool
    uid: int
    warnings: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, ok: bool = ..., error: _Optional[str] = ..., server_version: _Optional[str] = ..., uid: _Optional[int] = ..., fields: _Optional[_Iterable[str]] = ..., stock_installed: bool = ..., warnings: _Optional[_Iterable[str]] = ...) -> None: ...

class OdooConfig(_message.Message):
    __slots__ = ["db", "password", "url", "username"]
    DB_FIELD_NUMBER: _ClassVar[int]
    PASSWORD_FIELD_NUMBER: _ClassVar[int]
    URL_FIELD_NUMBER: _ClassVar[int]
    USERNAME_FIELD_NUMBER: _ClassVar[int]
    db: str
    password: SecretState
    url: str
    username: str
    def __init__(self, url: _Optional[str] = ..., db: _Optional[str] = ..., username: _Optional[str] = ..., password: _Optional[_Union[SecretState, _Mapping]] = ...) -> None: ...

class SecretState(_message.Message):
    __slots__ = ["set", "source"]
    SET_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    set: bool
    source: str
    def __init__(self, set: bool = ..., source: _Optional[str] = ...) -> None: ...

class SyncOptions(_message.Message):
    __slots__ = ["archive_inactive", "archive_missing", "batch_size", "clear_removed_images", "images_enabled", "stock_default_warehouse", "stock_enabled", "stock_warehouses"]
    class StockWarehousesEntry(_message.Message):
        __slots__ = ["key", "value"]
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    ARCHIVE_INACTIVE_FIELD_NUMBER: _ClassVar[int]
    ARCHIVE_MISSING_FIELD_NUMBER: _ClassVar[int]
    BATCH_SIZE_FIELD_NUMBER: _ClassVar[int]
    CLEAR_REMOVED_IMAGES_FIELD_NUMBER: _ClassVar[int]
    IMAGES_ENABLED_FIELD_NUMBER: _ClassVar[int]
    STOCK_DEFAULT_WAREHOUSE_FIELD_NUMBER: _ClassVar[int]
    STOCK_ENABLED_FIELD_NUMBER: _ClassVar[int]
    STOCK_WAREHOUSES_FIELD_NUMBER: _ClassVar[int]
    archive_inactive: bool
    archive_missing: bool
    batch_size: int
    clear_removed_images: bool
    images_enabled: bool
    stock_default_warehouse: str
    stock_enabled: bool
    stock_warehouses: _containers.ScalarMap[str, str]
    def __init__(self, archive_inactive: bool = ..., archive_missing: bool = ..., batch_size: _Optional[int] = ..., clear_removed_images: bool = ..., images_enabled: bool = ..., stock_enabled: bool = ..., stock_default_warehouse: _Optional[str] = ..., stock_warehouses: _Optional[_Mapping[str, str]] = ...) -> None: ...

class TestConnectionsRequest(_message.Message):
    __slots__ = ["checks"]
    CHECKS_FIELD_NUMBER: _ClassVar[int]
    checks: _containers.RepeatedScalarFieldContainer[ConnectionCheck]
    def __init__(self, checks: _Optional[_Iterable[_Union[ConnectionCheck, str]]] = ...) -> None: ...

class TestConnectionsResponse(_message.Message):
    __slots__ = ["odoo", "zoho"]
    ODOO_FIELD_NUMBER: _ClassVar[int]
    ZOHO_FIELD_NUMBER: _ClassVar[int]
    odoo: OdooCheck
    zoho: ZohoCheck
    def __init__(self, zoho: _Optional[_Union[ZohoCheck, _Mapping]] = ..., odoo: _Optional[_Union[OdooCheck, _Mapping]] = ...) -> None: ...

class ZohoCheck(_message.Message):
    __slots__ = ["calls_remaining_today", "error", "ok", "organization_name", "plan"]
    CALLS_REMAINING_TODAY_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    OK_FIELD_NUMBER: _ClassVar[int]
    ORGANIZATION_NAME_FIELD_NUMBER: _ClassVar[int]
    PLAN_FIELD_NUMBER: _ClassVar[int]
    calls_remaining_today: int
    error: str
    ok: bool
    organization_name: str
    plan: str
    def __init__(self, ok: bool = ..., error: _Optional[str] = ..., organization_name: _Optional[str] = ..., plan: _Optional[str] = ..., calls_remaining_today: _Optional[int] = ...) -> None: ...

class ZohoConfig(_message.Message):
    __slots__ = ["accounts_url", "base_url", "client_id", "client_secret", "data_center", "image_sources", "inventory_base_url", "item_source", "organization_id", "refresh_token"]
    ACCOUNTS_URL_FIELD_NUMBER: _ClassVar[int]
    BASE_URL_FIELD_NUMBER: _ClassVar[int]
    CLIENT_ID_FIELD_NUMBER: _ClassVar[int]
    CLIENT_SECRET_FIELD_NUMBER: _ClassVar[int]
    DATA_CENTER_FIELD_NUMBER: _ClassVar[int]
    IMAGE_SOURCES_FIELD_NUMBER: _ClassVar[int]
    INVENTORY_BASE_URL_FIELD_NUMBER: _ClassVar[int]
    ITEM_SOURCE_FIELD_NUMBER: _ClassVar[int]
    ORGANIZATION_ID_FIELD_NUMBER: _ClassVar[int]
    REFRESH_TOKEN_FIELD_NUMBER: _ClassVar[int]
    accounts_url: str
    base_url: str
    client_id: str
    client_secret: SecretState
    data_center: str
    image_sources: _containers.RepeatedScalarFieldContainer[ZohoProduct]
    inventory_base_url: str
    item_source: ZohoProduct
    organization_id: str
    refresh_token: SecretState
    def __init__(self, base_url: _Optional[str] = ..., inventory_base_url: _Optional[str] = ..., accounts_url: _Optional[str] = ..., data_center: _Optional[str] = ..., client_id: _Optional[str] = ..., client_secret: _Optional[_Union[SecretState, _Mapping]] = ..., refresh_token: _Optional[_Union[SecretState, _Mapping]] = ..., organization_id: _Optional[str] = ..., item_source: _Optional[_Union[ZohoProduct, str]] = ..., image_sources: _Optional[_Iterable[_Union[ZohoProduct, str]]] = ...) -> None: ...

class ZohoProduct(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class ConnectionCheck(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []
