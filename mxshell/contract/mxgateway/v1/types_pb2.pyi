import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class MxDataType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    MX_DATA_TYPE_UNSPECIFIED: _ClassVar[MxDataType]
    MX_DATA_TYPE_BOOLEAN: _ClassVar[MxDataType]
    MX_DATA_TYPE_INTEGER: _ClassVar[MxDataType]
    MX_DATA_TYPE_FLOAT: _ClassVar[MxDataType]
    MX_DATA_TYPE_DOUBLE: _ClassVar[MxDataType]
    MX_DATA_TYPE_STRING: _ClassVar[MxDataType]
    MX_DATA_TYPE_TIME: _ClassVar[MxDataType]
    MX_DATA_TYPE_ELAPSED_TIME: _ClassVar[MxDataType]
    MX_DATA_TYPE_REFERENCE: _ClassVar[MxDataType]
    MX_DATA_TYPE_STATUS: _ClassVar[MxDataType]
    MX_DATA_TYPE_ENUM: _ClassVar[MxDataType]
    MX_DATA_TYPE_QUALIFIED_STRUCT: _ClassVar[MxDataType]
    MX_DATA_TYPE_INTERNATIONALIZED_STRING: _ClassVar[MxDataType]
    MX_DATA_TYPE_BIG_STRING: _ClassVar[MxDataType]

class SecurityClassification(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SECURITY_CLASSIFICATION_UNSPECIFIED: _ClassVar[SecurityClassification]
    SECURITY_CLASSIFICATION_FREE_ACCESS: _ClassVar[SecurityClassification]
    SECURITY_CLASSIFICATION_OPERATE: _ClassVar[SecurityClassification]
    SECURITY_CLASSIFICATION_SECURED_WRITE: _ClassVar[SecurityClassification]
    SECURITY_CLASSIFICATION_VERIFIED_WRITE: _ClassVar[SecurityClassification]
    SECURITY_CLASSIFICATION_TUNE: _ClassVar[SecurityClassification]
    SECURITY_CLASSIFICATION_CONFIGURE: _ClassVar[SecurityClassification]
    SECURITY_CLASSIFICATION_VIEW_ONLY: _ClassVar[SecurityClassification]
MX_DATA_TYPE_UNSPECIFIED: MxDataType
MX_DATA_TYPE_BOOLEAN: MxDataType
MX_DATA_TYPE_INTEGER: MxDataType
MX_DATA_TYPE_FLOAT: MxDataType
MX_DATA_TYPE_DOUBLE: MxDataType
MX_DATA_TYPE_STRING: MxDataType
MX_DATA_TYPE_TIME: MxDataType
MX_DATA_TYPE_ELAPSED_TIME: MxDataType
MX_DATA_TYPE_REFERENCE: MxDataType
MX_DATA_TYPE_STATUS: MxDataType
MX_DATA_TYPE_ENUM: MxDataType
MX_DATA_TYPE_QUALIFIED_STRUCT: MxDataType
MX_DATA_TYPE_INTERNATIONALIZED_STRING: MxDataType
MX_DATA_TYPE_BIG_STRING: MxDataType
SECURITY_CLASSIFICATION_UNSPECIFIED: SecurityClassification
SECURITY_CLASSIFICATION_FREE_ACCESS: SecurityClassification
SECURITY_CLASSIFICATION_OPERATE: SecurityClassification
SECURITY_CLASSIFICATION_SECURED_WRITE: SecurityClassification
SECURITY_CLASSIFICATION_VERIFIED_WRITE: SecurityClassification
SECURITY_CLASSIFICATION_TUNE: SecurityClassification
SECURITY_CLASSIFICATION_CONFIGURE: SecurityClassification
SECURITY_CLASSIFICATION_VIEW_ONLY: SecurityClassification

class BoolArray(_message.Message):
    __slots__ = ("values",)
    VALUES_FIELD_NUMBER: _ClassVar[int]
    values: _containers.RepeatedScalarFieldContainer[bool]
    def __init__(self, values: _Optional[_Iterable[bool]] = ...) -> None: ...

class Int32Array(_message.Message):
    __slots__ = ("values",)
    VALUES_FIELD_NUMBER: _ClassVar[int]
    values: _containers.RepeatedScalarFieldContainer[int]
    def __init__(self, values: _Optional[_Iterable[int]] = ...) -> None: ...

class Int64Array(_message.Message):
    __slots__ = ("values",)
    VALUES_FIELD_NUMBER: _ClassVar[int]
    values: _containers.RepeatedScalarFieldContainer[int]
    def __init__(self, values: _Optional[_Iterable[int]] = ...) -> None: ...

class FloatArray(_message.Message):
    __slots__ = ("values",)
    VALUES_FIELD_NUMBER: _ClassVar[int]
    values: _containers.RepeatedScalarFieldContainer[float]
    def __init__(self, values: _Optional[_Iterable[float]] = ...) -> None: ...

class DoubleArray(_message.Message):
    __slots__ = ("values",)
    VALUES_FIELD_NUMBER: _ClassVar[int]
    values: _containers.RepeatedScalarFieldContainer[float]
    def __init__(self, values: _Optional[_Iterable[float]] = ...) -> None: ...

class StringArray(_message.Message):
    __slots__ = ("values",)
    VALUES_FIELD_NUMBER: _ClassVar[int]
    values: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, values: _Optional[_Iterable[str]] = ...) -> None: ...

