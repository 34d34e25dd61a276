"""The bulk family: the eleven MXAccess bulk commands, many entries per round trip.

    items.py    add-item-bulk, subscribe-bulk, advise-item-bulk, unadvise-item-bulk,
                remove-item-bulk, unsubscribe-bulk
    writes.py   write-bulk, write2-bulk, write-secured-bulk, write-secured2-bulk
    reads.py    read-bulk
    steps.py    what they share: arguments, the report, words to items and back

Entries come from words, @FILEs and Galaxy globs (mxshell.api.tag_input). Each command
shows one row per entry and a summary; entries fail one by one and never stop the
batch, but a batch with a failed entry fails the command (a command file stops, with a
non-zero exit status) unless --allow-partial. The session side, chunking and the item
table, is mxshell.api.bulk.
"""

from __future__ import annotations

from mxshell_plugins.bulk import items, reads, writes

from mxshell.api import RegisterCommands, hookimpl


@hookimpl
def register_commands(register: RegisterCommands) -> None:
    register(list(items.bulk))
    register(list(writes.bulk))
    register(list(reads.bulk))


# The plugin API this family is written for (`plugins` shows it).
MXSHELL_API = (1, 1)
