"""Masking a command line before it is kept (history, logs, Outcome.line): the words of
declared secret options, of options whose names say they hold one, and of `set NAME X`
where NAME does, through user aliases too."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from mxshell.base.errors import ShellError
from mxshell.commands.lexer import Segment, Word, split_line
from mxshell.output.secrets import REDACTED, is_secret_name

if TYPE_CHECKING:
    from mxshell.commands.arguments import CommandBook, Declared


def secret_words(words: Sequence[Word], command: Declared | None) -> list[Word]:
    """The words that carry a secret: the value of a declared secret option, of any
    option whose name says it is one (`--password X`, `--api-key=X`, even mistyped), and
    the value given to a variable whose name says it is one (`set password X`)."""
    if not words or (words[0].text != "set" and not any(w.text[:1] == "-" for w in words)):
        return []  # no option and no `set`: nothing can hold a secret
    declared = {f for a in (command.options if command else []) if a.secret for f in a.flags}
    found: list[Word] = []
    if words and words[0].text == "set":
        positional = [w for w in words[1:] if not w.text.startswith("-")]
        if len(positional) > 1 and is_secret_name(positional[0].text):
            found.extend(positional[1:])
    for index, word in enumerate(words):
        name, has_value, _ = word.text.partition("=")
        if not name.startswith("-"):
            continue
        if name in declared or is_secret_name(name):
            if has_value:
                found.append(word)
            elif index + 1 < len(words):
                found.append(words[index + 1])
    return list({word.start: word for word in found}.values())  # each word once


def redact_line(line: str, registry: CommandBook | None = None) -> str:
    """The line as it may be kept (history, logs, Outcome.line): secret values masked.

    A line with an unterminated quote is read as if the quote were closed, so a secret
    typed inside it is masked too.
    """
    for closing in ("", "'", '"'):
        try:
            segments = split_line(line + closing)
        except ShellError:
            continue
        return _mask(line, segments, registry)
    return _redact_unsplittable(line)


def _mask(line: str, segments: list[Segment], registry: CommandBook | None) -> str:
    spans: list[tuple[int, int, str]] = []
    for segment in segments:
        words = _as_run(segment.words, registry)
        command = registry.get(words[0].text) if registry and words else None
        for word in secret_words(words, command):
            if word.start < 0:
                continue  # a word of the alias's own body, not typed on this line
            name, has_value, _ = word.text.partition("=")
            replacement = f"{name}={REDACTED}" if has_value and name.startswith("-") else REDACTED
            spans.append((word.start, min(word.end, len(line)), replacement))
        if registry is not None and segment.words[0].text == "alias":
            spans.extend(_alias_body_secrets(line, segment.words[2:], registry))
    masked = line
    for start, end, replacement in sorted(spans, reverse=True):
        masked = masked[:start] + replacement + masked[end:]
    return masked


def _as_run(words: Sequence[Word], registry: CommandBook | None) -> list[Word]:
    """The words as the line will run them: a user alias in first place is expanded, its
    body's words standing at position -1 (not typed here), the typed words where they were.
    `alias s set` then `s password X`, or `alias c 'connect --api-key'` then `c KEY`,
    must mask X and KEY just as `set password X` does."""
    if registry is None or not words:
        return list(words)
    try:
        expanded = registry.expand([words[0].text])
    except ShellError:
        return list(words)
    if expanded == [words[0].text]:
        return list(words)
    return [Word(text, -1, -1) for text in expanded] + list(words[1:])


def _alias_body_secrets(
    line: str, body: Sequence[Word], registry: CommandBook
) -> list[tuple[int, int, str]]:
    """Spans to mask in `alias NAME BODY`: a key inside the definition
    (`alias c 'connect --api-key KEY'`) is as secret as one typed after it."""
    spans = []
    for typed in body:
        try:
            inner = split_line(typed.text)
        except ShellError:
            continue
        for segment in inner:
            command = registry.get(segment.words[0].text)
            for word in secret_words(_as_run(segment.words, registry), command):
                at = line.find(word.text, typed.start, typed.end) if word.start >= 0 else -1
                if word.text and at >= 0:
                    spans.append((at, at + len(word.text), REDACTED))
    return spans


def _redact_unsplittable(line: str) -> str:
    # A trailing backslash: mask everything after the first secret-looking option.
    offset = 0
    for part in line.split():
        offset = line.index(part, offset)
        name = part.partition("=")[0]
        if name.startswith("-") and is_secret_name(name):
            return f"{line[:offset]}{name} {REDACTED}"
        offset += len(part)
    return line
