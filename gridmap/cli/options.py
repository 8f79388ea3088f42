"""Options and helpers shared by every command, spelled the same way everywhere."""
from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from gridmap.inputs import GCJ02_ROLES

seed_option = click.option("--seed", type=click.IntRange(min=0), default=None, show_default="help.default.seed",
                           help="help.option.seed")
config_option = click.option("--config", "config_path", type=click.Path(dir_okay=False),
                             help="help.option.config")
out_option = click.option("--out", "out_dir", type=click.Path(file_okay=False), required=True,
                          help="help.option.out")
quiet_option = click.option("--quiet", "-q", is_flag=True, help="help.option.quiet")
#: The most processes ``--jobs`` uses unless told.
MAX_DEFAULT_JOBS = 4


def default_jobs() -> int:
    """``--jobs`` when not given: the cores this process may use (at most :data:`MAX_DEFAULT_JOBS`)
    where workers start by fork (they start in milliseconds, with every module already imported),
    else 1 (a spawned worker imports geopandas and the rest again: longer than a county's partition).

    The plan is the same for any number of processes; on the 2-core machine the demo's units are
    cut and partitioned, and its bases searched, on both cores while the run waits.
    """
    import multiprocessing
    import os

    if multiprocessing.get_start_method(allow_none=False) != "fork":
        return 1
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return max(1, min(cores, MAX_DEFAULT_JOBS))


def _default_lang():
    from gridmap.i18n import default_lang

    return default_lang()


lang_option = click.option("--lang", type=click.Choice(["zh", "en"]), default=_default_lang,
                           show_default="help.default.lang",
                           help="help.option.lang")


#: Options shared by ``gridmap staff`` and ``gridmap reach`` (spelled the same in both).
plan_argument = click.argument("plan_path", metavar="PLAN", type=click.Path(dir_okay=False))
plan_out_option = click.option("--out", "out_dir", type=click.Path(file_okay=False),
                               help="help.option.plan_out")
bases_option = click.option("--bases", "bases_path", type=click.Path(dir_okay=False),
                            help="help.option.bases")
mode_option = click.option("--mode", type=click.Choice(["walk", "ebike", "car"]),
                           help="help.option.mode")
minutes_urban_option = click.option("--minutes-urban", type=click.FloatRange(min=0, min_open=True),
                                    help="help.option.minutes_urban")
minutes_rural_option = click.option("--minutes-rural", type=click.FloatRange(min=0, min_open=True),
                                    help="help.option.minutes_rural")
objective_option = click.option("--objective", type=click.Choice(["min_time", "max_reached"]), default="min_time",
                                show_default=True, help="help.option.objective")


def fit(value, width: int, right: bool = False) -> str:
    """``value`` cut or padded to ``width`` terminal columns (a Chinese character takes two),
    for the summary tables of the commands."""
    import unicodedata

    text, used = "", 0
    for char in str(value):
        w = 2 if unicodedata.east_asian_width(char) in "WF" else 1
        if used + w > width:
            break
        text, used = text + char, used + w
    pad = " " * (width - used)
    return pad + text if right else text + pad


def echo_line(label: str, value) -> None:
    """One line of a command's summary: two spaces, ``label`` in 16 columns, then ``value``."""
    click.echo(f"  {fit(label, 16)}{value}")


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


#: Verbosity set by -q/--quiet (-1), default (0) or -v/--verbose (1, 2) on any command.
VERBOSITY = {"level": 0}


def verbosity_options(command: click.Command) -> click.Command:
    """Give ``command`` -v/--verbose and -q/--quiet (when it has none of its own): they set :data:`VERBOSITY`."""
    def set_verbose(ctx, param, value):
        if value:
            VERBOSITY["level"] = max(VERBOSITY["level"], value)
            import logging

            logging.basicConfig(level=logging.INFO if value == 1 else logging.DEBUG,
                                format="%(levelname)s %(name)s: %(message)s")

    def set_quiet(ctx, param, value):
        if value:
            VERBOSITY["level"] = -1

    names = {o for p in command.params for o in getattr(p, "opts", [])}
    if "-v" not in names and "--verbose" not in names:
        command.params.append(click.Option(["-v", "--verbose"], count=True, expose_value=False, is_eager=True,
                                           callback=set_verbose, help="help.option.verbose"))
    if "-q" not in names and "--quiet" not in names:
        command.params.append(click.Option(["-q", "--quiet"], is_flag=True, expose_value=False, is_eager=True,
                                           callback=set_quiet, help="help.option.quiet"))
    return command


