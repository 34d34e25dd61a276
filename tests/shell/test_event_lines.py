"""The lines data changes print above the prompt: an ElapsedTime as a duration, as `read`
shows it, once the Galaxy says what the tag is."""

from __future__ import annotations

from mxshell.shell.build import EventPrinter
from mxshell.testing import ShellRunner, simulated_gateway
from tests.conftest import eventually


async def test_an_elapsed_time_prints_as_a_duration_and_a_number_as_itself() -> None:
    with simulated_gateway() as gateway:
        async with ShellRunner.connected(gateway) as shell:
            catalog = shell.context.services.galaxy
            await catalog.ready()  # what the REPL loads in the background
            printer = EventPrinter(shell.runtime, shell.session, "default")
            shell.session.add_listener(printer)
            added = await shell.run("add-item PLC1.PollRate --as poll; advise poll")
            assert added.ok, added.errors
            added = await shell.run("add-item Tank1.Capacity --as cap; advise cap")
            assert added.ok, added.errors

            def printed(name: str) -> str | None:
                lines = (line.strip() for text in shell.out for line in text.splitlines())
                return next((line for line in lines if line.startswith(name)), None)

            await eventually(lambda: printed("poll =") and printed("cap ="), "both print")
            assert printed("poll =").split("=")[1].split()[0] == "00:00:00.500"
            assert printed("cap =").split("=")[1].split()[0] == "25000"
