"""pytest fixtures for testing mxshell plugins: a simulated gateway and a connected shell.

Registered through the `pytest11` entry point, so any project that installs mxshell
gets them with no conftest.py: `mxshell_gateway` (one simulated gateway per test
session) and `mxshell_runner` (a mxshell.testing.ShellRunner connected to it, with
every installed plugin loaded). With PYTEST_DISABLE_PLUGIN_AUTOLOAD set, `-p mxshell`
(the entry point's name, so that it works with autoload on as well) loads it, and it
loads pytest-asyncio, which mxshell_runner needs. The fixture names carry the `mxshell_`
prefix so they never shadow a project's own `gateway` or `shell`.

Imports stay light: pytest loads this module in every run, before any conftest.py.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from mxshell.sim import EmbeddedGateway
    from mxshell.testing import ShellRunner

# Before grpc is imported: tests that fork (subprocess, pexpect) while the in-process
# gateway's threads run would otherwise have gRPC's fork handlers kill the child
# (grpc/grpc#43055). The mxshell console script makes the same choice.
os.environ.setdefault("GRPC_ENABLE_FORK_SUPPORT", "false")

RUNNER_NEEDS = "the mxshell_runner fixture needs pytest-asyncio: pip install 'mxshell[testing]'"
# pytest-asyncio's pytest11 entry point: loaded under that name, autoload skips it later.
ASYNCIO_PLUGIN = "asyncio"


def pytest_addhooks(pluginmanager: pytest.PytestPluginManager) -> None:
    """Load pytest-asyncio with this plugin when it is installed and not loaded yet.

    Under PYTEST_DISABLE_PLUGIN_AUTOLOAD, `-p mxshell` is then all a project needs. It is
    loaded through its entry point, as autoload would, never by module name: a plugin
    registered twice under two names stops pytest. `-p no:asyncio` is respected.
    """
    pluginmanager.load_setuptools_entrypoints("pytest11", name=ASYNCIO_PLUGIN)


@pytest.fixture(scope="session")
def mxshell_gateway() -> Iterator[EmbeddedGateway]:
    """A simulated gateway on a loopback port, shared by the session's tests.

    Values move every 50 ms. Tests that write, deploy or restart it should start their
    own with `mxshell.testing.simulated_gateway()`.
    """
    from mxshell.testing import simulated_gateway

    with simulated_gateway() as gateway:
        yield gateway


try:
    import pytest_asyncio
except ImportError:  # a plugin author's environment without it: say so when used

    @pytest.fixture
    def mxshell_runner() -> Any:
        """Unavailable: needs pytest-asyncio."""
        pytest.fail(RUNNER_NEEDS, pytrace=False)

else:

    @pytest_asyncio.fixture
    async def mxshell_runner(  # type: ignore[misc]  # one of two definitions, by what is installed
        mxshell_gateway: EmbeddedGateway,
    ) -> AsyncIterator[ShellRunner]:
        """A shell without a terminal, connected to mxshell_gateway, every installed plugin
        loaded: `result = await mxshell_runner.run("read Tank1.Level")`."""
        from mxshell.testing import ShellRunner

        async with ShellRunner.connected(mxshell_gateway) as runner:
            yield runner
