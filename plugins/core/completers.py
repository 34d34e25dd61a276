"""The core family's value completers: command names, aliases, settings and their values."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from mxshell.api import ShellContext


def complete_command(ctx: ShellContext, text: str) -> Iterable[str]:
    return ctx.registry.names()


def complete_alias(ctx: ShellContext, text: str) -> Iterable[str]:
    return ctx.registry.user_aliases


def complete_setting_name(ctx: ShellContext, text: str) -> Iterable[str]:
    return [*ctx.settings.all_names(), *sorted(ctx.variables)]


def complete_setting_only(ctx: ShellContext, text: str) -> Iterable[str]:
    return ctx.settings.all_names()


def complete_setting_value(
    ctx: ShellContext, text: str, words: Sequence[str] = ()
) -> Iterable[str]:
    """`set NAME <Tab>`: NAME's own values (nothing for a variable)."""
    settings = ctx.settings
    name = words[0] if words else None
    return settings.choices_of(name) if name in settings.all_names() else ()
