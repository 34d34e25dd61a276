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

class GalaxyObjectCategory(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    GALAXY_OBJECT_CATEGORY_UNSPECIFIED: _ClassVar[GalaxyObjectCategory]
    GALAXY_OBJECT_CATEGORY_PLATFORM: _ClassVar[GalaxyObjectCategory]
    GALAXY_OBJECT_CATEGORY_ENGINE: _ClassVar[GalaxyObjectCategory]
    GALAXY_OBJECT_CATEGORY_AREA: _ClassVar[GalaxyObjectCategory]
    GALAXY_OBJECT_CATEGORY_APPLICATION_OBJECT: _ClassVar[GalaxyObjectCategory]
    GALAXY_OBJECT_CATEGORY_DEVICE_INTEGRATION_OBJECT: _ClassVar[GalaxyObjectCategory]
    GALAXY_OBJECT_CATEGORY_VIEW_ENGINE: _ClassVar[GalaxyObjectCategory]
    GALAXY_OBJECT_CATEGORY_OTHER: _ClassVar[GalaxyObjectCategory]
GALAXY_OBJECT_CATEGORY_UNSPECIFIED: GalaxyObjectCategory
GALAXY_OBJECT_CATEGORY_PLATFORM: GalaxyObjectCategory
GALAXY_OBJECT_CATEGORY_ENGINE: GalaxyObjectCategory
GALAXY_OBJECT_CATEGORY_AREA: GalaxyObjectCategory
GALAXY_OBJECT_CATEGORY_APPLICATION_OBJECT: GalaxyObjectCategory
GALAXY_OBJECT_CATEGORY_DEVICE_INTEGRATION_OBJECT: GalaxyObjectCategory
GALAXY_OBJECT_CATEGORY_VIEW_ENGINE: GalaxyObjectCategory
GALAXY_OBJECT_CATEGORY_OTHER: GalaxyObjectCategory

class TestConnectionRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class TestConnectionResponse(_message.Message):
    __slots__ = ("connected", "message")
    CONNECTED_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    connected: bool
    message: str
    def __init__(self, connected: _Optional[bool] = ..., message: _Optional[str] = ...) -> None: ...

class GetLastDeployTimeRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetLastDeployTimeResponse(_message.Message):
    __slots__ = ("time_of_last_deploy", "time_of_last_deploy_present")
    TIME_OF_LAST_DEPLOY_FIELD_NUMBER: _ClassVar[int]
    TIME_OF_LAST_DEPLOY_PRESENT_FIELD_NUMBER: _ClassVar[int]
    time_of_last_deploy: _timestamp_pb2.Timestamp
    time_of_last_deploy_present: bool
    def __init__(self, time_of_last_deploy: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., time_of_last_deploy_present: _Optional[bool] = ...) -> None: ...

class GalaxyAttribute(_message.Message):
    __slots__ = ("attribute_name", "full_tag_reference", "data_type", "is_array", "security_classification", "is_historized", "is_alarmed", "is_dynamic")
    ATTRIBUTE_NAME_FIELD_NUMBER: _ClassVar[int]
    FULL_TAG_REFERENCE_FIELD_NUMBER: _ClassVar[int]
    DATA_TYPE_FIELD_NUMBER: _ClassVar[int]
    IS_ARRAY_FIELD_NUMBER: _ClassVar[int]
    SECURITY_CLASSIFICATION_FIELD_NUMBER: _ClassVar[int]
    IS_HISTORIZED_FIELD_NUMBER: _ClassVar[int]
    IS_ALARMED_FIELD_NUMBER: _ClassVar[int]
    IS_DYNAMIC_FIELD_NUMBER: _ClassVar[int]
    attribute_name: str
    full_tag_reference: str
    data_type: _types_pb2.MxDataType
    is_array: bool
    security_classification: _types_pb2.SecurityClassification
    is_historized: bool
    is_alarmed: bool
    is_dynamic: bool
    def __init__(self, attribute_name: _Optional[str] = ..., full_tag_reference: _Optional[str] = ..., data_type: _Optional[_Union[_types_pb2.MxDataType, str]] = ..., is_array: _Optional[bool] = ..., security_classification: _Optional[_Union[_types_pb2.SecurityClassification, str]] = ..., is_historized: _Optional[bool] = ..., is_alarmed: _Optional[bool] = ..., is_dynamic: _Optional[bool] = ...) -> None: ...

class GalaxyObject(_message.Message):
    __slots__ = ("gobject_id", "tag_name", "contained_name", "hierarchical_name", "parent_tag_name", "area_tag_name", "host_tag_name", "template_name", "category", "attributes")
    GOBJECT_ID_FIELD_NUMBER: _ClassVar[int]
    TAG_NAME_FIELD_NUMBER: _ClassVar[int]
    CONTAINED_NAME_FIELD_NUMBER: _ClassVar[int]
    HIERARCHICAL_NAME_FIELD_NUMBER: _ClassVar[int]
    PARENT_TAG_NAME_FIELD_NUMBER: _ClassVar[int]
    AREA_TAG_NAME_FIELD_NUMBER: _ClassVar[int]
    HOST_TAG_NAME_FIELD_NUMBER: _ClassVar[int]
    TEMPLATE_NAME_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    ATTRIBUTES_FIELD_NUMBER: _ClassVar[int]
    gobject_id: int
    tag_name: str
    contained_name: str
    hierarchical_name: str
    parent_tag_name: str
    area_tag_name: str
    host_tag_name: str
    template_name: str
    category: GalaxyObjectCategory
    attributes: _containers.RepeatedCompositeFieldContainer[GalaxyAttribute]
    def __init__(self, gobject_id: _Optional[int] = ..., tag_name: _Optional[str] = ..., contained_name: _Optional[str] = ..., hierarchical_name: _Optional[str] = ..., parent_tag_name: _Optional[str] = ..., area_tag_name: _Optional[str] = ..., host_tag_name: _Optional[str] = ..., template_name: _Optional[str] = ..., category: _Optional[_Union[GalaxyObjectCategory, str]] = ..., attributes: _Optional[_Iterable[_Union[GalaxyAttribute, _Mapping]]] = ...) -> None: ...

class DiscoverHierarchyRequest(_message.Message):
    __slots__ = ("page_size", "page_token")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class DiscoverHierarchyResponse(_message.Message):
    __slots__ = ("objects", "next_page_token", "total_object_count")
    OBJECTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TOTAL_OBJECT_COUNT_FIELD_NUMBER: _ClassVar[int]
    objects: _containers.RepeatedCompositeFieldContainer[GalaxyObject]
    next_page_token: str
    total_object_count: int
    def __init__(self, objects: _Optional[_Iterable[_Union[GalaxyObject, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., total_object_count: _Optional[int] = ...) -> None: ...

class WatchDeployEventsRequest(_message.Message):
    __slots__ = ("last_seen_deploy_time",)
    LAST_SEEN_DEPLOY_TIME_FIELD_NUMBER: _ClassVar[int]
    last_seen_deploy_time: _timestamp_pb2.Timestamp
    def __init__(self, last_seen_deploy_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class DeployEvent(_message.Message):
    __slots__ = ("sequence", "time_of_last_deploy", "time_of_last_deploy_present", "object_count", "attribute_count")
    SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    TIME_OF_LAST_DEPLOY_FIELD_NUMBER: _ClassVar[int]
    TIME_OF_LAST_DEPLOY_PRESENT_FIELD_NUMBER: _ClassVar[int]
    OBJECT_COUNT_FIELD_NUMBER: _ClassVar[int]
    ATTRIBUTE_COUNT_FIELD_NUMBER: _ClassVar[int]
    sequence: int
    time_of_last_deploy: _timestamp_pb2.Timestamp
    time_of_last_deploy_present: bool
    object_count: int
    attribute_count: int
    def __init__(self, sequence: _Optional[int] = ..., time_of_last_deploy: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., time_of_last_deploy_present: _Optional[bool] = ..., object_count: _Optional[int] = ..., attribute_count: _Optional[int] = ...) -> None: ...

class WatchDeployEventsResponse(_message.Message):
    __slots__ = ("event",)
    EVENT_FIELD_NUMBER: _ClassVar[int]
    event: DeployEvent
    def __init__(self, event: _Optional[_Union[DeployEvent, _Mapping]] = ...) -> None: ...
