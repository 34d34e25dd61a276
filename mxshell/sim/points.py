"""Live points: one attribute of one object in use (Point), and the items derived from
one (an array's element `Attr[N]`, an attribute's property `Attr.Quality`), which follow
their base point and never move by themselves."""

from __future__ import annotations

import struct
from collections.abc import Callable
from dataclasses import replace
from typing import Any, Protocol

from mxshell.contract import mx, types
from mxshell.sim import codes, wire
from mxshell.sim import wire_values as values
from mxshell.sim.codes import Quality
from mxshell.sim.event_buffer import EventQueue
from mxshell.sim.galaxy_model import AttributeDef, Resolved
from mxshell.sim.generators import Generator

ON_DATA_CHANGE = wire.ON_DATA_CHANGE
ON_BUFFERED_DATA_CHANGE = wire.ON_BUFFERED_DATA_CHANGE


class Subscriber(Protocol):
    """An advised item, as the runtime sees it: where its events go, under which handles."""

    events: EventQueue
    prefix: bytes
    advise_token: int  # bumped by every advise and unadvise; a late first value checks it


_DOUBLE_HEAD = b"\x1a\x09\x29"  # OnDataChange.value, 9 bytes: MxValue.double_value
_FLOAT_HEAD = b"\x1a\x05\x25"  # OnDataChange.value, 5 bytes: MxValue.float_value
_pack_double, _pack_float = struct.Struct("<d").pack, struct.Struct("<f").pack


def default_value(attr_type: int) -> Any:
    if attr_type in (types.MX_DATA_TYPE_FLOAT, types.MX_DATA_TYPE_DOUBLE):
        return 0.0
    if attr_type == types.MX_DATA_TYPE_BOOLEAN:
        return False
    if attr_type in values.WIRE_KIND and values.WIRE_KIND[attr_type][0] == "string_value":
        return ""
    if attr_type == types.MX_DATA_TYPE_QUALIFIED_STRUCT:
        return b""
    return 0


def _value_encoder(attr: AttributeDef) -> Callable[[Any], bytes]:
    """Value -> the serialized OnDataChange.value field (scalar floats take a short cut)."""
    if not attr.is_array and attr.data_type == types.MX_DATA_TYPE_DOUBLE:
        return lambda v: _DOUBLE_HEAD + _pack_double(v)
    if not attr.is_array and attr.data_type == types.MX_DATA_TYPE_FLOAT:
        return lambda v: _FLOAT_HEAD + _pack_float(v)
    data_type, is_array = attr.data_type, attr.is_array
    return lambda v: wire.value_field(
        values.to_mx_value(data_type, is_array, v).SerializeToString()
    )


class Point:
    """The live state of one attribute of one object."""

    __slots__ = (
        "reference",
        "obj",
        "attr",
        "generator",
        "cast",
        "encode",
        "value",
        "quality",
        "timestamp_ns",
        "status",
        "advisers",
        "undeployed",
        "_mx_value",
        "_tail",
        "elements",
        "samples",
    )
    _mx_value: types.MxValue | None
    _tail: bytes | None

    def __init__(self, resolved: Resolved, generator: Generator, now_ns: int) -> None:
        attr = resolved.attr
        self.reference = resolved.reference
        self.obj, self.attr = resolved.obj, attr
        self.generator = generator
        self.cast = (lambda v: v) if attr.is_array else values.caster(attr.data_type)
        self.encode = _value_encoder(attr)
        self.quality, self.status = initial_quality(attr.quality)
        self.advisers: set[Subscriber] = set()
        self.undeployed = False
        self.elements: list[DerivedPoint] | None = None  # items that follow it (Attr[N], .Quality)
        # A buffered point's samples since its advisers last heard (value, quality, ns).
        self.samples: list[tuple[Any, int, int]] | None = [] if attr.buffered else None
        self.change(self.cast(generator.sample(now_ns / 1e9)), self.quality, now_ns)

    def mx_value(self) -> types.MxValue:
        if self._mx_value is None:
            self._mx_value = values.to_mx_value(self.attr.data_type, self.attr.is_array, self.value)
        return self._mx_value

    def change(self, value: Any, quality: int, timestamp_ns: int) -> None:
        """A new value (and quality and time); its OnDataChange is encoded when first asked
        for (`tail`): a point that is read but not advised never needs it."""
        self.value, self.quality, self.timestamp_ns = value, quality, timestamp_ns
        self._mx_value = None
        self._tail = None

    @property
    def tail(self) -> bytes:
        """The value's OnDataChange after its handles: value, quality, timestamp, statuses."""
        if self._tail is None:
            stamp = stamp_of(self.quality, self.timestamp_ns, self.status)
            self._tail = self.encode(self.value) + stamp
        return self._tail

    def publish(self) -> None:
        if self.samples is not None:  # buffered: this value as a batch of one
            self.samples.append((self.value, self.quality, self.timestamp_ns))
            self.flush()
            return
        tail = self.tail
        for item in self.advisers:
            item.events.push(ON_DATA_CHANGE, item.prefix, tail)

    def flush(self) -> None:
        """A buffered point's samples so far, as one OnBufferedDataChange per adviser."""
        if not self.samples:
            return
        tail = buffered_tail(self, self.samples)
        self.samples = []
        for item in self.advisers:
            item.events.push(ON_BUFFERED_DATA_CHANGE, item.prefix, tail)


