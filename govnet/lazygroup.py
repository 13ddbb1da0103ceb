"""A command group whose sub-apps are imported only when they are invoked.

Click documents the pattern (a ``Group`` whose ``get_command`` imports the
subcommand's module on demand); this is its Typer form, with one addition: the
group's own ``--help`` lists every sub-app from a help text kept in the table,
so listing them imports none of them. A sub-app is one table row::

    {"ipam": ("ipam.cli:app", "Address plan: pools, district blocks, allocations.")}

The target is a ``typer.Typer``, a ``click.Command``, or a plain function (made a
single command). ``govnet ipam allocate …`` thus imports the IPAM CLI and what it
needs, never the access, inventory or lab packages.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from collections.abc import Mapping
from difflib import get_close_matches
from types import ModuleType
from typing import Any

import typer
from typer import _click as click  # Typer >= 0.29 vendors Click: its commands are these
from typer.core import TyperCommand, TyperGroup

# name -> ("module:attr", help text shown in the parent's --help)
Table = Mapping[str, tuple[str, str]]


def load_target(target: str, name: str) -> click.Command:
    """Import ``module:attr`` and return it as a click command named ``name``."""
    module, _, attr = target.partition(":")
    obj = getattr(importlib.import_module(module), attr)
    if isinstance(obj, typer.Typer):
        command = typer.main.get_command(obj)
    elif isinstance(obj, click.Command):
        command = obj
    elif callable(obj):
        single = typer.Typer(add_completion=False)
        single.command(name=name)(obj)
        command = typer.main.get_command(single)
    else:
        raise TypeError(f"{target} is neither a Typer app, a click command nor a function")
    command.name = name
    return command


class LazyCommand(TyperCommand):
    """Stands for a sub-app in its parent's help; the real one is loaded on first use."""

    def __init__(self, name: str, target: str, help_text: str) -> None:
        super().__init__(name, help=help_text, add_help_option=False)
        self.target = target
        self._real: click.Command | None = None

    def load(self) -> click.Command:
        if self._real is None:
            self._real = load_target(self.target, self.name or "")
        return self._real

    def make_context(self, info_name: str | None, args: list[str],
                     parent: click.Context | None = None, **extra: Any) -> click.Context:
        # The context belongs to the real command: the parent group invokes ctx.command.
        return self.load().make_context(info_name, args, parent=parent, **extra)

    def invoke(self, ctx: click.Context) -> Any:
        return self.load().invoke(ctx)

    def shell_complete(self, ctx: click.Context, incomplete: str) -> list[Any]:
        return self.load().shell_complete(ctx, incomplete)


class LazyGroup(TyperGroup):
    """A TyperGroup that also offers the sub-apps of ``lazy`` (set by :func:`lazy_group`)."""

    lazy: Table = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._stand_ins: dict[str, LazyCommand] = {}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [*super().list_commands(ctx), *(n for n in self.lazy if n not in self.commands)]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        found = super().get_command(ctx, cmd_name)
        if found is not None or cmd_name not in self.lazy:
            return found
        if cmd_name not in self._stand_ins:
            target, help_text = self.lazy[cmd_name]
            self._stand_ins[cmd_name] = LazyCommand(cmd_name, target, help_text)
        return self._stand_ins[cmd_name]

    def resolve_command(self, ctx: click.Context, args: list[str]
                        ) -> tuple[str | None, click.Command | None, list[str]]:
        try:
            name, command, rest = super().resolve_command(ctx, args)
        except click.exceptions.UsageError as exc:  # Typer suggests only from the loaded commands
            close = get_close_matches(args[0], self.list_commands(ctx)) if args else []
            if close and "Did you mean" not in exc.message:
                exc.message = (f"{exc.message.rstrip('.')}. Did you mean "
                               f"{', '.join(repr(m) for m in close)}?")
            raise
        return name, command.load() if isinstance(command, LazyCommand) else command, rest


def lazy_group(table: Table) -> type[LazyGroup]:
    """A LazyGroup class of its own for ``table`` (pass it as ``typer.Typer(cls=…)``)."""
    return type("LazyGroup", (LazyGroup,), {"lazy": dict(table)})


def lazy_module(name: str) -> ModuleType:
    """Module ``name``, executed on its first attribute access (the standard library's
    :class:`importlib.util.LazyLoader` recipe): a CLI module names every service its
    commands call, and a command pays only for the ones it uses."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        raise ModuleNotFoundError(f"no module named {name!r}", name=name)
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    parent, _, child = name.rpartition(".")
    if parent:
        setattr(sys.modules[parent], child, module)
    return module
