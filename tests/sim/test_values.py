"""Values, generators and event framing, checked without a server."""

from __future__ import annotations

import math

import pytest

from mxshell.contract import mx, types
from mxshell.sim import codes, wire
from mxshell.sim import wire_values as values
from mxshell.sim.event_buffer import EventQueue
from mxshell.sim.generators import make_generator

T = types


@pytest.mark.parametrize(
    ("data_type", "is_array", "value", "expected"),
    [
        (T.MX_DATA_TYPE_DOUBLE, False, types.MxValue(int32_value=3), 3.0),
        (T.MX_DATA_TYPE_FLOAT, False, types.MxValue(double_value=0.5), 0.5),
        (T.MX_DATA_TYPE_INTEGER, False, types.MxValue(int64_value=7), 7),
        (T.MX_DATA_TYPE_ELAPSED_TIME, False, types.MxValue(int64_value=90_000), 90_000),
        (
            T.MX_DATA_TYPE_TIME,
            False,
            types.MxValue(timestamp_value={"seconds": 2, "nanos": 5}),
            2_000_000_005,
        ),
        (
            T.MX_DATA_TYPE_BOOLEAN,
            True,
            types.MxValue(bool_array={"values": [True, False]}),
            (True, False),
        ),
        (T.MX_DATA_TYPE_DOUBLE, True, types.MxValue(int32_array={"values": [1, 2]}), (1.0, 2.0)),
        (T.MX_DATA_TYPE_QUALIFIED_STRUCT, False, types.MxValue(raw_value=b"\x01"), b"\x01"),
    ],
)
def test_writes_accept_matching_and_widening_values(data_type, is_array, value, expected) -> None:
    assert values.from_write("X.Y", data_type, is_array, value) == expected


@pytest.mark.parametrize(
    ("data_type", "value", "detail"),
    [
        (T.MX_DATA_TYPE_INTEGER, types.MxValue(int64_value=1 << 40), codes.Detail.TYPE_MISMATCH),
        (T.MX_DATA_TYPE_INTEGER, types.MxValue(double_value=1.0), codes.Detail.TYPE_MISMATCH),
        (T.MX_DATA_TYPE_STRING, types.MxValue(bool_value=True), codes.Detail.TYPE_MISMATCH),
        (T.MX_DATA_TYPE_FLOAT, types.MxValue(double_value=1e300), codes.Detail.TYPE_MISMATCH),
        (
            T.MX_DATA_TYPE_DOUBLE,
            types.MxValue(double_array={"values": [1.0, math.nan]}),
            codes.Detail.TYPE_MISMATCH,
        ),
        (T.MX_DATA_TYPE_DOUBLE, types.MxValue(float_value=math.inf), codes.Detail.NOT_FINITE),
    ],
)
def test_writes_refuse_what_does_not_fit(data_type, value, detail) -> None:
    with pytest.raises(codes.MxError) as error:
        values.from_write("X.Y", data_type, False, value)
    assert error.value.detail == detail and error.value.hresult == codes.E_INVALIDARG


def test_nan_inside_an_array_is_refused_as_not_finite() -> None:
    with pytest.raises(codes.MxError) as error:
        values.from_write(
            "X.Y",
            T.MX_DATA_TYPE_DOUBLE,
            True,
            types.MxValue(double_array={"values": [1.0, math.nan]}),
        )
    assert error.value.detail == codes.Detail.NOT_FINITE


def test_hresults_are_signed_int32() -> None:
    assert codes.E_INVALIDARG == -2147024809
    assert codes.E_FAIL == -2147467259
    assert codes.E_HANDLE == -2147024890


@pytest.mark.parametrize("kind", ["ramp", "sine", "random_walk"])
def test_moving_generators_stay_in_range(kind) -> None:
    generator = make_generator(
        kind, {"low": 10, "high": 20, "period_s": 5, "step": 3}, None, 42, 0.0
    )
    samples = [generator.sample(t / 10) for t in range(200)]
    assert generator.moving and all(10 <= s <= 20 for s in samples)
    assert len(set(samples)) > 10


def test_counter_cycle_and_setpoint_generators() -> None:
    counter = make_generator("counter", {"step": 2, "every_s": 1}, 5, 0, since_s=100.0)
    assert [counter.sample(t) for t in (100.0, 101.5, 103.0)] == [5, 7, 11]
    counter.hold(0, 200.0)
    assert counter.sample(202.0) == 4
    cycle = make_generator("cycle", {"values": ["a", "b"], "period_s": 1}, None, 0, 0.0)
    assert {cycle.sample(t) for t in (0.0, 1.0)} == {"a", "b"}
    setpoint = make_generator("setpoint", {}, 1.5, 0, 0.0)
    setpoint.hold(2.5, 0.0)
    assert not setpoint.moving and setpoint.sample(99.0) == 2.5


def test_framed_events_parse_as_the_contract_says() -> None:
    prefix = wire.handle_prefix(3, 700)
    tail = wire.value_field(types.MxValue(double_value=1.5).SerializeToString())
    done = mx.OnWriteComplete(statuses=[codes.OK_STATUS]).SerializeToString()
    batch = mx.StreamEventsResponse.FromString(
        wire.frame_batch(
            [
                (1, wire.ON_DATA_CHANGE, prefix, tail),
                (300_000, wire.ON_WRITE_COMPLETE, prefix, done),
            ]
        )
    )
    first, second = batch.events
    assert first.worker_sequence == 1
    assert (first.on_data_change.server_handle, first.on_data_change.item_handle) == (3, 700)
    assert first.on_data_change.value.double_value == 1.5
    assert second.worker_sequence == 300_000 and second.on_write_complete.item_handle == 700
    assert [wire.varint(n) for n in (0, 127, 128, 1 << 21, 1 << 35)] == [
        b"\x00",
        b"\x7f",
        b"\x80\x01",
        b"\x80\x80\x80\x01",
        b"\x80\x80\x80\x80\x80\x01",
    ]


def test_event_queue_drops_oldest_and_counts_the_loss() -> None:
    queue = EventQueue(3)
    for n in range(5):
        queue.push(wire.ON_DATA_CHANGE, wire.handle_prefix(1, n + 1))
    batch = mx.StreamEventsResponse.FromString(queue.take_batch(10))
    assert [e.worker_sequence for e in batch.events] == [3, 4, 5]
    assert queue.dropped == 2 and len(queue) == 0