class DerivedPoint(Point):
    """An item that follows a base point and never moves by itself: `sync` takes its
    value and quality from the base after each change of it."""

    __slots__ = ("base",)

    def __init__(self, resolved: Resolved, base: Point, attr: AttributeDef) -> None:
        self.reference, self.obj, self.attr = resolved.reference, base.obj, attr
        self.base = base
        self.cast = values.caster(attr.data_type)
        self.encode = _value_encoder(attr)
        self.generator = Generator(None)
        self.status = base.status
        self.advisers = set()
        self.undeployed = base.undeployed
        self.elements = None
        self.samples = None
        self.value = None

    def derive(self) -> tuple[Any, int]:
        raise NotImplementedError

    def sync(self) -> bool:
        """Take the base's value now; whether this item changed (value or quality)."""
        value, quality = self.derive()
        if self.value is not None and (value, quality) == (self.value, self.quality):
            return False
        self.status = self.status_of_base()
        self.change(value, quality, self.base.timestamp_ns)
        return True

    def status_of_base(self) -> types.MxStatus:
        return self.base.status


class ElementPoint(DerivedPoint):
    """One element of an array attribute (`Attr[N]`, from 1): its value is the array's
    N-th; a write to it writes the array; advisers hear of the element's own changes.
    An index past the array's end (after the array shrank) reads Bad (configuration)."""

    __slots__ = ("index",)

    def __init__(self, resolved: Resolved, array: Point) -> None:
        attr = replace(array.attr, is_array=False, generator="static", quality="good")
        super().__init__(resolved, array, attr)
        self.index = resolved.element or 0
        self.sync()

    def derive(self) -> tuple[Any, int]:
        array = self.base
        if 0 < self.index <= len(array.value):
            return array.value[self.index - 1], array.quality
        return default_value(self.attr.data_type), Quality.BAD_CONFIGURATION_ERROR


# A property's type: the quality and classification as integers, the timestamp as a Time.
_PROPERTY_TYPES = {
    "Quality": types.MX_DATA_TYPE_INTEGER,
    "TimeStamp": types.MX_DATA_TYPE_TIME,
    "SecurityClassification": types.MX_DATA_TYPE_INTEGER,
}


class PropertyPoint(DerivedPoint):
    """A property of an attribute read as an item of its own (`Tank1.Level.Quality`,
    `.TimeStamp`, `.SecurityClassification`): Good, ViewOnly, following the attribute."""

    __slots__ = ("prop",)

    def __init__(self, resolved: Resolved, base: Point) -> None:
        prop = resolved.prop or "Quality"
        attr = AttributeDef(
            f"{base.attr.name}.{prop}",
            _PROPERTY_TYPES[prop],
            security=types.SECURITY_CLASSIFICATION_VIEW_ONLY,
        )
        super().__init__(resolved, base, attr)
        self.prop = prop
        self.sync()

    def derive(self) -> tuple[Any, int]:
        base = self.base
        if self.prop == "Quality":
            value: Any = base.quality
        elif self.prop == "TimeStamp":
            value = base.timestamp_ns
        else:
            value = int(base.attr.security)
        return value, Quality.GOOD

    def status_of_base(self) -> types.MxStatus:
        return codes.OK_STATUS  # the property reads well whatever the value's status


def waiting_tail(now_ns: int) -> bytes:
    """An OnDataChange tail with no value: Bad, waiting for initial data (32)."""
    return wire.stamp(Quality.BAD_WAITING_FOR_INITIAL_DATA, now_ns, _OK_STATUS_BYTES)


def initial_quality(hint: str) -> tuple[int, types.MxStatus]:
    if hint == "bad":
        failure = codes.MxError(
            codes.E_FAIL,
            codes.Category.COMMUNICATION_ERROR,
            codes.DetectedBy.RESPONDING_AUTOMATION_OBJECT,
            codes.Detail.DEVICE_NOT_CONNECTED,
            "device not connected",
        )
        return Quality.BAD_COMMUNICATION_FAILURE, failure.status()
    if hint == "uncertain":
        return Quality.UNCERTAIN_SENSOR_NOT_ACCURATE, codes.OK_STATUS
    if hint == "override":
        return Quality.GOOD_LOCAL_OVERRIDE, codes.OK_STATUS
    return Quality.GOOD, codes.OK_STATUS


_OK_STATUS_BYTES = codes.OK_STATUS.SerializeToString()


def stamp_of(quality: int, timestamp_ns: int, status: types.MxStatus) -> bytes:
    encoded = _OK_STATUS_BYTES if status is codes.OK_STATUS else status.SerializeToString()
    return wire.stamp(quality, timestamp_ns, encoded)


def buffered_tail(point: Point, samples: list[tuple[Any, int, int]]) -> bytes:
    """An OnBufferedDataChange body after its handles: the samples and an Ok status."""
    data_type, is_array = point.attr.data_type, point.attr.is_array
    body = mx.OnBufferedDataChange(statuses=[codes.OK_STATUS])
    for value, quality, timestamp_ns in samples:
        sample = body.samples.add(quality=quality)
        sample.value.CopyFrom(values.to_mx_value(data_type, is_array, value))
        sample.timestamp.FromNanoseconds(timestamp_ns)
    return body.SerializeToString()