class Progress:
    """Progress of long steps on stderr: rich progress bars on a terminal; nothing when piped
    (or with -q), one line per finished step with its time under -v.

    Called as ``progress(step, done, total)``: a new step opens a bar, ``done == total``
    completes it. Steps are named in ``lang`` (the vocabulary's ``step.*``; a step it lacks
    as written).
    """

    def __init__(self, quiet: bool = False, lang: str | None = None):
        self.lang = lang
        self.quiet = quiet or VERBOSITY["level"] < 0
        self.verbose = VERBOSITY["level"] > 0
        self.tty = sys.stderr.isatty()
        self.step = None
        self.started = time.perf_counter()
        self._rich = None
        self._task = None

    def _bar(self):
        if self._rich is None:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress as RichProgress, TextColumn
            from rich.progress import TimeElapsedColumn

            self._rich = RichProgress(TextColumn("  {task.description}"), BarColumn(bar_width=30),
                                      MofNCompleteColumn(), TimeElapsedColumn(),
                                      console=Console(file=sys.stderr), transient=False)
            self._rich.start()
        return self._rich

    def _finish(self):
        if self.step is None:
            return
        seconds = time.perf_counter() - self.started
        if self._task is not None:
            bar = self._rich.tasks[[t.id for t in self._rich.tasks].index(self._task)]
            self._rich.update(self._task, completed=bar.total)
        elif self.verbose:
            click.echo(f"  {self._label(self.step)} {seconds:6.1f} s", err=True)
        self._task = None

    def __call__(self, step: str, done: int, total: int):
        if self.quiet or not (self.tty or self.verbose):
            return
        if step != self.step:
            self._finish()
            self.step = step
            self.started = time.perf_counter()
            if self.tty:
                self._task = self._bar().add_task(self._label(step), total=max(total, 1))
        if self._task is not None:
            self._rich.update(self._task, completed=done if total else 1, total=max(total, 1))
        if total and done >= total:  # the step is done: its bar full, its time said
            self._finish()
            self.step = None

    def _label(self, step: str) -> str:
        """The step's name in the command's language, padded to 14 terminal columns."""
        from gridmap import i18n

        return fit(i18n.term("step", step, self.lang) if self.lang else step, 14)

    def close(self):
        self._finish()
        self.step = None
        if self._rich is not None:
            self._rich.stop()
            self._rich = None


# --------------------------------------------------------------------------- inputs and rules of a plan


def load_config(config_path, **options):
    """The plan rules: defaults, then the TOML file, then the rule options given
    (:data:`gridmap.runner.RULE_OPTIONS` says which field each one sets)."""
    from gridmap.runner import load_config as load

    return load(config_path, **options)


