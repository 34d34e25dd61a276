"""The core family's value completers: command names, aliases, settings and their values."""

from __future__ import annotations

from collections.abc import Iterable

from mxshell.api import ShellContext


def complete_command(ctx: ShellContext, text: str) -> Iterable[str]:
    return ctx.registry.names()


def complete_alias(ctx: ShellContext, text: str) -> Iterable[str]:
    return ctx.registry.user_aliases


def complete_setting_name(ctx: ShellContext, text: str) -> Iterable[str]:
    return [*ctx.settings.all_names(), *sorted(ctx.variables)]


def complete_setting_only(ctx: ShellContext, text: str) -> Iterable[str]:
    return ctx.settings.all_names()


def complete_setting_value(ctx: ShellContext, text: str) -> Iterable[str]:
    settings = ctx.settings
    return sorted({c for name in settings.all_names() for c in settings.choices_of(name)})
