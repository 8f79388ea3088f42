"""The click group: ``gridmap COMMAND``; bad input ends with a one-line message and exit 2."""
from __future__ import annotations

import sys

import click

from gridmap.errors import GridmapError

#: Exit codes: 0 done, 1 unexpected failure, 2 bad input or usage, 3 validation found errors.
EXIT_BAD_INPUT = 2
EXIT_FAULTS = 3


class GridmapGroup(click.Group):
    """Turns gridmap's own errors into one-line messages instead of tracebacks."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except GridmapError as exc:
            click.echo(f"gridmap: error: {exc}", err=True)
            sys.exit(EXIT_BAD_INPUT)
        except FileNotFoundError as exc:
            click.echo(f"gridmap: error: {exc}", err=True)
            sys.exit(EXIT_BAD_INPUT)


@click.group(cls=GridmapGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="gridmap")
def cli():
    """gridmap: partition a county into service grids, staff them, measure their reach and map them.

    Units: households, metres, minutes, yuan. Run `gridmap COMMAND --help` for each step.
    """


#: One module per command in gridmap/cli/, each defining a click command named ``command``.
COMMANDS = ("partition", "staff", "reach", "map", "validate", "report", "run", "export", "presets", "edit", "update",
            "adjust", "compare")


def _register():
    import importlib

    for name in COMMANDS:
        try:
            module = importlib.import_module(f"gridmap.cli.{name}_cmd")
        except ModuleNotFoundError as exc:
            if exc.name == f"gridmap.cli.{name}_cmd":
                continue  # command not built yet
            raise
        cli.add_command(module.command, name=name)


_register()


if __name__ == "__main__":
    cli()