#: Options naming the inputs and rules of a plan, shared by ``partition`` and ``run``.
INPUT_OPTIONS = [
    click.option("--osm", type=click.Path(dir_okay=False), help="help.option.osm"),
    click.option("--area", type=click.Path(dir_okay=False), help="help.option.area"),
    click.option("--area-name", help="help.option.area_name"),
    click.option("--close-at-extract", is_flag=True, help="help.option.close_at_extract"),
    click.option("--extract-area", is_flag=True, help="help.option.extract_area"),
    click.option("--units-points", type=click.Path(dir_okay=False), help="help.option.units_points"),
    click.option("--units-from-places", help="help.option.units_from_places"),
    click.option("--area-level", type=int, default=None, help="help.option.area_level"),
    click.option("--units", type=click.Path(dir_okay=False), help="help.option.units"),
    click.option("--units-level", type=int, default=8, show_default=True, help="help.option.units_level"),
    click.option("--parent-level", type=int, help="help.option.parent_level"),
    click.option("--unit-id", help="help.option.unit_id"),
    click.option("--unit-name", help="help.option.unit_name"),
    click.option("--code-table", type=click.Path(file_okay=False), help="help.option.code_table"),
    click.option("--county-code", help="help.option.county_code"),
    click.option("--roads", multiple=True, type=click.Path(dir_okay=False), help="help.option.roads"),
    click.option("--waterways", multiple=True, type=click.Path(dir_okay=False), help="help.option.waterways"),
    click.option("--railways", multiple=True, type=click.Path(dir_okay=False), help="help.option.railways"),
    click.option("--barriers", multiple=True, type=click.Path(dir_okay=False), help="help.option.barriers"),
    click.option("--households", type=click.Path(dir_okay=False), help="help.option.households"),
    click.option("--households-column", help="help.option.households_column"),
    click.option("--households-divisor", type=click.FloatRange(min=0, min_open=True), default=1.0, show_default=True,
                 help="help.option.households_divisor"),
    click.option("--buildings", type=click.Path(dir_okay=False), help="help.option.buildings"),
    click.option("--households-totals", type=click.Path(dir_okay=False), help="help.option.households_totals"),
    click.option("--totals-column", default="households", show_default=True,
                 help="help.option.totals_column"),
    click.option("--totals-divisor", type=click.FloatRange(min=0, min_open=True), default=1.0, show_default=True,
                 help="help.option.totals_divisor"),
    click.option("--totals-factor", type=click.FloatRange(min=1, min_open=True), default=3.0, show_default=True,
                 help="help.option.totals_factor"),
    click.option("--census-county", help="help.option.census_county"),
    click.option("--encoding", help="help.option.encoding"),
    click.option("--drop-outside", is_flag=True, help="help.option.drop_outside"),
    click.option("--gcj02", multiple=True, type=click.Choice([*GCJ02_ROLES, "all"]),
                 help="help.option.gcj02"),
    click.option("--bd09", multiple=True, type=click.Choice([*GCJ02_ROLES, "all"]),
                 help="help.option.bd09"),
    click.option("--band", nargs=2, type=float, help="help.option.band"),
    click.option("--urban", "urban_mode", type=click.Choice(["density", "all", "none"]),
                 help="help.option.urban"),
    click.option("--urban-density", "urban_min_density", type=float,
                 help="help.option.urban_density"),
    click.option("--urban-pattern", "urban_pattern", help="help.option.urban_pattern"),
    click.option("--rural-grids", "rural_grids", type=click.Choice(["village", "settlement"]),
                 help="help.option.rural_grids"),
    click.option("--settlement-gap", "rural_gap_m", type=click.FloatRange(min=0, min_open=True),
                 help="help.option.settlement_gap"),
    click.option("--settlement-min", "rural_min_households", type=click.FloatRange(min=0),
                 help="help.option.settlement_min"),
    click.option("--split-large/--no-split-large", "rural_split_large", default=None,
                 help="help.option.split_large"),
    click.option("--crs", help="help.option.crs"),
    click.option("--jobs", type=click.IntRange(min=1), default=None, show_default="help.default.jobs",
                 callback=lambda ctx, param, value: value or default_jobs(), help="help.option.jobs"),
]


#: Options that say how to read another option's input (or where to find it in the extract), each
#: with the options it applies to: given without any of them it would be silently unused, so the
#: command refuses it instead.
NEEDS = {
    "households_column": ("households",), "households_divisor": ("households",),
    "totals_column": ("households_totals",), "totals_divisor": ("households_totals",),
    "totals_factor": ("households_totals",),
    "unit_id": ("units",), "unit_name": ("units",),
    "units_level": ("osm",), "parent_level": ("osm",), "area_level": ("osm",),
}


def check_needs(ctx: click.Context, values: dict) -> None:
    """Refuse an option of :data:`NEEDS` given on the command line (not left at its default) without
    any of the options it applies to (an :class:`~gridmap.errors.InputError`, exit 2)."""
    from click.core import ParameterSource

    from gridmap.errors import InputError

    flags = {p.name: p.opts[0] for p in ctx.command.params}
    for name, bases in NEEDS.items():
        if name not in flags or ctx.get_parameter_source(name) not in (ParameterSource.COMMANDLINE,
                                                                       ParameterSource.ENVIRONMENT):
            continue
        if not any(values.get(base) for base in bases):
            raise InputError.of("option_needs", option=flags[name], needs=" / ".join(flags[b] for b in bases))


def input_options(function):
    """Decorate a command with every option of :data:`INPUT_OPTIONS` (in their order); the command
    refuses an option of :data:`NEEDS` given without the input it applies to (:func:`check_needs`)."""
    import functools

    @functools.wraps(function)
    def checked(*args, **kwargs):
        check_needs(click.get_current_context(), kwargs)
        return function(*args, **kwargs)

    for option in reversed(INPUT_OPTIONS):
        checked = option(checked)
    return checked
