"""The plant at runtime: one live Point per attribute in use, a ticker, and fan-out.

A Point exists once someone has added its attribute. One ticker task samples only the
points that someone advises and whose value moves. Each change is encoded once (the
OnDataChange tail) and pushed to every advising item's session buffer.
"""

from __future__ import annotations

import asyncio
import random
import time
import zlib
from typing import Any

from mxshell.contract import mx
from mxshell.sim import codes, wire
from mxshell.sim import wire_values as values
from mxshell.sim.codes import Quality
from mxshell.sim.galaxy_model import ATTRIBUTE_NAMES, AttributeDef, GObject, Resolved
from mxshell.sim.generators import make_generator
from mxshell.sim.points import (
    DerivedPoint,
    ElementPoint,
    Point,
    PropertyPoint,
    Subscriber,
    buffered_tail,
    default_value,
    initial_quality,
    stamp_of,
    waiting_tail,
)

_FLAKY_ODDS = 0.03
# A buffered point's samples go out as one OnBufferedDataChange every this many ticks.
BUFFER_TICKS = 10
OPERATION_COMPLETE = wire.OPERATION_COMPLETE
ON_BUFFERED_DATA_CHANGE = wire.ON_BUFFERED_DATA_CHANGE
# OperationComplete's body after its handles: one Ok status (field 3).
_OPERATION_OK = mx.OperationComplete(statuses=[codes.OK_STATUS]).SerializeToString()
_FRESH_NS = 1_000_000  # a point sampled this recently needs no refresh
ON_DATA_CHANGE = wire.ON_DATA_CHANGE


