"""Tab completion for prompt_toolkit, over the command model's completion slots.

Which word the cursor is in, and its declared candidates (command names, options,
choices, plugin value completers), come from mxshell.commands.complete; this module
adds tag references for arguments declared `is_tag` and hands it all to prompt_toolkit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass

from prompt_toolkit.completion import CompleteEvent, Completer, Completion
from prompt_toolkit.document import Document

from mxshell.commands.complete import VALUE, candidates, completion_slot
from mxshell.commands.context import CommandContext
from mxshell.commands.model import Completer as ValueCompleter
from mxshell.commands.services import TagCompletion


@dataclass(frozen=True)
class Suggestion:
    """A tag candidate: what to insert, and a note shown beside it (type, security)."""

    text: str
    display: str | None = None
    meta: str = ""


# Given the word typed so far, tag references to offer (the Galaxy index, when there is one).
TagSource = Callable[[str], Iterable[Suggestion]]


def service_tags(context: CommandContext) -> TagSource:
    """A TagSource over the TagCompletion service (the Galaxy plugin's), looked up at each
    call: the plugin may place it after the REPL is built, or not at all."""

    def tags(prefix: str) -> Iterable[Suggestion]:
        routes, control = context.services.routes, context.services.connection
        qualified = routes.complete(prefix) if routes is not None else None
        if qualified is not None:  # `north:Tank1.L`: north's Galaxy, the name kept
            name, source = qualified
            rest = prefix[len(name) + 1 :]
            if not isinstance(source, TagCompletion):
                return []
            return [
                Suggestion(f"{name}:{c.text}", c.display, c.meta) for c in source.complete_tag(rest)
            ]
        found = []
        source = context.services.tag_completion
        if isinstance(source, TagCompletion):
            found = [Suggestion(c.text, c.display, c.meta) for c in source.complete_tag(prefix)]
        names = control.names if control is not None else []
        if len(names) > 1:  # the connections, as `NAME:` to go on with
            found += [
                Suggestion(f"{n}:", meta="connection")
                for n in names
                if n.lower().startswith(prefix.lower())
            ]
        return found

    return tags


class ShellCompleter(Completer):
    """prompt_toolkit completer: the command model's candidates, plus tags for tag slots."""

    def __init__(
        self,
        context: CommandContext,
        completers: Mapping[str, ValueCompleter],
        tags: TagSource | None = None,
    ) -> None:
        self.context = context
        self.completers = completers
        self.tags = tags

    def get_completions(
        self, document: Document, complete_event: CompleteEvent
    ) -> Iterator[Completion]:
        slot = completion_slot(self.context.registry, document.text_before_cursor)
        start = -len(slot.prefix)
        seen: set[str] = set()
        for text in candidates(slot, self.context, self.completers):
            seen.add(text)
            yield Completion(text, start)
        argument = slot.argument
        if slot.kind == VALUE and argument is not None and argument.is_tag and self.tags:
            for suggestion in self.tags(slot.prefix):
                if suggestion.text not in seen:
                    yield Completion(
                        suggestion.text,
                        start,
                        display=suggestion.display,
                        display_meta=suggestion.meta,
                    )
