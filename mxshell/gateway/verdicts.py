"""How many entries of a bulk reply went well, counted from the reply's bytes.

A command that says whether 10,000 reads or writes went well must look at each entry's
`was_successful`. Read from the parsed reply, that makes a Python object for every entry
(the protobuf runtime keeps none per entry), which costs more than parsing the reply. So
a bulk reply is parsed a second time from the same bytes, as `_VERDICTS`: a view of
InvokeResponse in which a bulk result list's `results` is declared as one message, not a
repeated one. Protobuf merges the occurrences of a singular message field into one, and
merging appends repeated fields, so every entry's `was_successful` lands in one repeated
bool, summed in C. The entries' other fields are not in the view (kept unread). That
second parse costs about half of the objects it saves. The view, as .proto text:

    message Verdicts { repeated bool was_successful = 2; }  // 3 in a SubscribeResult
    message VerdictList { Verdicts results = 1; }           // each entry merged into one
    message InvokeVerdicts {
      VerdictList subscribe_results = 12;
      VerdictList bulk_write_results = 13;
      VerdictList bulk_read_results = 14;
    }
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, NamedTuple, TypeVar, overload

from google.protobuf import descriptor_pb2, descriptor_pool, message, message_factory

from mxshell.contract import mx

_Result = TypeVar("_Result")

_FIELD = descriptor_pb2.FieldDescriptorProto
_BOOL, _MESSAGE = _FIELD.TYPE_BOOL, _FIELD.TYPE_MESSAGE
_REPEATED, _OPTIONAL = _FIELD.LABEL_REPEATED, _FIELD.LABEL_OPTIONAL
# InvokeResponse's bulk result fields, and the number of was_successful in their entries.
_RESULT_FIELDS = {
    "subscribe_results": (12, 3),
    "bulk_write_results": (13, 2),
    "bulk_read_results": (14, 2),
}


def _view() -> type[message.Message]:
    """The InvokeVerdicts message class (above), in a pool of its own."""
    view = descriptor_pb2.FileDescriptorProto(
        name="mxshell/verdicts.proto", package="mxshell.verdicts", syntax="proto3"
    )
    for verdict in sorted({verdict for _, verdict in _RESULT_FIELDS.values()}):
        entries = view.message_type.add(name=f"Verdicts{verdict}")
        entries.field.add(name="was_successful", number=verdict, type=_BOOL, label=_REPEATED)
        merged = view.message_type.add(name=f"VerdictList{verdict}")
        merged.field.add(name="results", number=1, **_message(f"Verdicts{verdict}"))
    top = view.message_type.add(name="InvokeVerdicts")
    for name, (number, verdict) in _RESULT_FIELDS.items():
        top.field.add(name=name, number=number, **_message(f"VerdictList{verdict}"))
    pool = descriptor_pool.DescriptorPool()
    pool.Add(view)
    return message_factory.GetMessageClass(
        pool.FindMessageTypeByName("mxshell.verdicts.InvokeVerdicts")
    )


def _message(name: str) -> dict[str, Any]:
    """A singular field of a message type of the view."""
    return {"type": _MESSAGE, "label": _OPTIONAL, "type_name": f".mxshell.verdicts.{name}"}


_VERDICTS = _view()


class CountedReply(NamedTuple):
    """A reply, and how many of its bulk entries have was_successful set."""

    reply: mx.InvokeResponse
    succeeded: int


def counted_reply(data: bytes) -> CountedReply:
    """A bulk command's reply parsed from its bytes, its entries' verdicts counted (the
    view first, and let go before the reply is parsed, which then reuses its memory)."""
    succeeded = succeeded_entries(data)
    return CountedReply(mx.InvokeResponse.FromString(data), succeeded)


def succeeded_entries(data: bytes) -> int:
    """How many entries of a serialized bulk reply have was_successful set."""
    view: Any = _VERDICTS.FromString(data)
    return sum(sum(getattr(view, name).results.was_successful) for name in _RESULT_FIELDS)


def failed_among(results: Sequence[Any], succeeded: int) -> int:
    """How many of a reply's results failed, given how many its bytes say went well. More
    than there are results (a verdict written twice, against protobuf's rules, which the
    parsed reply reads as its last) are counted again from the results themselves."""
    if succeeded > len(results):
        succeeded = sum(1 for result in results if result.was_successful)
    return len(results) - succeeded


class BulkAnswers(Sequence[_Result]):
    """A bulk command's results in entry order, and `failed`: how many of them have
    was_successful false, counted without reading each (see above)."""

    __slots__ = ("failed", "results")

    def __init__(self, results: Sequence[_Result], failed: int) -> None:
        self.results, self.failed = results, failed

    def __len__(self) -> int:
        return len(self.results)

    def __iter__(self) -> Iterator[_Result]:
        return iter(self.results)

    @overload
    def __getitem__(self, index: int) -> _Result: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[_Result]: ...
    def __getitem__(self, index: int | slice) -> _Result | Sequence[_Result]:
        return self.results[index]

    def __eq__(self, other: object) -> bool:
        # As its results compare: to another's, a list's or a reply's repeated field.
        if isinstance(other, BulkAnswers):
            other = other.results
        if isinstance(other, str | bytes | tuple) or not isinstance(other, Sequence):
            return NotImplemented
        return list(self.results) == list(other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"BulkAnswers({len(self.results)} results, {self.failed} failed)"
