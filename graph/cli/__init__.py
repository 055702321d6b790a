"""The ``chipgraph`` command line.

Each module under ``graph/cli/`` registers one family of commands; this
module only assembles them. ``serve`` starts the API by import string, so
``graph`` never imports ``api``.
"""

from __future__ import annotations

import importlib

import typer

__all__ = ["app", "main"]

app = typer.Typer(
    name="chipgraph",
    help="A knowledge graph of the global chip supply chain, built from news with evidence for every fact.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

#: modules whose ``register(app)`` adds commands, in help order
COMMAND_MODULES = (
    "graph.cli.store_cmds",
    "graph.cli.eval_cmds",
    "graph.cli.analytics_cmds",
    "graph.cli.import_cmds",
    "graph.cli.viz_cmds",
)

for _name in COMMAND_MODULES:
    try:
        _module = importlib.import_module(_name)
    except ModuleNotFoundError as exc:
        if exc.name != _name:
            raise
        continue
    _module.register(app)


def main() -> None:
    """Console-script entry point."""
    app()
