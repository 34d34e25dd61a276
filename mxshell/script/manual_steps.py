"""Manual steps of a command file: `confirm`, `pause` and `prompt` ask the operator, and
every answer is kept, with its time, for the run's report.

An answer comes from the answers file (`--answers FILE`: TOML or JSON, keyed by the
step's `--id` or its text), else from `--yes` (yes to a confirm, Enter to a pause, a
prompt's `--default`), else from the person at the terminal. Without a terminal (stdin
piped, CI, `--json`) and without those, the step fails with one line saying what to give.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from mxshell.base.errors import CommandFailed

Ask = Callable[[str], Awaitable[str]]
MAX_ANSWERS_BYTES = 1 << 20


@dataclass(frozen=True)
class Answer:
    """One manual step as it was answered."""

    step: str  # confirm, pause or prompt
    text: str
    id: str | None
    value: str
    source: str  # answers, yes, default or terminal
    at: datetime

    def as_data(self, secret: bool = False) -> dict[str, Any]:
        return {
            "step": self.step,
            "id": self.id,
            "text": self.text,
            "answer": "<redacted>" if secret else self.value,
            "source": self.source,
            "at": self.at,
        }


@dataclass
class OperatorDesk:
    """Where a run's manual steps get their answers, and the log of them."""

    answers: dict[str, str] = field(default_factory=dict)
    yes: bool = False
    ask: Ask | None = None  # a terminal to ask at; None without one
    log: list[Answer] = field(default_factory=list)

    async def answer(
        self,
        step: str,
        text: str,
        ident: str | None = None,
        default: str | None = None,
        *,
        may_ask: bool = True,
    ) -> Answer:
        """The answer to one manual step; CommandFailed when nothing can give one.
        `may_ask` False (JSON output) keeps the terminal out of it."""
        for key in (ident, text):
            if key is not None and key in self.answers:
                return self._keep(step, text, ident, self.answers[key], "answers")
        if self.yes:
            if step == "confirm":
                return self._keep(step, text, ident, "yes", "yes")
            if step == "pause":
                return self._keep(step, text, ident, "", "yes")
            if default is not None:
                return self._keep(step, text, ident, default, "default")
        if self.ask is None or not may_ask:
            key = f"--id {ident}" if ident else repr(text)
            extra = "" if step == "prompt" else " or --yes"
            raise CommandFailed(
                f"no terminal to ask {text!r}: give --answers FILE (an answer under {key})" + extra
            )
        suffix = {"confirm": " [y/n] ", "pause": " [Enter] ", "prompt": " "}[step]
        typed = await self.ask(text.rstrip() + suffix)
        return self._keep(step, text, ident, typed.strip(), "terminal")

    def _keep(self, step: str, text: str, ident: str | None, value: str, source: str) -> Answer:
        answer = Answer(step, text, ident, value, source, datetime.now(UTC))
        self.log.append(answer)
        return answer


def read_answers(path: Path) -> dict[str, str]:
    """An answers file: a table (TOML) or object (JSON) of step id or text -> answer.
    ValueError, naming the file and what is wrong, for anything else."""
    try:
        with path.open("rb") as stream:
            raw = stream.read(MAX_ANSWERS_BYTES + 1)
    except OSError as error:
        raise ValueError(f"cannot read answers file {path}: {error.strerror or error}") from None
    if len(raw) > MAX_ANSWERS_BYTES:
        raise ValueError(f"answers file {path} is over {MAX_ANSWERS_BYTES:,} bytes")
    import tomllib  # here: most runs have no answers file

    try:
        text = raw.decode("utf-8")
        data = json.loads(text) if path.suffix.lower() == ".json" else tomllib.loads(text)
    except (UnicodeDecodeError, ValueError) as error:
        kind = "JSON" if path.suffix.lower() == ".json" else "TOML"
        raise ValueError(f"answers file {path} is not valid {kind}: {error}") from None
    if not isinstance(data, dict):
        raise ValueError(f"answers file {path}: expected a table of step id or text = answer")
    answers: dict[str, str] = {}
    for key, value in data.items():
        if isinstance(value, bool):
            answers[key] = "yes" if value else "no"
        elif isinstance(value, str | int | float) and not isinstance(value, bool):
            answers[key] = str(value)
        else:
            raise ValueError(
                f"answers file {path}: the answer to {key!r} must be text, a number or true/false"
            )
    return answers
