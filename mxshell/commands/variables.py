"""Variables of a shell and command files: `set`/`let` values, file arguments, ${ENV:VAR}.

A reference expands to exactly one word's worth of text, never to several words or to a
`;`: a value cannot smuggle in another command. Values marked secret (set with
`--secret`, named like a secret, read from a secret-named environment variable, or used
as the value of a secret option) are scrubbed from everything the shell prints.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Sequence
from typing import Any

from mxshell.base.errors import UsageError
from mxshell.commands.lexer import Reference, Segment, Word
from mxshell.output.secrets import REDACTED, Secret, is_secret_name

_NAME = re.compile(r"^[A-Za-z_]\w*$")
ENV_PREFIX = "ENV:"


def valid_name(name: str) -> bool:
    """A variable name: letters, digits and _, not starting with a digit."""
    return bool(_NAME.match(name))


def text_of(value: Any) -> str:
    """How a value reads when a reference expands to it: true/false, compact JSON for
    structures, '' for None, the text of anything else."""
    if value is None:
        return ""
    if isinstance(value, Secret):
        return value.reveal()  # a reference hands the command the secret itself
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return str(value)


class Variables(dict[str, Any]):
    """The shell's variables by name (a dict), plus the file arguments ($1...) of the
    command file running now and the values that must never be printed."""

    def __init__(self) -> None:
        super().__init__()
        self.args: tuple[str, ...] = ()
        self._secret_names: set[str] = set()
        self._secret_values: set[str] = set()

    def __repr__(self) -> str:
        # A value may be a password: name the variables only.
        return f"Variables({sorted(self)})"

    def define(self, name: str, value: Any, *, secret: bool = False) -> None:
        if not valid_name(name):
            raise UsageError(f"{name!r} is not a valid variable name (letters, digits and _)")
        if isinstance(value, str) and (secret or self.is_secret(name)):
            # The value travels as a Secret: it prints as <redacted> wherever it goes
            # (repr, results, JSON), and only a reference to it hands out the text.
            value = Secret(value)
        self[name] = value
        if secret:
            self._secret_names.add(name)

    def mark_secret(self, name: str) -> None:
        """From now on, the value of `name` (whenever set) is a secret."""
        self._secret_names.add(name)

    def add_secret_value(self, value: str) -> None:
        if value:
            self._secret_values.add(value)

    def is_secret(self, name: str) -> bool:
        return name in self._secret_names or is_secret_name(name)

    def secret_values(self) -> list[str]:
        """Every value to scrub from output: secret variables' and secrets seen in use."""
        found = set(self._secret_values)
        for name, value in list(self.items()):  # a copy: a recording thread reads too
            if self.is_secret(name):
                found.update(_leaves(_secret_part(value)))
        return [value for value in found if value]

    def shown(self) -> dict[str, Any]:
        """The variables as they may be printed: secrets as <redacted>."""
        shown = {n: (REDACTED if self.is_secret(n) else v) for n, v in sorted(self.items())}
        shown.update({f"${i}": a for i, a in enumerate(self.args, start=1)})
        return shown

    # expansion -------------------------------------------------------------------
    def expand(self, reference: Reference) -> str:
        """The text a reference stands for; UsageError naming it when it has none."""
        name, has_default, default = reference.name.partition(":-")
        if name.startswith(ENV_PREFIX):
            variable = name[len(ENV_PREFIX) :]
            value = os.environ.get(variable)
            if value is None:
                if has_default:
                    return default
                raise UsageError(f"{reference.text}: environment variable {variable} is not set")
            if is_secret_name(variable):
                self.add_secret_value(value)
            return value
        if name.isdecimal():
            index = int(name)
            if 1 <= index <= len(self.args):
                return self.args[index - 1]
            if has_default:
                return default
            given = {0: "none were given", 1: "1 was given"}.get(
                len(self.args), f"{len(self.args)} were given"
            )
            raise UsageError(f"{reference.text}: no argument {index} ({given})")
        base, *path = name.split(".")
        if base not in self:
            if has_default:
                return default
            raise UsageError(f"{reference.text}: no variable {base!r} (set it with set or let)")
        return text_of(_field(self[base], base, path, reference))

    def expand_segment(self, segment: Segment) -> Segment:
        """The segment with every reference in its words expanded (text kept as typed)."""
        return Segment(
            tuple(self.expand_word(w) for w in segment.words), segment.text, segment.start
        )

    def expand_word(self, word: Word) -> Word:
        if not word.parts:
            return word
        text = "".join(p if isinstance(p, str) else self.expand(p) for p in word.parts)
        return Word(text, word.start, word.end, word.quoted)


def _field(value: Any, base: str, path: Sequence[str], reference: Reference) -> Any:
    walked = base
    for step in path:
        if isinstance(value, dict) and step in value:
            value = value[step]
        elif isinstance(value, list) and step.isdecimal() and int(step) < len(value):
            value = value[int(step)]
        else:
            raise UsageError(f"{reference.text}: {walked} {_has(value)}, no {step!r}")
        walked += f".{step}"
    return value


def _has(value: Any) -> str:
    if isinstance(value, dict):
        return f"has fields {', '.join(map(str, value)) or '(none)'}"
    if isinstance(value, list):
        return f"is a list of {len(value)}" + (f" (0 to {len(value) - 1})" if value else "")
    return f"is {text_of(value)!r}"


# Fields shorter than this inside a captured secret (a quality code, a flag) are not
# scrubbed: masking every "1" or "True" in the output would hide more than it protects.
MIN_FIELD_SECRET = 4


def _secret_part(value: Any) -> Any:
    """What of a captured result is the secret: its value field(s), not the tag name,
    quality or timestamp (`let token = read Tank2.Notes` makes only the Notes secret)."""
    if isinstance(value, dict) and "value" in value:
        return value["value"]
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        return [v.get("value") for v in value]
    return value


def _leaves(value: Any) -> list[str]:
    """The text of a value and of every field and element inside it (a captured result)."""
    if isinstance(value, Secret):
        return [value.reveal()]
    texts = [text_of(value)]
    inner: list[Any] = []
    if isinstance(value, dict):
        inner = list(value.values())
    elif isinstance(value, list):
        inner = value
    for part in inner:
        texts.extend(t for t in _leaves(part) if len(t) >= MIN_FIELD_SECRET)
    return texts
