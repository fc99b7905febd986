from google.protobuf import timestamp_pb2 as _timestamp_pb2
from zohosync.v1 import sync_pb2 as _sync_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor
LINKED_BY_CREATED: LinkedBy
LINKED_BY_EXTERNAL_ID: LinkedBy
LINKED_BY_IMPORTED: LinkedBy
LINKED_BY_NAME: LinkedBy
LINKED_BY_SKU: LinkedBy
LINKED_BY_UNSPECIFIED: LinkedBy
PRODUCT_FILTER_ARCHIVED: ProductFilter
PRODUCT_FILTER_FAILED: ProductFilter
PRODUCT_FILTER_SYNCED: ProductFilter
PRODUCT_FILTER_UNSPECIFIED: ProductFilter
PRODUCT_STATE_ARCHIVED: ProductState
PRODUCT_STATE_FAILED: ProductState
PRODUCT_STATE_SYNCED: ProductState
PRODUCT_STATE_UNSPECIFIED: ProductState

class GetProductRequest(_message.Message):
    __slots__ = ["odoo_id", "zoho_item_id"]
    ODOO_ID_FIELD_NUMBER: _ClassVar[int]
    ZOHO_ITEM_ID_FIELD_NUMBER: _ClassVar[int]
    odoo_id: int
    zoho_item_id: str
    def __init__(self, zoho_item_id: _Optional[str] = ..., odoo_id: _Optional[int] = ...) -> None: ...

class GetProductResponse(_message.Message):
    __slots__ = ["product"]
    PRODUCT_FIELD_NUMBER: _ClassVar[int]
    product: Product
    def __init__(self, product: _Optional[_Union[Product, _Mapping]] = ...) -> None: ...

class ListProductsRequest(_message.Message):
    __slots__ = ["filter", "page_size", "page_token"]
    FILTER_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    filter: ProductFilter
    page_size: int
    page_token: str
    def __init__(self, filter: _Optional[_Union[ProductFilter, str]] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListProductsResponse(_message.Message):
    __slots__ = ["next_page_token", "products"]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    PRODUCTS_FIELD_NUMBER: _ClassVar[int]
    next_page_token: str
    products: _containers.RepeatedCompositeFieldContainer[Product]
    def __init__(self, products: _Optional[_Iterable[_Union[Product, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class Product(_message.Message):
    __slots__ = ["checksum", "failures", "image_error", "image_id", "image_md5", "last_error", "last_run_id", "last_synced_at", "linked_by", "name", "odoo_id", "sku", "state", "zoho_item_id"]
    CHECKSUM_FIELD_NUMBER: _ClassVar[int]
    FAILURES_FIELD_NUMBER: _ClassVar[int]
    IMAGE_ERROR_FIELD_NUMBER: _ClassVar[int]
    IMAGE_ID_FIELD_NUMBER: _ClassVar[int]
    IMAGE_MD5_FIELD_NUMBER: _ClassVar[int]
    LAST_ERROR_FIELD_NUMBER: _ClassVar[int]
    LAST_RUN_ID_FIELD_NUMBER: _ClassVar[int]
    LAST_SYNCED_AT_FIELD_NUMBER: _ClassVar[int]
    LINKED_BY_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    ODOO_ID_FIELD_NUMBER: _ClassVar[int]
    SKU_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    ZOHO_ITEM_ID_FIELD_NUMBER: _ClassVar[int]
    checksum: str
    failures: int
    image_error: str
    image_id: str
    image_md5: str
    last_error: str
    last_run_id: str
    last_synced_at: _timestamp_pb2.Timestamp
    linked_by: LinkedBy
    name: str
    odoo_id: int
    sku: str
    state: ProductState
    zoho_item_id: str
    def __init__(self, zoho_item_id: _Optional[str] = ..., odoo_id: _Optional[int] = ..., name: _Optional[str] = ..., sku: _Optional[str] = ..., state: _Optional[_Union[ProductState, str]] = ..., checksum: _Optional[str] = ..., last_synced_at: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., image_md5: _Optional[str] = ..., image_id: _Optional[str] = ..., last_error: _Optional[str] = ..., last_run_id: _Optional[str] = ..., linked_by: _Optional[_Union[LinkedBy, str]] = ..., failures: _Optional[int] = ..., image_error: _Optional[str] = ...) -> None: ...

class RetryFailedRequest(_message.Message):
    __slots__ = ["dry_run"]
    DRY_RUN_FIELD_NUMBER: _ClassVar[int]
    dry_run: bool
    def __init__(self, dry_run: bool = ...) -> None: ...

class RetryFailedResponse(_message.Message):
    __slots__ = ["already_running", "run"]
    ALREADY_RUNNING_FIELD_NUMBER: _ClassVar[int]
    RUN_FIELD_NUMBER: _ClassVar[int]
    already_running: bool
    run: _sync_pb2.Run
    def __init__(self, run: _Optional[_Union[_sync_pb2.Run, _Mapping]] = ..., already_running: bool = ...) -> None: ...

class ProductState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class ProductFilter(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class LinkedBy(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []
