import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from mxshell.contract.mxgateway.v1 import types_pb2 as _types_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ProtocolStatusCode(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PROTOCOL_STATUS_CODE_UNSPECIFIED: _ClassVar[ProtocolStatusCode]
    PROTOCOL_STATUS_CODE_OK: _ClassVar[ProtocolStatusCode]
    PROTOCOL_STATUS_CODE_INVALID_REQUEST: _ClassVar[ProtocolStatusCode]
    PROTOCOL_STATUS_CODE_UNSUPPORTED_COMMAND: _ClassVar[ProtocolStatusCode]
    PROTOCOL_STATUS_CODE_TOO_MANY_ENTRIES: _ClassVar[ProtocolStatusCode]
    PROTOCOL_STATUS_CODE_INTERNAL_ERROR: _ClassVar[ProtocolStatusCode]
PROTOCOL_STATUS_CODE_UNSPECIFIED: ProtocolStatusCode
PROTOCOL_STATUS_CODE_OK: ProtocolStatusCode
PROTOCOL_STATUS_CODE_INVALID_REQUEST: ProtocolStatusCode
PROTOCOL_STATUS_CODE_UNSUPPORTED_COMMAND: ProtocolStatusCode
PROTOCOL_STATUS_CODE_TOO_MANY_ENTRIES: ProtocolStatusCode
PROTOCOL_STATUS_CODE_INTERNAL_ERROR: ProtocolStatusCode

class OpenSessionRequest(_message.Message):
    __slots__ = ("client_session_name",)
    CLIENT_SESSION_NAME_FIELD_NUMBER: _ClassVar[int]
    client_session_name: str
    def __init__(self, client_session_name: _Optional[str] = ...) -> None: ...

class OpenSessionResponse(_message.Message):
    __slots__ = ("session_id", "capabilities", "gateway_version", "protocol_version", "max_bulk_entries")
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    CAPABILITIES_FIELD_NUMBER: _ClassVar[int]
    GATEWAY_VERSION_FIELD_NUMBER: _ClassVar[int]
    PROTOCOL_VERSION_FIELD_NUMBER: _ClassVar[int]
    MAX_BULK_ENTRIES_FIELD_NUMBER: _ClassVar[int]
    session_id: str
    capabilities: _containers.RepeatedScalarFieldContainer[str]
    gateway_version: str
    protocol_version: str
    max_bulk_entries: int
    def __init__(self, session_id: _Optional[str] = ..., capabilities: _Optional[_Iterable[str]] = ..., gateway_version: _Optional[str] = ..., protocol_version: _Optional[str] = ..., max_bulk_entries: _Optional[int] = ...) -> None: ...

class CloseSessionRequest(_message.Message):
    __slots__ = ("session_id",)
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    session_id: str
    def __init__(self, session_id: _Optional[str] = ...) -> None: ...

class CloseSessionResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class RegisterCommand(_message.Message):
    __slots__ = ("client_name",)
    CLIENT_NAME_FIELD_NUMBER: _ClassVar[int]
    client_name: str
    def __init__(self, client_name: _Optional[str] = ...) -> None: ...

class UnregisterCommand(_message.Message):
    __slots__ = ("server_handle",)
    SERVER_HANDLE_FIELD_NUMBER: _ClassVar[int]
    server_handle: int
    def __init__(self, server_handle: _Optional[int] = ...) -> None: ...

class AddItemCommand(_message.Message):
    __slots__ = ("server_handle", "tag_reference")
    SERVER_HANDLE_FIELD_NUMBER: _ClassVar[int]
    TAG_REFERENCE_FIELD_NUMBER: _ClassVar[int]
    server_handle: int
    tag_reference: str
    def __init__(self, server_handle: _Optional[int] = ..., tag_reference: _Optional[str] = ...) -> None: ...

class RemoveItemCommand(_message.Message):
    __slots__ = ("server_handle", "item_handle")
    SERVER_HANDLE_FIELD_NUMBER: _ClassVar[int]
    ITEM_HANDLE_FIELD_NUMBER: _ClassVar[int]
    server_handle: int
    item_handle: int
    def __init__(self, server_handle: _Optional[int] = ..., item_handle: _Optional[int] = ...) -> None: ...

class AdviseCommand(_message.Message):
    __slots__ = ("server_handle", "item_handle")
    SERVER_HANDLE_FIELD_NUMBER: _ClassVar[int]
    ITEM_HANDLE_FIELD_NUMBER: _ClassVar[int]
    server_handle: int
    item_handle: int
    def __init__(self, server_handle: _Optional[int] = ..., item_handle: _Optional[int] = ...) -> None: ...

class AdviseSupervisoryCommand(_message.Message):
    __slots__ = ("server_handle", "item_handle")
    SERVER_HANDLE_FIELD_NUMBER: _ClassVar[int]
    ITEM_HANDLE_FIELD_NUMBER: _ClassVar[int]
    server_handle: int
    item_handle: int
    def __init__(self, server_handle: _Optional[int] = ..., item_handle: _Optional[int] = ...) -> None: ...

class UnAdviseCommand(_message.Message):
    __slots__ = ("server_handle", "item_handle")
    SERVER_HANDLE_FIELD_NUMBER: _ClassVar[int]
    ITEM_HANDLE_FIELD_NUMBER: _ClassVar[int]
    server_handle: int
    item_handle: int
    def __init__(self, server_handle: _Optional[int] = ..., item_handle: _Optional[int] = ...) -> None: ...

class WriteCommand(_message.Message):
    __slots__ = ("server_handle", "item_handle", "value", "user_id")
    SERVER_HANDLE_FIELD_NUMBER: _ClassVar[int]
    ITEM_HANDLE_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    server_handle: int
    item_handle: int
    value: _types_pb2.MxValue
    user_id: int
    def __init__(self, server_handle: _Optional[int] = ..., item_handle: _Optional[int] = ..., value: _Optional[_Union[_types_pb2.MxValue, _Mapping]] = ..., user_id: _Optional[int] = ...) -> None: ...

class Write2Command(_message.Message):
    __slots__ = ("server_handle", "item_handle", "value", "user_id", "timestamp")
    SERVER_HANDLE_FIELD_NUMBER: _ClassVar[int]
    ITEM_HANDLE_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    TIMESTAMP_FIELD_NUMBER: _ClassVar[int]
    server_handle: int
    item_handle: int
    value: _types_pb2.MxValue
    user_id: int
    timestamp: _timestamp_pb2.Timestamp
    def __init__(self, server_handle: _Optional[int] = ..., item_handle: _Optional[int] = ..., value: _Optional[_Union[_types_pb2.MxValue, _Mapping]] = ..., user_id: _Optional[int] = ..., timestamp: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class WriteSecuredCommand(_message.Message):
    __slots__ = ("server_handle", "item_handle", "value", "current_user_id", "verifier_user_id")
    SERVER_HANDLE_FIELD_NUMBER: _ClassVar[int]
    ITEM_HANDLE_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    CURRENT_USER_ID_FIELD_NUMBER: _ClassVar[int]
    VERIFIER_USER_ID_FIELD_NUMBER: _ClassVar[int]
    server_handle: int
    item_handle: int
    value: _types_pb2.MxValue
    current_user_id: int
    verifier_user_id: int
    def __init__(self, server_handle: _Optional[int] = ..., item_handle: _Optional[int] = ..., value: _Optional[_Union[_types_pb2.MxValue, _Mapping]] = ..., current_user_id: _Optional[int] = ..., verifier_user_id: _Optional[int] = ...) -> None: ...

class WriteSecured2Command(_message.Message):
    __slots__ = ("server_handle", "item_handle", "value", "current_user_id", "verifier_user_id", "timestamp")
    SERVER_HANDLE_FIELD_NUMBER: _ClassVar[int]
    ITEM_HANDLE_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    CURRENT_USER_ID_FIELD_NUMBER: _ClassVar[int]
    VERIFIER_USER_ID_FIELD_NUMBER: _ClassVar[int]
    TIMESTAMP_FIELD_NUMBER: _ClassVar[int]
    server_handle: int
    item_handle: int
    value: _types_pb2.MxValue
    current_user_id: int
    verifier_user_id: int
    timestamp: _timestamp_pb2.Timestamp
    def __init__(self, server_handle: _Optional[int] = ..., item_handle: _Optional[int] = ..., value: _Optional[_Union[_types_pb2.MxValue, _Mapping]] = ..., current_user_id: _Optional[int] = ..., verifier_user_id: _Optional[int] = ..., timestamp: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class AuthenticateUserCommand(_message.Message):
    __slots__ = ("server_handle", "user_name", "password")
    SERVER_HANDLE_FIELD_NUMBER: _ClassVar[int]
    USER_NAME_FIELD_NUMBER: _ClassVar[int]
    PASSWORD_FIELD_NUMBER: _ClassVar[int]
    server_handle: int
    user_name: str
    password: str
    def __init__(self, server_handle: _Optional[int] = ..., user_name: _Optional[str] = ..., password: _Optional[str] = ...) -> None: ...

class AddItemBulkCommand(_message.Message):
    __slots__ = ("server_handle", "tag_references")
    SERVER_HANDLE_FIELD_NUMBER: _ClassVar[int]
    TAG_REFERENCES_FIELD_NUMBER: _ClassVar[int]
    server_handle: int
    tag_references: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, server_handle: _Optional[int] = ..., tag_references: _Optional[_Iterable[str]] = ...) -> None: ...

class AdviseItemBulkCommand(_message.Message):
    __slots__ = ("server_handle", "item_handles")
    SERVER_HANDLE_FIELD_NUMBER: _ClassVar[int]
    ITEM_HANDLES_FIELD_NUMBER: _ClassVar[int]
    server_handle: int
    item_handles: _containers.RepeatedScalarFieldContainer[int]
    def __init__(self, server_handle: _Optional[int] = ..., item_handles: _Optional[_Iterable[int]] = ...) -> None: ...

class RemoveItemBulkCommand(_message.Message):
    __slots__ = ("server_handle", "item_handles")
    SERVER_HANDLE_FIELD_NUMBER: _ClassVar[int]
    ITEM_HANDLES_FIELD_NUMBER: _ClassVar[int]
    server_handle: int
    item_handles: _containers.RepeatedScalarFieldContainer[int]
    def __init__(self, server_handle: _Optional[int] = ..., item_handles: _Optional[_Iterable[int]] = ...) -> None: ...

class UnAdviseItemBulkCommand(_message.Message):
    __slots__ = ("server_handle", "item_handles")
    SERVER_HANDLE_FIELD_NUMBER: _ClassVar[int]
    ITEM_HANDLES_FIELD_NUMBER: _ClassVar[int]
    server_handle: int
    item_handles: _containers.RepeatedScalarFieldContainer[int]
    def __init__(self, server_handle: _Optional[int] = ..., item_handles: _Optional[_Iterable[int]] = ...) -> None: ...

class SubscribeBulkCommand(_message.Message):
    __slots__ = ("server_handle", "tag_references")
    SERVER_HANDLE_FIELD_NUMBER: _ClassVar[int]
    TAG_REFERENCES_FIELD_NUMBER: _ClassVar[int]
    server_handle: int
    tag_references: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, server_handle: _Optional[int] = ..., tag_references: _Optional[_Iterable[str]] = ...) -> None: ...

class UnsubscribeBulkCommand(_message.Message):
    __slots__ = ("server_handle", "item_handles")
    SERVER_HANDLE_FIELD_NUMBER: _ClassVar[int]
    ITEM_HANDLES_FIELD_NUMBER: _ClassVar[int]
    server_handle: int
    item_handles: _containers.RepeatedScalarFieldContainer[int]
    def __init__(self, server_handle: _Optional[int] = ..., item_handles: _Optional[_Iterable[int]] = ...) -> None: ...

class WriteBulkEntry(_message.Message):
    __slots__ = ("item_handle", "value", "timestamp")
    ITEM_HANDLE_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    TIMESTAMP_FIELD_NUMBER: _ClassVar[int]
    item_handle: int
    value: _types_pb2.MxValue
    timestamp: _timestamp_pb2.Timestamp
    def __init__(self, item_handle: _Optional[int] = ..., value: _Optional[_Union[_types_pb2.MxValue, _Mapping]] = ..., timestamp: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class WriteBulkCommand(_message.Message):
    __slots__ = ("server_handle", "entries", "user_id")
    SERVER_HANDLE_FIELD_NUMBER: _ClassVar[int]
    ENTRIES_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    server_handle: int
    entries: _containers.RepeatedCompositeFieldContainer[WriteBulkEntry]
    user_id: int
    def __init__(self, server_handle: _Optional[int] = ..., entries: _Optional[_Iterable[_Union[WriteBulkEntry, _Mapping]]] = ..., user_id: _Optional[int] = ...) -> None: ...

class Write2BulkCommand(_message.Message):
    __slots__ = ("server_handle", "entries", "user_id")
    SERVER_HANDLE_FIELD_NUMBER: _ClassVar[int]
    ENTRIES_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    server_handle: int
    entries: _containers.RepeatedCompositeFieldContainer[WriteBulkEntry]
    user_id: int
    def __init__(self, server_handle: _Optional[int] = ..., entries: _Optional[_Iterable[_Union[WriteBulkEntry, _Mapping]]] = ..., user_id: _Optional[int] = ...) -> None: ...

class WriteSecuredBulkCommand(_message.Message):
    __slots__ = ("server_handle", "entries", "current_user_id", "verifier_user_id")
    SERVER_HANDLE_FIELD_NUMBER: _ClassVar[int]
    ENTRIES_FIELD_NUMBER: _ClassVar[int]
    CURRENT_USER_ID_FIELD_NUMBER: _ClassVar[int]
    VERIFIER_USER_ID_FIELD_NUMBER: _ClassVar[int]
    server_handle: int
    entries: _containers.RepeatedCompositeFieldContainer[WriteBulkEntry]
    current_user_id: int
    verifier_user_id: int
    def __init__(self, server_handle: _Optional[int] = ..., entries: _Optional[_Iterable[_Union[WriteBulkEntry, _Mapping]]] = ..., current_user_id: _Optional[int] = ..., verifier_user_id: _Optional[int] = ...) -> None: ...

class WriteSecured2BulkCommand(_message.Message):
    __slots__ = ("server_handle", "entries", "current_user_id", "verifier_user_id")
    SERVER_HANDLE_FIELD_NUMBER: _ClassVar[int]
    ENTRIES_FIELD_NUMBER: _ClassVar[int]
    CURRENT_USER_ID_FIELD_NUMBER: _ClassVar[int]
    VERIFIER_USER_ID_FIELD_NUMBER: _ClassVar[int]
    server_handle: int
    entries: _containers.RepeatedCompositeFieldContainer[WriteBulkEntry]
    current_user_id: int
    verifier_user_id: int
    def __init__(self, server_handle: _Optional[int] = ..., entries: _Optional[_Iterable[_Union[WriteBulkEntry, _Mapping]]] = ..., current_user_id: _Optional[int] = ..., verifier_user_id: _Optional[int] = ...) -> None: ...

class ReadBulkEntry(_message.Message):
    __slots__ = ("tag_reference", "timeout_ms")
    TAG_REFERENCE_FIELD_NUMBER: _ClassVar[int]
    TIMEOUT_MS_FIELD_NUMBER: _ClassVar[int]
    tag_reference: str
    timeout_ms: int
    def __init__(self, tag_reference: _Optional[str] = ..., timeout_ms: _Optional[int] = ...) -> None: ...

class ReadBulkCommand(_message.Message):
    __slots__ = ("server_handle", "entries")
    SERVER_HANDLE_FIELD_NUMBER: _ClassVar[int]
    ENTRIES_FIELD_NUMBER: _ClassVar[int]
    server_handle: int
    entries: _containers.RepeatedCompositeFieldContainer[ReadBulkEntry]
    def __init__(self, server_handle: _Optional[int] = ..., entries: _Optional[_Iterable[_Union[ReadBulkEntry, _Mapping]]] = ...) -> None: ...

class InvokeRequest(_message.Message):
    __slots__ = ("session_id", "correlation_id", "register", "unregister", "add_item", "remove_item", "advise", "advise_supervisory", "un_advise", "write", "write2", "write_secured", "write_secured2", "authenticate_user", "add_item_bulk", "advise_item_bulk", "remove_item_bulk", "un_advise_item_bulk", "subscribe_bulk", "unsubscribe_bulk", "write_bulk", "write2_bulk", "write_secured_bulk", "write_secured2_bulk", "read_bulk")
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    CORRELATION_ID_FIELD_NUMBER: _ClassVar[int]
    REGISTER_FIELD_NUMBER: _ClassVar[int]
    UNREGISTER_FIELD_NUMBER: _ClassVar[int]
    ADD_ITEM_FIELD_NUMBER: _ClassVar[int]
    REMOVE_ITEM_FIELD_NUMBER: _ClassVar[int]
    ADVISE_FIELD_NUMBER: _ClassVar[int]
    ADVISE_SUPERVISORY_FIELD_NUMBER: _ClassVar[int]
    UN_ADVISE_FIELD_NUMBER: _ClassVar[int]
    WRITE_FIELD_NUMBER: _ClassVar[int]
    WRITE2_FIELD_NUMBER: _ClassVar[int]
    WRITE_SECURED_FIELD_NUMBER: _ClassVar[int]
    WRITE_SECURED2_FIELD_NUMBER: _ClassVar[int]
    AUTHENTICATE_USER_FIELD_NUMBER: _ClassVar[int]
    ADD_ITEM_BULK_FIELD_NUMBER: _ClassVar[int]
    ADVISE_ITEM_BULK_FIELD_NUMBER: _ClassVar[int]
    REMOVE_ITEM_BULK_FIELD_NUMBER: _ClassVar[int]
    UN_ADVISE_ITEM_BULK_FIELD_NUMBER: _ClassVar[int]
    SUBSCRIBE_BULK_FIELD_NUMBER: _ClassVar[int]
    UNSUBSCRIBE_BULK_FIELD_NUMBER: _ClassVar[int]
    WRITE_BULK_FIELD_NUMBER: _ClassVar[int]
    WRITE2_BULK_FIELD_NUMBER: _ClassVar[int]
    WRITE_SECURED_BULK_FIELD_NUMBER: _ClassVar[int]
    WRITE_SECURED2_BULK_FIELD_NUMBER: _ClassVar[int]
    READ_BULK_FIELD_NUMBER: _ClassVar[int]
    session_id: str
    correlation_id: str
    register: RegisterCommand
    unregister: UnregisterCommand
    add_item: AddItemCommand
    remove_item: RemoveItemCommand
    advise: AdviseCommand
    advise_supervisory: AdviseSupervisoryCommand
    un_advise: UnAdviseCommand
    write: WriteCommand
    write2: Write2Command
    write_secured: WriteSecuredCommand
    write_secured2: WriteSecured2Command
    authenticate_user: AuthenticateUserCommand
    add_item_bulk: AddItemBulkCommand
    advise_item_bulk: AdviseItemBulkCommand
    remove_item_bulk: RemoveItemBulkCommand
    un_advise_item_bulk: UnAdviseItemBulkCommand
    subscribe_bulk: SubscribeBulkCommand
    unsubscribe_bulk: UnsubscribeBulkCommand
    write_bulk: WriteBulkCommand
    write2_bulk: Write2BulkCommand
    write_secured_bulk: WriteSecuredBulkCommand
    write_secured2_bulk: WriteSecured2BulkCommand
    read_bulk: ReadBulkCommand
    def __init__(self, session_id: _Optional[str] = ..., correlation_id: _Optional[str] = ..., register: _Optional[_Union[RegisterCommand, _Mapping]] = ..., unregister: _Optional[_Union[UnregisterCommand, _Mapping]] = ..., add_item: _Optional[_Union[AddItemCommand, _Mapping]] = ..., remove_item: _Optional[_Union[RemoveItemCommand, _Mapping]] = ..., advise: _Optional[_Union[AdviseCommand, _Mapping]] = ..., advise_supervisory: _Optional[_Union[AdviseSupervisoryCommand, _Mapping]] = ..., un_advise: _Optional[_Union[UnAdviseCommand, _Mapping]] = ..., write: _Optional[_Union[WriteCommand, _Mapping]] = ..., write2: _Optional[_Union[Write2Command, _Mapping]] = ..., write_secured: _Optional[_Union[WriteSecuredCommand, _Mapping]] = ..., write_secured2: _Optional[_Union[WriteSecured2Command, _Mapping]] = ..., authenticate_user: _Optional[_Union[AuthenticateUserCommand, _Mapping]] = ..., add_item_bulk: _Optional[_Union[AddItemBulkCommand, _Mapping]] = ..., advise_item_bulk: _Optional[_Union[AdviseItemBulkCommand, _Mapping]] = ..., remove_item_bulk: _Optional[_Union[RemoveItemBulkCommand, _Mapping]] = ..., un_advise_item_bulk: _Optional[_Union[UnAdviseItemBulkCommand, _Mapping]] = ..., subscribe_bulk: _Optional[_Union[SubscribeBulkCommand, _Mapping]] = ..., unsubscribe_bulk: _Optional[_Union[UnsubscribeBulkCommand, _Mapping]] = ..., write_bulk: _Optional[_Union[WriteBulkCommand, _Mapping]] = ..., write2_bulk: _Optional[_Union[Write2BulkCommand, _Mapping]] = ..., write_secured_bulk: _Optional[_Union[WriteSecuredBulkCommand, _Mapping]] = ..., write_secured2_bulk: _Optional[_Union[WriteSecured2BulkCommand, _Mapping]] = ..., read_bulk: _Optional[_Union[ReadBulkCommand, _Mapping]] = ...) -> None: ...

class ProtocolStatus(_message.Message):
    __slots__ = ("code", "message")
    CODE_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    code: ProtocolStatusCode
    message: str
    def __init__(self, code: _Optional[_Union[ProtocolStatusCode, str]] = ..., message: _Optional[str] = ...) -> None: ...

class SubscribeResult(_message.Message):
    __slots__ = ("tag_reference", "item_handle", "was_successful", "hresult", "statuses", "error_message")
    TAG_REFERENCE_FIELD_NUMBER: _ClassVar[int]
    ITEM_HANDLE_FIELD_NUMBER: _ClassVar[int]
    WAS_SUCCESSFUL_FIELD_NUMBER: _ClassVar[int]
    HRESULT_FIELD_NUMBER: _ClassVar[int]
    STATUSES_FIELD_NUMBER: _ClassVar[int]
    ERROR_MESSAGE_FIELD_NUMBER: _ClassVar[int]
    tag_reference: str
    item_handle: int
    was_successful: bool
    hresult: int
    statuses: _containers.RepeatedCompositeFieldContainer[_types_pb2.MxStatus]
    error_message: str
    def __init__(self, tag_reference: _Optional[str] = ..., item_handle: _Optional[int] = ..., was_successful: _Optional[bool] = ..., hresult: _Optional[int] = ..., statuses: _Optional[_Iterable[_Union[_types_pb2.MxStatus, _Mapping]]] = ..., error_message: _Optional[str] = ...) -> None: ...

class BulkWriteResult(_message.Message):
    __slots__ = ("item_handle", "was_successful", "hresult", "statuses", "error_message")
    ITEM_HANDLE_FIELD_NUMBER: _ClassVar[int]
    WAS_SUCCESSFUL_FIELD_NUMBER: _ClassVar[int]
    HRESULT_FIELD_NUMBER: _ClassVar[int]
    STATUSES_FIELD_NUMBER: _ClassVar[int]
    ERROR_MESSAGE_FIELD_NUMBER: _ClassVar[int]
    item_handle: int
    was_successful: bool
    hresult: int
    statuses: _containers.RepeatedCompositeFieldContainer[_types_pb2.MxStatus]
    error_message: str
    def __init__(self, item_handle: _Optional[int] = ..., was_successful: _Optional[bool] = ..., hresult: _Optional[int] = ..., statuses: _Optional[_Iterable[_Union[_types_pb2.MxStatus, _Mapping]]] = ..., error_message: _Optional[str] = ...) -> None: ...

class BulkReadResult(_message.Message):
    __slots__ = ("tag_reference", "was_successful", "was_cached", "value", "quality", "timestamp", "hresult", "statuses", "error_message")
    TAG_REFERENCE_FIELD_NUMBER: _ClassVar[int]
    WAS_SUCCESSFUL_FIELD_NUMBER: _ClassVar[int]
    WAS_CACHED_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    QUALITY_FIELD_NUMBER: _ClassVar[int]
    TIMESTAMP_FIELD_NUMBER: _ClassVar[int]
    HRESULT_FIELD_NUMBER: _ClassVar[int]
    STATUSES_FIELD_NUMBER: _ClassVar[int]
    ERROR_MESSAGE_FIELD_NUMBER: _ClassVar[int]
    tag_reference: str
    was_successful: bool
    was_cached: bool
    value: _types_pb2.MxValue
    quality: int
    timestamp: _timestamp_pb2.Timestamp
    hresult: int
    statuses: _containers.RepeatedCompositeFieldContainer[_types_pb2.MxStatus]
    error_message: str
    def __init__(self, tag_reference: _Optional[str] = ..., was_successful: _Optional[bool] = ..., was_cached: _Optional[bool] = ..., value: _Optional[_Union[_types_pb2.MxValue, _Mapping]] = ..., quality: _Optional[int] = ..., timestamp: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., hresult: _Optional[int] = ..., statuses: _Optional[_Iterable[_Union[_types_pb2.MxStatus, _Mapping]]] = ..., error_message: _Optional[str] = ...) -> None: ...

class SubscribeResultList(_message.Message):
    __slots__ = ("results",)
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    results: _containers.RepeatedCompositeFieldContainer[SubscribeResult]
    def __init__(self, results: _Optional[_Iterable[_Union[SubscribeResult, _Mapping]]] = ...) -> None: ...

class BulkWriteResultList(_message.Message):
    __slots__ = ("results",)
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    results: _containers.RepeatedCompositeFieldContainer[BulkWriteResult]
    def __init__(self, results: _Optional[_Iterable[_Union[BulkWriteResult, _Mapping]]] = ...) -> None: ...

class BulkReadResultList(_message.Message):
    __slots__ = ("results",)
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    results: _containers.RepeatedCompositeFieldContainer[BulkReadResult]
    def __init__(self, results: _Optional[_Iterable[_Union[BulkReadResult, _Mapping]]] = ...) -> None: ...

class InvokeResponse(_message.Message):
    __slots__ = ("correlation_id", "protocol_status", "hresult", "statuses", "handle", "user_id", "subscribe_results", "bulk_write_results", "bulk_read_results")
    CORRELATION_ID_FIELD_NUMBER: _ClassVar[int]
    PROTOCOL_STATUS_FIELD_NUMBER: _ClassVar[int]
    HRESULT_FIELD_NUMBER: _ClassVar[int]
    STATUSES_FIELD_NUMBER: _ClassVar[int]
    HANDLE_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    SUBSCRIBE_RESULTS_FIELD_NUMBER: _ClassVar[int]
    BULK_WRITE_RESULTS_FIELD_NUMBER: _ClassVar[int]
    BULK_READ_RESULTS_FIELD_NUMBER: _ClassVar[int]
    correlation_id: str
    protocol_status: ProtocolStatus
    hresult: int
    statuses: _containers.RepeatedCompositeFieldContainer[_types_pb2.MxStatus]
    handle: int
    user_id: int
    subscribe_results: SubscribeResultList
    bulk_write_results: BulkWriteResultList
    bulk_read_results: BulkReadResultList
    def __init__(self, correlation_id: _Optional[str] = ..., protocol_status: _Optional[_Union[ProtocolStatus, _Mapping]] = ..., hresult: _Optional[int] = ..., statuses: _Optional[_Iterable[_Union[_types_pb2.MxStatus, _Mapping]]] = ..., handle: _Optional[int] = ..., user_id: _Optional[int] = ..., subscribe_results: _Optional[_Union[SubscribeResultList, _Mapping]] = ..., bulk_write_results: _Optional[_Union[BulkWriteResultList, _Mapping]] = ..., bulk_read_results: _Optional[_Union[BulkReadResultList, _Mapping]] = ...) -> None: ...

class StreamEventsRequest(_message.Message):
    __slots__ = ("session_id", "max_batch_size")
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    MAX_BATCH_SIZE_FIELD_NUMBER: _ClassVar[int]
    session_id: str
    max_batch_size: int
    def __init__(self, session_id: _Optional[str] = ..., max_batch_size: _Optional[int] = ...) -> None: ...

class OnDataChange(_message.Message):
    __slots__ = ("server_handle", "item_handle", "value", "quality", "timestamp", "statuses")
    SERVER_HANDLE_FIELD_NUMBER: _ClassVar[int]
    ITEM_HANDLE_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    QUALITY_FIELD_NUMBER: _ClassVar[int]
    TIMESTAMP_FIELD_NUMBER: _ClassVar[int]
    STATUSES_FIELD_NUMBER: _ClassVar[int]
    server_handle: int
    item_handle: int
    value: _types_pb2.MxValue
    quality: int
    timestamp: _timestamp_pb2.Timestamp
    statuses: _containers.RepeatedCompositeFieldContainer[_types_pb2.MxStatus]
    def __init__(self, server_handle: _Optional[int] = ..., item_handle: _Optional[int] = ..., value: _Optional[_Union[_types_pb2.MxValue, _Mapping]] = ..., quality: _Optional[int] = ..., timestamp: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., statuses: _Optional[_Iterable[_Union[_types_pb2.MxStatus, _Mapping]]] = ...) -> None: ...

class OnWriteComplete(_message.Message):
    __slots__ = ("server_handle", "item_handle", "statuses")
    SERVER_HANDLE_FIELD_NUMBER: _ClassVar[int]
    ITEM_HANDLE_FIELD_NUMBER: _ClassVar[int]
    STATUSES_FIELD_NUMBER: _ClassVar[int]
    server_handle: int
    item_handle: int
    statuses: _containers.RepeatedCompositeFieldContainer[_types_pb2.MxStatus]
    def __init__(self, server_handle: _Optional[int] = ..., item_handle: _Optional[int] = ..., statuses: _Optional[_Iterable[_Union[_types_pb2.MxStatus, _Mapping]]] = ...) -> None: ...

class OperationComplete(_message.Message):
    __slots__ = ("server_handle", "item_handle", "statuses")
    SERVER_HANDLE_FIELD_NUMBER: _ClassVar[int]
    ITEM_HANDLE_FIELD_NUMBER: _ClassVar[int]
    STATUSES_FIELD_NUMBER: _ClassVar[int]
    server_handle: int
    item_handle: int
    statuses: _containers.RepeatedCompositeFieldContainer[_types_pb2.MxStatus]
    def __init__(self, server_handle: _Optional[int] = ..., item_handle: _Optional[int] = ..., statuses: _Optional[_Iterable[_Union[_types_pb2.MxStatus, _Mapping]]] = ...) -> None: ...

class BufferedSample(_message.Message):
    __slots__ = ("value", "quality", "timestamp")
    VALUE_FIELD_NUMBER: _ClassVar[int]
    QUALITY_FIELD_NUMBER: _ClassVar[int]
    TIMESTAMP_FIELD_NUMBER: _ClassVar[int]
    value: _types_pb2.MxValue
    quality: int
    timestamp: _timestamp_pb2.Timestamp
    def __init__(self, value: _Optional[_Union[_types_pb2.MxValue, _Mapping]] = ..., quality: _Optional[int] = ..., timestamp: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class OnBufferedDataChange(_message.Message):
    __slots__ = ("server_handle", "item_handle", "samples", "statuses")
    SERVER_HANDLE_FIELD_NUMBER: _ClassVar[int]
    ITEM_HANDLE_FIELD_NUMBER: _ClassVar[int]
    SAMPLES_FIELD_NUMBER: _ClassVar[int]
    STATUSES_FIELD_NUMBER: _ClassVar[int]
    server_handle: int
    item_handle: int
    samples: _containers.RepeatedCompositeFieldContainer[BufferedSample]
    statuses: _containers.RepeatedCompositeFieldContainer[_types_pb2.MxStatus]
    def __init__(self, server_handle: _Optional[int] = ..., item_handle: _Optional[int] = ..., samples: _Optional[_Iterable[_Union[BufferedSample, _Mapping]]] = ..., statuses: _Optional[_Iterable[_Union[_types_pb2.MxStatus, _Mapping]]] = ...) -> None: ...

class MxEvent(_message.Message):
    __slots__ = ("worker_sequence", "on_data_change", "on_write_complete", "operation_complete", "on_buffered_data_change")
    WORKER_SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    ON_DATA_CHANGE_FIELD_NUMBER: _ClassVar[int]
    ON_WRITE_COMPLETE_FIELD_NUMBER: _ClassVar[int]
    OPERATION_COMPLETE_FIELD_NUMBER: _ClassVar[int]
    ON_BUFFERED_DATA_CHANGE_FIELD_NUMBER: _ClassVar[int]
    worker_sequence: int
    on_data_change: OnDataChange
    on_write_complete: OnWriteComplete
    operation_complete: OperationComplete
    on_buffered_data_change: OnBufferedDataChange
    def __init__(self, worker_sequence: _Optional[int] = ..., on_data_change: _Optional[_Union[OnDataChange, _Mapping]] = ..., on_write_complete: _Optional[_Union[OnWriteComplete, _Mapping]] = ..., operation_complete: _Optional[_Union[OperationComplete, _Mapping]] = ..., on_buffered_data_change: _Optional[_Union[OnBufferedDataChange, _Mapping]] = ...) -> None: ...

class StreamEventsResponse(_message.Message):
    __slots__ = ("events",)
    EVENTS_FIELD_NUMBER: _ClassVar[int]
    events: _containers.RepeatedCompositeFieldContainer[MxEvent]
    def __init__(self, events: _Optional[_Iterable[_Union[MxEvent, _Mapping]]] = ...) -> None: ...