class PlantRuntime:
    """Every live point, the ticker that moves them, and writes into them."""

    def __init__(self, clock_ns: Any = time.time_ns) -> None:
        self._clock_ns = clock_ns
        self.points: dict[str, Point] = {}
        self._moving: set[Point] = set()
        self._started_s = clock_ns() / 1e9
        self._rng = random.Random(192)
        self.ticks = 0
        self.off_scan: set[int] = set()  # ids of objects taken off scan
        self._buffered: set[Point] = set()  # buffered points someone advises

    def now_ns(self) -> int:
        return int(self._clock_ns())

    def point(self, resolved: Resolved) -> Point:
        key = resolved.reference.lower()
        point = self.points.get(key)
        if point is None:
            point = self.points[key] = self._new_point(resolved)
        return point

    def _new_point(self, resolved: Resolved) -> Point:
        if resolved.prop is not None or resolved.element is not None:
            base = self.point(resolved.base)
            made: DerivedPoint
            if resolved.prop is not None:
                made = PropertyPoint(resolved, base)
            else:
                made = ElementPoint(resolved, base)
            base.elements = [*(base.elements or ()), made]
            return made
        obj, attr = resolved.obj, resolved.attr
        initial = _initial_value(obj, attr, self.now_ns())
        seed = zlib.crc32(resolved.reference.lower().encode())
        generator = make_generator(attr.generator, attr.params, initial, seed, self._started_s)
        point = Point(resolved, generator, self.now_ns())
        if id(obj) in self.off_scan:
            point.change(point.value, Quality.BAD_OUT_OF_SERVICE, self.now_ns())
        return point

    def advise(self, point: Point, item: Subscriber) -> None:
        """Subscribe the item; its first OnDataChange comes now, or, for a slow point,
        `waiting for initial data` (32, no value) now and the value after its delay."""
        item.advise_token += 1
        if point.attr.delay_ms > 0 and not point.undeployed:
            item.events.push(ON_DATA_CHANGE, item.prefix, waiting_tail(self.now_ns()))
            asyncio.get_running_loop().call_later(
                point.attr.delay_ms / 1000, self._late_join, point, item, item.advise_token
            )
        else:
            self._join(point, item)

    def _late_join(self, point: Point, item: Subscriber, token: int) -> None:
        if item.advise_token == token:
            self._join(point, item)

    def refresh(self, point: Point) -> None:
        """Bring an unwatched moving point up to date (the ticker skips those)."""
        now_ns = self.now_ns()
        if (
            point.advisers
            or not point.generator.moving
            or point.undeployed
            or now_ns - point.timestamp_ns < _FRESH_NS
        ):
            return
        value = point.cast(point.generator.sample(now_ns / 1e9))
        if value != point.value:
            point.change(value, point.quality, now_ns)

    def _join(self, point: Point, item: Subscriber) -> None:
        source = _root(point)
        self.refresh(source)
        for derived in source.elements or ():
            derived.sync()
        if isinstance(point, DerivedPoint):
            point.sync()
        point.advisers.add(item)
        moves = source.generator.moving or source.attr.quality == "flaky"
        if moves and not source.undeployed:
            self._moving.add(source)  # the ticker moves the base; what follows it, too
        if point.samples is not None:  # buffered: the current value as a batch of one,
            sample = [(point.value, point.quality, point.timestamp_ns)]
            item.events.push(ON_BUFFERED_DATA_CHANGE, item.prefix, buffered_tail(point, sample))
            item.events.push(OPERATION_COMPLETE, item.prefix, _OPERATION_OK)  # its advise set up
            self._buffered.add(point)
            return
        item.events.push(ON_DATA_CHANGE, item.prefix, point.tail)

    def unadvise(self, point: Point, item: Subscriber) -> None:
        item.advise_token += 1
        point.advisers.discard(item)
        source = _root(point)
        if not _watched(source):
            self._moving.discard(source)

    def write(self, point: Point, value: Any, timestamp_ns: int | None = None) -> None:
        if isinstance(point, ElementPoint):  # the array is written, one element changed
            items = list(point.base.value)
            items[point.index - 1] = value
            self.write(point.base, tuple(items), timestamp_ns)
            return
        now = self.now_ns()
        point.generator.hold(value, now / 1e9)
        point.change(value, point.quality, timestamp_ns or now)
        point.publish()
        if point.elements:
            _follow(point)

    def undeploy(self, objects: list[GObject]) -> None:
        """Points of undeployed objects go Bad, not connected (8: no engine hosts them any
        more) and tell their advisers; writes to them are refused."""
        gone = {id(o) for o in objects}
        failure = codes.object_undeployed("").status()
        for point in self.points.values():
            if id(point.obj) in gone and not point.undeployed:
                point.undeployed = True
                if isinstance(point, DerivedPoint):
                    continue  # follows its base, below
                point.status = failure
                self._moving.discard(point)
                point.change(point.value, Quality.BAD_NOT_CONNECTED, self.now_ns())
                point.publish()
                _follow(point)

    def set_scan(self, obj: GObject, on_scan: bool) -> int:
        """Take an object off scan (its points Bad, out of service: 28, values held) or
        back on (their own quality again); returns how many points changed."""
        changed = 0
        if on_scan:
            self.off_scan.discard(id(obj))
        else:
            self.off_scan.add(id(obj))
        for point in list(self.points.values()):
            if point.obj is not obj or point.undeployed or isinstance(point, DerivedPoint):
                continue
            own = initial_quality(point.attr.quality)[0]
            quality = own if on_scan else Quality.BAD_OUT_OF_SERVICE
            moves = point.generator.moving or point.attr.quality == "flaky"
            if on_scan and point.advisers and moves:
                self._moving.add(point)
            elif not on_scan:
                self._moving.discard(point)  # off scan, values hold
            if quality != point.quality:
                point.change(point.value, quality, self.now_ns())
                point.publish()
                _follow(point)
                changed += 1
        return changed

    def override(self, point: Point, value: Any | None) -> None:
        """Override a point by hand (Good, local override: 216) with `value`, or release
        the override (None): its own quality again, the held value kept."""
        if value is None:
            quality = initial_quality(point.attr.quality)[0]
        else:
            point.generator.hold(value, self.now_ns() / 1e9)
            quality = Quality.GOOD_LOCAL_OVERRIDE
        point.change(point.value if value is None else value, quality, self.now_ns())
        point.publish()
        _follow(point)

    def tick(self) -> int:
        """Sample every advised moving point once; returns how many changed."""
        now_ns = self.now_ns()
        now_s = now_ns / 1e9
        stamps: dict[tuple[int, int], bytes] = {}
        changed = 0
        rng = self._rng.random
        for point in self._moving:
            value = point.cast(point.generator.sample(now_s))
            quality = point.quality
            if point.attr.quality == "flaky":
                quality = Quality.UNCERTAIN_LAST_USABLE if rng() < _FLAKY_ODDS else Quality.GOOD
            if value == point.value and quality == point.quality:
                continue
            stamp = stamps.get((quality, id(point.status)))
            if stamp is None:
                stamp = stamps[(quality, id(point.status))] = stamp_of(
                    quality, now_ns, point.status
                )
            # Point.change and Point.publish, inlined: this loop runs per change.
            point.value, point.quality, point.timestamp_ns = value, quality, now_ns
            point._mx_value = None
            tail = point._tail = point.encode(value) + stamp
            if point.samples is not None:  # buffered: kept for the next batch
                point.samples.append((value, quality, now_ns))
                changed += 1
                continue
            for item in point.advisers:
                item.events.push(ON_DATA_CHANGE, item.prefix, tail)
            if point.elements:
                _follow(point)
            changed += 1
        self.ticks += 1
        if self._buffered and self.ticks % BUFFER_TICKS == 0:
            for buffered in list(self._buffered):
                buffered.flush()
                if not buffered.advisers:
                    self._buffered.discard(buffered)
        return changed

    async def run_ticker(self, interval_s: float) -> None:
        """Tick at a fixed rate, but never busier than half the time.

        When ticks take longer than the interval (too many advised points for it), the
        rate drops instead of the ticker starving the streams that carry its events.
        """
        loop = asyncio.get_running_loop()
        next_tick = loop.time() + interval_s
        while True:
            await asyncio.sleep(max(0.0, next_tick - loop.time()))
            started = loop.time()
            self.tick()
            finished = loop.time()
            next_tick = max(next_tick + interval_s, finished + (finished - started))

    def detach_all(self) -> None:
        """Forget every adviser (the gateway restarted); values and writes stay."""
        for point in self.points.values():
            point.advisers.clear()
        self._moving.clear()


def _initial_value(obj: GObject, attr: AttributeDef, now_ns: int) -> Any:
    if attr is ATTRIBUTE_NAMES:
        return tuple(a.name for a in obj.attributes())
    raw = obj.initial_value(attr)
    if attr.is_array:
        return tuple(_initial_item(attr, v, now_ns) for v in raw or ())
    return default_value(attr.data_type) if raw is None else _initial_item(attr, raw, now_ns)


def _initial_item(attr: AttributeDef, raw: Any, now_ns: int) -> Any:
    return now_ns if raw == "now" else values.cast(attr.data_type, raw)


def _follow(point: Point) -> None:
    """After a change of `point`: the items that follow it (elements, properties, and
    their own followers) take it up and tell their advisers."""
    for derived in point.elements or ():
        if derived.sync():
            derived.publish()
            if derived.elements:
                _follow(derived)


def _root(point: Point) -> Point:
    """The point that moves: a derived item's base (an element's array, a property's
    attribute, or the array of an element whose property it is), else the point."""
    while isinstance(point, DerivedPoint):
        point = point.base
    return point


def _watched(point: Point) -> bool:
    """Whether anyone advises the point, or an item that follows it."""
    return bool(point.advisers) or any(_watched(d) for d in point.elements or ())