class TimestampArray(_message.Message):
    __slots__ = ("values",)
    VALUES_FIELD_NUMBER: _ClassVar[int]
    values: _containers.RepeatedCompositeFieldContainer[_timestamp_pb2.Timestamp]
    def __init__(self, values: _Optional[_Iterable[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]]] = ...) -> None: ...

class MxValue(_message.Message):
    __slots__ = ("bool_value", "int32_value", "int64_value", "float_value", "double_value", "string_value", "timestamp_value", "bool_array", "int32_array", "int64_array", "float_array", "double_array", "string_array", "timestamp_array", "raw_value")
    BOOL_VALUE_FIELD_NUMBER: _ClassVar[int]
    INT32_VALUE_FIELD_NUMBER: _ClassVar[int]
    INT64_VALUE_FIELD_NUMBER: _ClassVar[int]
    FLOAT_VALUE_FIELD_NUMBER: _ClassVar[int]
    DOUBLE_VALUE_FIELD_NUMBER: _ClassVar[int]
    STRING_VALUE_FIELD_NUMBER: _ClassVar[int]
    TIMESTAMP_VALUE_FIELD_NUMBER: _ClassVar[int]
    BOOL_ARRAY_FIELD_NUMBER: _ClassVar[int]
    INT32_ARRAY_FIELD_NUMBER: _ClassVar[int]
    INT64_ARRAY_FIELD_NUMBER: _ClassVar[int]
    FLOAT_ARRAY_FIELD_NUMBER: _ClassVar[int]
    DOUBLE_ARRAY_FIELD_NUMBER: _ClassVar[int]
    STRING_ARRAY_FIELD_NUMBER: _ClassVar[int]
    TIMESTAMP_ARRAY_FIELD_NUMBER: _ClassVar[int]
    RAW_VALUE_FIELD_NUMBER: _ClassVar[int]
    bool_value: bool
    int32_value: int
    int64_value: int
    float_value: float
    double_value: float
    string_value: str
    timestamp_value: _timestamp_pb2.Timestamp
    bool_array: BoolArray
    int32_array: Int32Array
    int64_array: Int64Array
    float_array: FloatArray
    double_array: DoubleArray
    string_array: StringArray
    timestamp_array: TimestampArray
    raw_value: bytes
    def __init__(self, bool_value: _Optional[bool] = ..., int32_value: _Optional[int] = ..., int64_value: _Optional[int] = ..., float_value: _Optional[float] = ..., double_value: _Optional[float] = ..., string_value: _Optional[str] = ..., timestamp_value: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., bool_array: _Optional[_Union[BoolArray, _Mapping]] = ..., int32_array: _Optional[_Union[Int32Array, _Mapping]] = ..., int64_array: _Optional[_Union[Int64Array, _Mapping]] = ..., float_array: _Optional[_Union[FloatArray, _Mapping]] = ..., double_array: _Optional[_Union[DoubleArray, _Mapping]] = ..., string_array: _Optional[_Union[StringArray, _Mapping]] = ..., timestamp_array: _Optional[_Union[TimestampArray, _Mapping]] = ..., raw_value: _Optional[bytes] = ...) -> None: ...

class MxStatus(_message.Message):
    __slots__ = ("success", "category", "detected_by", "detail")
    SUCCESS_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    DETECTED_BY_FIELD_NUMBER: _ClassVar[int]
    DETAIL_FIELD_NUMBER: _ClassVar[int]
    success: int
    category: int
    detected_by: int
    detail: int
    def __init__(self, success: _Optional[int] = ..., category: _Optional[int] = ..., detected_by: _Optional[int] = ..., detail: _Optional[int] = ...) -> None: ...
