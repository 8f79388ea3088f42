"""Options and helpers shared by every command, spelled the same way everywhere."""
from __future__ import annotations

import sys
import time
from pathlib import Path

import click

seed_option = click.option("--seed", type=click.IntRange(min=0), default=None, show_default="0 or the config's",
                           help="Seed of the random choices; the same inputs and seed give the same plan.")
config_option = click.option("--config", "config_path", type=click.Path(dir_okay=False),
                             help="TOML rules file with [plan], [staffing], [reach] tables (`gridmap presets NAME` "
                                  "prints an example); options given here override it.")
out_option = click.option("--out", "out_dir", type=click.Path(file_okay=False), required=True,
                          help="Output directory (created if missing).")
quiet_option = click.option("--quiet", "-q", is_flag=True, help="No progress display.")
def _default_lang():
    from gridmap.i18n import default_lang

    return default_lang()


lang_option = click.option("--lang", type=click.Choice(["zh", "en"]), default=_default_lang,
                           show_default="from the locale: en for a non-Chinese LANG, else zh; GRIDMAP_LANG overrides",
                           help="Language of every word written: terminal summary, tables, CSV headers, map, report.")


#: Options shared by ``gridmap staff`` and ``gridmap reach`` (spelled the same in both).
plan_argument = click.argument("plan_path", metavar="PLAN", type=click.Path(dir_okay=False))
plan_out_option = click.option("--out", "out_dir", type=click.Path(file_okay=False),
                               help="Write OUT/plan.gpkg (and the CSV files) instead of extending PLAN in place.")
bases_option = click.option("--bases", "bases_path", type=click.Path(dir_okay=False),
                            help="Points of the grids' bases (offices, workrooms): with a grid_id (or code) column, "
                                 "or matched to the grid they lie in. Grids without one get a computed base.")
mode_option = click.option("--mode", type=click.Choice(["walk", "ebike", "car"]),
                           help="Travel mode of the workers.  [default: walk, or the config's]")
minutes_urban_option = click.option("--minutes-urban", type=click.FloatRange(min=0, min_open=True),
                                    help="Response time in urban grids, minutes.  [default: 10]")
minutes_rural_option = click.option("--minutes-rural", type=click.FloatRange(min=0, min_open=True),
                                    help="Response time in rural grids, minutes.  [default: 30]")
objective_option = click.option("--objective", type=click.Choice(["min_time", "max_reached"]), default="min_time",
                                show_default=True, help="Computed bases: least household-weighted travel time, "
                                "or most households within the response time.")


def load_reach_config(config_path, *, mode=None, minutes_urban=None, minutes_rural=None, bare=True):
    """Travel rules: defaults, then the TOML file's [reach] table, then command-line overrides.

    ``bare``: a file without [plan]/[staffing]/[reach] tables holds travel rules (for
    ``gridmap reach``) or not (``gridmap staff``, whose bare files hold staffing rules).
    """
    from gridmap.config import ReachConfig

    config = ReachConfig.from_toml(config_path, bare=bare) if config_path else ReachConfig()
    changes = {k: v for k, v in {"mode": mode, "minutes_urban": minutes_urban, "minutes_rural": minutes_rural}.items()
               if v is not None}
    return config.replace(**changes) if changes else config


def read_plan(plan_path):
    from gridmap.plan import Plan

    return Plan.load(plan_path)


def read_bases(bases_path):
    if not bases_path:
        return None
    from gridmap.inputs.files import read_layer

    return read_layer(bases_path, what="bases")


def output_path(plan_path, out_dir) -> Path:
    """Where the extended plan goes: OUT/plan.gpkg, or PLAN itself (replaced atomically)."""
    return Path(out_dir) / "plan.gpkg" if out_dir else Path(plan_path)


def travel_options(function):
    """The options of ``gridmap staff`` and ``gridmap reach``, in one order for both."""
    for option in reversed((bases_option, mode_option, minutes_urban_option, minutes_rural_option,
                            objective_option, config_option, plan_out_option, quiet_option)):
        function = option(function)
    return function


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
