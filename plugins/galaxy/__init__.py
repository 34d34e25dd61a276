"""The Galaxy family: the Galaxy Repository (test, last deploy, discover), browsing the
hierarchy like a filesystem (ls, cd, pwd, tree, attrs, find), and the plugin's hooks.

The shell's Galaxy lives in a GalaxyCatalog (mxshell.galaxy) placed in
`ctx.services.galaxy`: the bulk commands glob through it, every family's tag arguments
complete from it, and relative references (`.Level` after `cd Tank1`) resolve through it.

    repository.py   galaxy-test-connection, galaxy-last-deploy, galaxy-discover,
                    galaxy-refresh
    browse.py       ls, cd, pwd, tree, attrs, find
    lookup.py       this shell's catalog and client, places, path completion, the prompt
"""

from __future__ import annotations

from mxshell_plugins.galaxy import browse, repository
from mxshell_plugins.galaxy.lookup import catalog_of, complete_path, prompt_path

from mxshell.api import (
    RegisterCommands,
    RegisterCompleter,
    RegisterToolbarField,
    ShellContext,
    hookimpl,
)
from mxshell.api.galaxy import GalaxyCatalog

_toolbar_catalogs: list[GalaxyCatalog] = []  # the toolbar field has no context: the latest


@hookimpl
def register_commands(register: RegisterCommands) -> None:
    register(list(repository.galaxy))
    register(list(browse.galaxy))


@hookimpl
def register_completers(register: RegisterCompleter) -> None:
    register("galaxy-path", complete_path)


@hookimpl
def register_toolbar_fields(register: RegisterToolbarField) -> None:
    register(repository.PROGRESS.text)
    register(lambda: _toolbar_catalogs[-1].describe_state() if _toolbar_catalogs else None)


@hookimpl
def startup(context: ShellContext) -> None:
    catalog = catalog_of(context)
    context.services.tag_completion = catalog
    context.services.prompt_path = prompt_path(catalog)
    context.tag_resolver = catalog.resolve
    _toolbar_catalogs[:] = [catalog]


@hookimpl
def session_opened(context: ShellContext) -> None:
    catalog = catalog_of(context)
    session = context.require_session()
    catalog.attach(lambda: session.client.galaxy())
    if context.tag_resolver is None:
        context.tag_resolver = catalog.resolve


@hookimpl
def session_closed(context: ShellContext) -> None:
    catalog_of(context).detach()


# The plugin API this family is written for (`plugins` shows it).
MXSHELL_API = (1, 1)
