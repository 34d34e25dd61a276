"""Helpers for testing mxshell and its plugins in pytest, without a terminal.

    from mxshell.testing import ShellRunner, simulated_gateway

    async def test_my_command():
        with simulated_gateway() as gateway:
            async with ShellRunner.connected(gateway) as shell:
                result = await shell.run("read Tank1.Level")
                assert result.ok and result.outcomes[0].result[0]["quality"] == "Good (192)"

A ShellRunner drives the same ShellRuntime the REPL and command files use, with every
installed plugin loaded (plus any given to it), and captures what it prints. Its
no_plugins, plugin_modules and disabled_plugins knobs are the shell's --no-plugins,
--plugin MODULE and the config file's disabled_plugins. The pytest
fixtures `mxshell_gateway` and `mxshell_runner` (mxshell.pytest_plugin) wrap both.
Like mxshell.api, this module is public: see docs/plugins.md for its stability.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from typing import Any

from mxshell.app.connection import Target
from mxshell.app.plugin_host import PluginHost, PluginSelection, load_plugins
from mxshell.app.runtime import ShellRuntime
from mxshell.commands import Outcome, Settings
from mxshell.session import Backoff
from mxshell.shell.toolbar import toolbar_text
from mxshell.sim import EmbeddedGateway, SimConfig

# Plugins to load besides the installed ones: objects, or a mapping of name to object.
Plugins = Sequence[object] | Mapping[str, object]
FAST_BACKOFF = Backoff(initial_s=0.05, factor=2.0, cap_s=0.5, jitter=0.0)


@contextmanager
def simulated_gateway(config: SimConfig | None = None) -> Iterator[EmbeddedGateway]:
    """A simulated gateway on a free loopback port for the duration of the block."""
    with EmbeddedGateway(config or SimConfig(update_interval_s=0.05)) as gateway:
        yield gateway


@dataclass
class RunResult:
    """What one `run` printed and how its commands went."""

    outcomes: list[Outcome]
    out: list[str] = field(default_factory=list)
    err: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(o.ok for o in self.outcomes)

    @property
    def result(self) -> Any:
        """The last command's result."""
        return self.outcomes[-1].result if self.outcomes else None

    @property
    def text(self) -> str:
        return "\n".join(self.out)

    @property
    def errors(self) -> str:
        return "\n".join(self.err)


class ShellRunner:
    """A shell without a terminal: run lines, get outcomes and the printed text."""

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        plugins: Plugins | None = None,
        no_plugins: bool = False,
        plugin_modules: Sequence[str] = (),
        disabled_plugins: Sequence[str] = (),
    ) -> None:
        self.out: list[str] = []
        self.err: list[str] = []
        selection = PluginSelection(no_plugins, tuple(plugin_modules), tuple(disabled_plugins))
        debug = bool(settings and settings.debug)
        host = load_plugins(self.err.append, debug=debug, selection=selection)
        # A mapping names its plugins; a module in a list is named after itself.
        named = (
            plugins.items() if isinstance(plugins, Mapping) else [(None, p) for p in plugins or ()]
        )
        for name, plugin in named:
            host.add_plugin(plugin, name)
        self.runtime = ShellRuntime(
            settings, host=host, out=self.out.append, err=self.err.append, backoff=FAST_BACKOFF
        )

    @property
    def host(self) -> PluginHost:
        return self.runtime.host

    @property
    def context(self) -> Any:
        return self.runtime.context

    @property
    def session(self) -> Any:
        return self.runtime.session

    @classmethod
    @asynccontextmanager
    async def connected(
        cls,
        gateway: EmbeddedGateway,
        settings: Settings | None = None,
        *,
        api_key: str | None = None,
        plugins: Plugins | None = None,
        no_plugins: bool = False,
        plugin_modules: Sequence[str] = (),
        disabled_plugins: Sequence[str] = (),
    ) -> AsyncIterator[ShellRunner]:
        """A runner connected to gateway (plaintext, its own key unless api_key is given)."""
        runner = cls(
            settings,
            plugins=plugins,
            no_plugins=no_plugins,
            plugin_modules=plugin_modules,
            disabled_plugins=disabled_plugins,
        )
        target = Target(gateway.endpoint, plaintext=True, api_key=api_key or gateway.api_key)
        connected = await runner.runtime.start(target)
        if not connected:
            raise RuntimeError(f"could not connect: {runner.errors}")
        try:
            yield runner
        finally:
            await runner.runtime.close()

    async def run(self, line: str) -> RunResult:
        """Run one line (commands separated by ;), as typed at the prompt."""
        out_mark, err_mark = len(self.out), len(self.err)
        outcomes = await self.runtime.run_line(line)
        return RunResult(outcomes, self.out[out_mark:], self.err[err_mark:])

    @property
    def errors(self) -> str:
        return "\n".join(self.err)

    def toolbar(self) -> str:
        """The bottom toolbar as the prompt would draw it now, plugin fields included."""
        runtime = self.runtime
        status = runtime.connection.status() if runtime.session else None
        return toolbar_text(
            status, self.host.toolbar_fields, runtime.context, others=runtime.connection.rows()
        )
