"""Every command by name and alias, the user's own aliases, and who owns which name."""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator, Sequence

from mxshell.base.errors import CommandConflictError, UnknownCommandError, UsageError
from mxshell.commands.lexer import split_words
from mxshell.commands.model import Command

_ALIAS_NAME = re.compile(r"^[A-Za-z_][\w.-]*$")
_MAX_ALIAS_DEPTH = 16


class CommandRegistry:
    """Commands by name; a name or alias claimed twice is refused, never overridden."""

    def __init__(self) -> None:
        self._commands: list[Command] = []
        self._by_name: dict[str, Command] = {}
        self._user_aliases: dict[str, str] = {}
        # Counts every change of the commands or user aliases, so that what was worked
        # out from them (the masked form of a line) is known to be out of date.
        self.changes = 0

    # declared commands ---------------------------------------------------------
    def add(self, command: Command, plugin: str | None = None) -> Command:
        """Register a command (its plugin is recorded on it); CommandConflictError on a clash."""
        self.changes += 1
        if plugin is not None:
            command.plugin = plugin
        if command.family is None:
            command.family = command.plugin or "other"
        for name in command.names:
            owner = self._by_name.get(name)
            if owner is not None:
                raise CommandConflictError(name, owner.plugin, command.plugin)
        self._commands.append(command)
        for name in command.names:
            self._by_name[name] = command
            self._user_aliases.pop(name, None)  # a real command wins over a user's shortcut
        return command

    def remove(self, command: Command) -> None:
        self.changes += 1
        self._commands.remove(command)
        for name in command.names:
            if self._by_name.get(name) is command:
                del self._by_name[name]

    def get(self, name: str) -> Command | None:
        return self._by_name.get(name)

    def lookup(self, name: str) -> Command:
        """The command a name or alias names; UnknownCommandError with suggestions if none."""
        found = self._by_name.get(name)
        if found is None:
            raise UnknownCommandError(name, self.names())
        return found

    def names(self) -> list[str]:
        """Every word that starts a command: names, aliases and user aliases, sorted."""
        return sorted({*self._by_name, *self._user_aliases})

    def families(self) -> dict[str, list[Command]]:
        """Commands grouped by family, families and commands sorted by name."""
        grouped: dict[str, list[Command]] = {}
        for command in sorted(self._commands, key=lambda c: c.name):
            grouped.setdefault(command.family or "other", []).append(command)
        return dict(sorted(grouped.items()))

    def of_plugin(self, plugin: str) -> list[Command]:
        return [c for c in self._commands if c.plugin == plugin]

    def __iter__(self) -> Iterator[Command]:
        return iter(list(self._commands))

    def __len__(self) -> int:
        return len(self._commands)

    def __contains__(self, name: object) -> bool:
        return name in self._by_name

    # user aliases --------------------------------------------------------------
    @property
    def user_aliases(self) -> dict[str, str]:
        return dict(sorted(self._user_aliases.items()))

    def define_alias(self, name: str, expansion: str) -> None:
        """`alias NAME 'words'`: NAME at the start of a command stands for the words."""
        self.changes += 1
        if not _ALIAS_NAME.match(name):
            raise UsageError(f"{name!r} is not a valid alias name")
        if name in self._by_name:
            raise UsageError(f"{name!r} is already a command; choose another alias name")
        if not split_words(expansion):
            raise UsageError(f"the expansion of alias {name!r} is empty")
        self._user_aliases[name] = expansion
        try:
            self.expand([name])
        except UsageError:
            del self._user_aliases[name]
            raise

    def remove_alias(self, name: str) -> None:
        self.changes += 1
        if self._user_aliases.pop(name, None) is None:
            raise UsageError(f"no alias {name!r}")

    def expand(self, words: Sequence[str]) -> list[str]:
        """The words with user aliases expanded in first position, as a shell does."""
        expanded = list(words)
        seen: list[str] = []
        while expanded and expanded[0] in self._user_aliases:
            name = expanded[0]
            if name in seen or len(seen) >= _MAX_ALIAS_DEPTH:
                chain = " -> ".join([*seen, name])
                raise UsageError(f"alias loop: {chain}")
            seen.append(name)
            expanded = split_words(self._user_aliases[name]) + expanded[1:]
        return expanded


def quote_words(words: Sequence[str]) -> str:
    """Words joined back into a line that splits into the same words."""
    return shlex.join(words)
