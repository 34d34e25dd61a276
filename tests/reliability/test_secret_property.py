"""Property: whatever a secret holds and whichever commands run around it, every JSON line
parses, the secret (raw or escaped) reaches no output or recording, and values that did
not come from a secret come through unchanged."""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mxshell.commands.settings import Settings
from mxshell.sim import EmbeddedGateway, SimConfig
from mxshell.testing import ShellRunner

SPECIAL = ["1200", "true", ".0", '"', "\\", "\t", "{", "}", ":", ",", "null", "Good (192)", "ü€"]
# Secrets made to be unmistakable, so that finding one in the output is a leak, not chance.
_inner = st.lists(
    st.sampled_from(list('"\\\t{}:,[] .0123456789truefalsnüé€漢') + ["<redacted>"]),
    max_size=12,
).map("".join)
SECRETS = st.one_of(st.sampled_from(SPECIAL), st.builds(lambda s: f"Zq{s}x9", _inner))

# How a value becomes a secret: declared, a secret-named variable, an environment
# variable whose name says so, or an alias carrying it.
SOURCES = [
    "set s --secret {q}",
    "set plantPassword {q}; let s = ${{plantPassword}}",
    "let s = ${{ENV:PLANT_PASSWORD}}",
]
AROUND = [
    "status",
    "read Pump1.Speed.SP",
    "echo ${s} and more",
    "echo value=${s}",
    "write Tank2.Notes ${s}",
    "read Tank2.Notes",
    "let captured = read Tank1.Level",
    "expect Tank2.Notes == ${s}",
    "nosuchcommand ${s}",
    "status --password ${s}",
    "alias carry 'echo ${s}'",
    "carry",
    "variables",
    "set",
]


@pytest.fixture(scope="module")
def plant() -> Iterator[EmbeddedGateway]:
    with EmbeddedGateway(SimConfig(update_interval_s=0.05)) as running:
        yield running


def _quoted(secret: str) -> str:
    # The secret as one word of mxsh: single quotes hold anything but a single quote.
    return "'" + secret + "'"


def _forms(secret: str) -> set[str]:
    return {
        secret,
        json.dumps(secret)[1:-1],
        json.dumps(secret, ensure_ascii=False)[1:-1],
        repr(secret)[1:-1],
    }


async def _run(plant: EmbeddedGateway, lines: list[str], record: Path) -> tuple[list, list]:
    async with ShellRunner.connected(plant, Settings(output="json")) as shell:
        outs, errs = [], []
        for line in [f"record start {record} --force", *lines, "record stop"]:
            result = await shell.run(line)
            outs += result.out
            errs += result.err
        # The setpoint as the gateway holds it, read without any secret in play.
    return outs, errs


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    secret=SECRETS,
    source=st.sampled_from(SOURCES),
    commands=st.lists(st.sampled_from(AROUND), min_size=2, max_size=6),
)
def test_secrets_never_leak_and_json_always_parses(
    plant: EmbeddedGateway, tmp_path: Path, secret: str, source: str, commands: list[str]
) -> None:
    if "'" in secret:
        return
    os.environ["PLANT_PASSWORD"] = secret
    record = tmp_path / "events.jsonl"
    lines = [
        source.format(q=_quoted(secret)),
        "advise Tank2.Notes",
        *commands,
        "read Pump1.Speed.SP",
    ]
    outs, errs = asyncio.run(_run(plant, lines, record))
    parsed = [json.loads(line) for line in outs]  # every line parses
    assert parsed, errs
    # Innocent data unchanged: the setpoint is a number, whatever the secret looks like.
    last_read = [p for p in parsed if p.get("command") == "read"][-1]
    row = last_read["result"]["rows"][0]
    assert row["tag"] == "Pump1.Speed.SP" and isinstance(row["value"], float)
    # A text value that *is* a secret is masked whole (docs/scripting.md), even a quality.
    assert row["quality"] == ("<redacted>" if secret == "Good (192)" else "Good (192)")
    if secret in SPECIAL:
        return  # a one-character or everyday secret also stands in innocent text
    written = "\n".join(outs + errs) + record.read_text(encoding="utf-8")
    for form in _forms(secret):
        assert form not in written, (form, secret)
