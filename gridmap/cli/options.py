"""Options and helpers shared by every command, spelled the same way everywhere."""
from __future__ import annotations

import sys
import time

import click

seed_option = click.option("--seed", type=click.IntRange(min=0), default=None, show_default="0 or the config's",
                           help="Seed of the random choices; the same inputs and seed give the same plan.")
config_option = click.option("--config", "config_path", type=click.Path(dir_okay=False),
                             help="TOML file of plan rules (see `gridmap config`); options given here override it.")
out_option = click.option("--out", "out_dir", type=click.Path(file_okay=False), required=True,
                          help="Output directory (created if missing).")
quiet_option = click.option("--quiet", "-q", is_flag=True, help="No progress display.")
lang_option = click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
                           help="Language of labels.")


class Progress:
    """Progress of long steps on stderr: a bar on a terminal, one line per step otherwise."""

    def __init__(self, quiet: bool = False):
        self.quiet = quiet
        self.step = None
        self.started = time.perf_counter()
        self.tty = sys.stderr.isatty()

    def __call__(self, step: str, done: int, total: int):
        if self.quiet:
            return
        if step != self.step:
            if self.step is not None and self.tty:
                click.echo("", err=True)
            self.step = step
            self.started = time.perf_counter()
            if not self.tty:
                click.echo(f"  {step} ...", err=True)
        if self.tty:
            width = 30
            fill = int(width * done / total) if total else width
            click.echo(f"\r  {step:<12s} [{'#' * fill}{' ' * (width - fill)}] {done}/{total} "
                       f"{time.perf_counter() - self.started:5.1f} s", err=True, nl=False)

    def close(self):
        if self.tty and self.step is not None and not self.quiet:
            click.echo("", err=True)
