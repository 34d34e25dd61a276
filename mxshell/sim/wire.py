"""Hand-framed StreamEventsResponse bytes, so a value change is encoded once and fanned out.

Protobuf messages concatenate: a serialized `OnDataChange(server_handle, item_handle)`
followed by a serialized `OnDataChange(value, quality, timestamp, statuses)` parses as
one OnDataChange. Each subscriber keeps its handle prefix; each change builds its tail
once; framing an event only wraps the two with its worker_sequence.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

from mxshell.contract import mx

# MxEvent oneof field tags (field number << 3 | length-delimited wire type).
ON_DATA_CHANGE = (10 << 3) | 2
ON_WRITE_COMPLETE = (11 << 3) | 2
OPERATION_COMPLETE = (12 << 3) | 2
ON_BUFFERED_DATA_CHANGE = (13 << 3) | 2
OPERATION_COMPLETE = (12 << 3) | 2

_EVENTS_FIELD = b"\x0a"  # StreamEventsResponse.events (field 1, length-delimited)
# In frame_batch, b"\x08" is MxEvent.worker_sequence (field 1, varint).
_VALUE_FIELD = b"\x1a"  # OnDataChange.value (field 3, length-delimited)


@functools.cache
def _small_varints() -> list[bytes]:
    # Built on first use, not at import: 16,384 objects take about 3 ms, which every
    # start of the shell would pay before its first prompt.
    return [bytes([n]) if n < 0x80 else bytes([(n & 0x7F) | 0x80, n >> 7]) for n in range(1 << 14)]


def varint(n: int) -> bytes:
    """Protobuf base-128 varint of a non-negative integer."""
    if n < 1 << 14:
        return _small_varints()[n]
    if n < 1 << 21:
        return bytes(((n & 0x7F) | 0x80, ((n >> 7) & 0x7F) | 0x80, n >> 14))
    out = bytearray()
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def handle_prefix(server_handle: int, item_handle: int) -> bytes:
    """The per-subscriber head of an OnDataChange (or OnWriteComplete) body."""
    return mx.OnDataChange(server_handle=server_handle, item_handle=item_handle).SerializeToString()


def value_field(mx_value_bytes: bytes) -> bytes:
    """OnDataChange.value wrapped around an already serialized MxValue."""
    return _VALUE_FIELD + varint(len(mx_value_bytes)) + mx_value_bytes


def stamp(quality: int, timestamp_ns: int, status: bytes) -> bytes:
    """OnDataChange's quality, timestamp and one serialized MxStatus, as one chunk."""
    seconds, nanos = divmod(timestamp_ns, 1_000_000_000)
    moment = b"\x08" + varint(seconds) + (b"\x10" + varint(nanos) if nanos else b"")
    return b"".join(
        (
            b"\x20",
            varint(quality),
            b"\x2a",
            varint(len(moment)),
            moment,
            b"\x32",
            varint(len(status)),
            status,
        )
    )


def frame_batch(entries: Iterable[tuple[int, int, bytes, bytes]]) -> bytes:
    """A serialized StreamEventsResponse of (worker_sequence, field tag, prefix, tail) events.

    Each event is MxEvent{worker_sequence, <field>: prefix + tail}. Written out inline:
    this loop runs once per event on the stream's hot path.
    """
    small = _small_varints()
    parts: list[bytes] = []
    append = parts.append
    for sequence, field_tag, prefix, tail in entries:
        seq = small[sequence] if sequence < 16384 else varint(sequence)
        body = len(prefix) + len(tail)
        body_len = small[body] if body < 16384 else varint(body)
        event = 2 + len(seq) + len(body_len) + body
        append(
            b"%b%b\x08%b%c%b%b%b"
            % (
                _EVENTS_FIELD,
                small[event] if event < 16384 else varint(event),
                seq,
                field_tag,
                body_len,
                prefix,
                tail,
            )
        )
    return b"".join(parts)


def identity(payload: bytes) -> bytes:
    """Response serializer for StreamEvents: its batches are framed already."""
    return payload
