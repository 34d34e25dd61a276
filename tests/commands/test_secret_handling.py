"""Secrets typed on a line never reach history, Outcome.line, errors, JSON or repr."""

from __future__ import annotations

import json

import pytest

from mxshell.commands import (
    REDACTED,
    CommandContext,
    CommandRegistry,
    Dispatcher,
    Services,
    arg,
    command,
    redact_line,
    render_json,
    render_text,
    scrub,
)


@pytest.fixture
def secure(registry: CommandRegistry) -> Dispatcher:
    @command(
        "login",
        help="Authenticate a user.",
        args=[arg("user"), arg("--pin", secret=True), arg("--mode", choices=["a", "b"])],
    )
    async def login(ctx: CommandContext, user: str, pin: str | None, mode: str | None) -> None:
        if user == "crash":
            raise RuntimeError(f"could not use pin {pin}")
        if user == "echo":
            return {"user": user, "pin_was": pin}  # type: ignore[return-value]
        return None

    registry.add(login, plugin="demo")
    return Dispatcher(CommandContext(registry))


@pytest.mark.parametrize(
    ("line", "kept"),
    [
        ("login op --pin 1234", f"login op --pin {REDACTED}"),
        ("login op --pin=1234", f"login op --pin={REDACTED}"),
        ("connect h:1 --api-key 'k 1'", f"connect h:1 --api-key {REDACTED}"),
        ("x --password hunter2; y --token=t0k", f"x --password {REDACTED}; y --token={REDACTED}"),
        ("connect h:1 --api_key typo-key", f"connect h:1 --api_key {REDACTED}"),  # mistyped
        ("connect --api-key-env MXGATEWAY_API_KEY", "connect --api-key-env MXGATEWAY_API_KEY"),
        ("login op --pin '1234", f"login op --pin {REDACTED}"),  # unterminated quote
        ("echo hello # --password in a comment", "echo hello # --password in a comment"),
        ("set password hunter2", f"set password {REDACTED}"),  # a variable named as a secret
        ("set api_key --secret abc", f"set api_key --secret {REDACTED}"),  # masked once
        ("set colour red", "set colour red"),
    ],
)
def test_history_lines_keep_no_secret(secure: Dispatcher, line: str, kept: str) -> None:
    assert redact_line(line, secure.registry) == kept


async def test_outcome_line_and_json_hold_no_secret(secure: Dispatcher) -> None:
    (outcome,) = await secure.run_line("login op --pin 98765")
    assert outcome.ok and "98765" not in outcome.line
    assert "98765" not in repr(outcome) and "98765" not in render_json(outcome)


async def test_a_secret_echoed_in_an_error_is_scrubbed(secure: Dispatcher) -> None:
    (outcome,) = await secure.run_line("login crash --pin 98765")
    assert not outcome.ok
    for text in (outcome.error or "", outcome.traceback or "", render_json(outcome)):
        assert "98765" not in text
    assert REDACTED in (outcome.error or "")


async def test_a_secret_in_a_usage_error_is_scrubbed(secure: Dispatcher) -> None:
    (outcome,) = await secure.run_line("login op --pin 98765 --mode 98765")
    assert "98765" not in (outcome.error or "") and "98765" not in render_text(
        outcome, secure.context.settings
    )


async def test_a_secret_returned_under_its_own_name_is_masked(secure: Dispatcher) -> None:
    (outcome,) = await secure.run_line("login echo --pin 98765")
    # the handler's result is data; the key `pin_was` is not a secret name, but the
    # renderer does not know that: handlers must not return secrets. The line is clean.
    assert "98765" not in outcome.line
    assert json.loads(render_json(outcome))["ok"] is True


def test_scrub_masks_values_and_bearer_tokens() -> None:
    text = scrub("refused key abc123 (authorization: Bearer abc123xyz)", ["abc123"])
    assert "abc123" not in text
    assert text.startswith(f"refused key {REDACTED} (authorization: Bearer {REDACTED}")


def test_context_repr_names_services_only(registry: CommandRegistry) -> None:
    context = CommandContext(registry, services=Services(lent={"plant": "api_key=k-123"}))
    context.variables["password"] = "hunter2"
    assert "k-123" not in repr(context) and "hunter2" not in repr(context)
    assert "plant" in repr(context)


async def test_a_line_run_again_is_masked_by_the_aliases_and_commands_of_now(
    registry: CommandRegistry,
) -> None:
    dispatcher = Dispatcher(CommandContext(registry))
    for line in ("s password hunter2", "sign-in op --pin 4321"):
        (before,) = await dispatcher.run_line(line)
        assert not before.ok and before.line == line  # nothing there says it is a secret
    registry.define_alias("s", "set")

    @command("sign-in", help="x", args=[arg("user"), arg("--pin", secret=True)])
    async def sign_in(ctx: CommandContext, user: str, pin: str) -> None:
        return None

    registry.add(sign_in, plugin="demo")
    (masked,) = await dispatcher.run_line("s password hunter2")
    assert masked.line == f"s password {REDACTED}"
    (masked,) = await dispatcher.run_line("sign-in op --pin 4321")
    assert masked.ok and masked.line == f"sign-in op --pin {REDACTED}"
    registry.remove_alias("s")
    (again,) = await dispatcher.run_line("s password hunter2")
    assert again.line == "s password hunter2"


async def test_a_secret_inside_an_alias_is_scrubbed_from_the_error(secure: Dispatcher) -> None:
    secure.registry.define_alias("lc", "login crash --pin 55555")
    (outcome,) = await secure.run_line("lc")
    assert not outcome.ok and "55555" not in (outcome.error or "") + (outcome.traceback or "")
    assert REDACTED in (outcome.error or "")
