"""Options and helpers shared by every command, spelled the same way everywhere."""
from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from gridmap.inputs import GCJ02_ROLES

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
                                           callback=set_verbose, help="Say more: step timings (-vv: debug log)."))
    if "-q" not in names and "--quiet" not in names:
        command.params.append(click.Option(["-q", "--quiet"], is_flag=True, expose_value=False, is_eager=True,
                                           callback=set_quiet, help="No progress display."))
    return command


class Progress:
    """Progress of long steps on stderr: rich progress bars on a terminal; nothing when piped
    (or with -q), one line per finished step with its time under -v.

    Called as ``progress(step, done, total)``: a new step opens a bar, ``done == total``
    completes it.
    """

    def __init__(self, quiet: bool = False):
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

            self._rich = RichProgress(TextColumn("  {task.description:<14}"), BarColumn(bar_width=30),
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
            click.echo(f"  {self.step:<14s} {seconds:6.1f} s", err=True)
        self._task = None

    def __call__(self, step: str, done: int, total: int):
        if self.quiet or not (self.tty or self.verbose):
            return
        if step != self.step:
            self._finish()
            self.step = step
            self.started = time.perf_counter()
            if self.tty:
                self._task = self._bar().add_task(step, total=max(total, 1))
        if self._task is not None:
            self._rich.update(self._task, completed=done if total else 1, total=max(total, 1))
        if total and done >= total:  # the step is done: its bar full, its time said
            self._finish()
            self.step = None

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
    click.option("--osm", type=click.Path(dir_okay=False), help="OSM extract (.osm.pbf, .osm, .osm.bz2): roads, "
                 "waterways, railways, buildings, place points and residential landuse come from it, and the area and "
                 "units too unless --area/--units files are given (--roads, --waterways, --railways, --barriers and "
                 "--buildings are then not read)."),
    click.option("--area", type=click.Path(dir_okay=False), help="Polygon file of the study area (instead of --osm; default: the union of --units)."),
    click.option("--area-name", help="With --osm: name of the admin boundary to plan (e.g. 'Liechtenstein', '荥经县')."),
    click.option("--close-at-extract", is_flag=True, help="With --osm: close boundary relations cut by the extract's "
                 "edge against its bounding box (those that cannot be closed are reported)."),
    click.option("--extract-area", is_flag=True, help="With --osm: the area is the extract's bounding box."),
    click.option("--units-points", type=click.Path(dir_okay=False), help="Points of villages/communities (name "
                 "column): units are derived around them, borders on roads and rivers, inside the townships "
                 "(--parent-level with --osm, --units FILE, or the area)."),
    click.option("--units-from-places", help="With --osm: derive units from the extract's place nodes of these kinds "
                 "(comma-separated, e.g. village,hamlet or neighbourhood,quarter)."),
    click.option("--area-level", type=int, default=2, show_default=True, help="With --osm: admin_level of the area."),
    click.option("--units", type=click.Path(dir_okay=False), help="Polygon file of the lowest-level units (villages/"
                 "communities or townships). Without it (and without --osm) the whole area is one unit."),
    click.option("--units-level", type=int, default=8, show_default=True, help="With --osm: admin_level of the units."),
    click.option("--parent-level", type=int, help="With --osm: admin_level of the units' parents (townships)."),
    click.option("--unit-id", help="Column of unit ids in --units (default: unit_id, code, id, GEOID or WARD; else 1..n)."),
    click.option("--unit-name", help="Column of unit names in --units (default: name, NAME or unit_name; else the id)."),
    click.option("--code-table", type=click.Path(file_okay=False), help="Folder of statistical division codes "
                 "(counties.csv, townships.csv, villages.csv, e.g. data/china): units are named by their 12-digit "
                 "codes, found by name, and grids get 15-digit codes."),
    click.option("--county-code", help="With --code-table: the 6-digit county code to look the units up in."),
    click.option("--roads", multiple=True, type=click.Path(dir_okay=False), help="Road lines (repeatable); a "
                 "'highway' column sets the class."),
    click.option("--waterways", multiple=True, type=click.Path(dir_okay=False), help="River/stream lines (repeatable)."),
    click.option("--railways", multiple=True, type=click.Path(dir_okay=False), help="Railway lines (repeatable)."),
    click.option("--barriers", multiple=True, type=click.Path(dir_okay=False), help="Other lines grids may follow: "
                 "ridges, walls (repeatable; polygon outlines count)."),
    click.option("--households", type=click.Path(dir_okay=False), help="Household points (one each, or "
                 "--households-column per point) or census polygons with --households-column."),
    click.option("--households-column", help="Column holding households (or persons, with --households-divisor)."),
    click.option("--households-divisor", type=click.FloatRange(min=0, min_open=True), default=1.0, show_default=True,
                 help="Divide the column by this (persons per household, e.g. 2.3)."),
    click.option("--buildings", type=click.Path(dir_okay=False), help="Building polygons to estimate households from."),
    click.option("--households-totals", type=click.Path(dir_okay=False), help="Known household totals: polygons "
                 "(villages, communities, census areas; --totals-column), or a CSV/XLSX table of code or name "
                 "(村/社区, 乡镇, or the county) and households or persons, joined to the units. Each total is "
                 "spread where people live: over the buildings or points when they can carry it, else over built-up "
                 "evidence (residential landuse, footprints, residential streets, village points); the summary "
                 "says which, unit by unit."),
    click.option("--totals-column", default="households", show_default=True,
                 help="Column of --households-totals holding households (or persons, with --totals-divisor)."),
    click.option("--totals-divisor", type=click.FloatRange(min=0, min_open=True), default=1.0, show_default=True,
                 help="Divide --totals-column by this (persons per household, e.g. 2.8)."),
    click.option("--totals-factor", type=click.FloatRange(min=1, min_open=True), default=3.0, show_default=True,
                 help="Report units whose total and building/point estimate differ by more than this factor."),
    click.option("--census-county", help="6-digit county code: the county's 2020 census gives persons per household "
                 "(for persons in --households-totals, unless --totals-divisor is given) and the dwelling floor area "
                 "per household for flats (apartments, residential buildings)."),
    click.option("--encoding", help="Text encoding of Shapefiles without .cpg and of CSV tables (e.g. gbk; "
                 "default: UTF-8 or GB18030/GBK, detected from the bytes)."),
    click.option("--drop-outside", is_flag=True, help="Drop household points outside the area instead of failing."),
    click.option("--gcj02", multiple=True, type=click.Choice([*GCJ02_ROLES, "all"]),
                 help="These input files hold GCJ-02 coordinates (AMap/Gaode, Tencent): shift them to WGS 84 "
                 "on reading (repeatable; 'all' for every file)."),
    click.option("--band", nargs=2, type=float, help="MIN MAX households per urban grid.  [default: 300 500]"),
    click.option("--urban", "urban_mode", type=click.Choice(["density", "all", "none"]),
                 help="Which units are urban (partitioned by households): all, none, or by density: each unit's "
                 "dense settlements by the band, the rest by the rural rule.  [default: density]"),
    click.option("--urban-density", "urban_min_density", type=float,
                 help="With --urban density: households per km² of the atoms a settlement lives in from which "
                 "it is dense (split by the band; the rest of its unit by the rural rule).  [default: 100]"),
    click.option("--urban-pattern", "urban_pattern", help="Regex of unit names that are urban (e.g. '街道|社区')."),
    click.option("--rural-grids", "rural_grids", type=click.Choice(["village", "settlement"]),
                 help="A rural unit is one grid (village), or one grid per natural settlement.  [default: village]"),
    click.option("--settlement-gap", "rural_gap_m", type=click.FloatRange(min=0, min_open=True),
                 help="Metres between houses of one settlement.  [default: 150]"),
    click.option("--settlement-min", "rural_min_households", type=click.FloatRange(min=0),
                 help="Households under which a settlement joins its neighbour.  [default: 50]"),
    click.option("--split-large/--no-split-large", "rural_split_large", default=None,
                 help="Split settlements over the band's top into grids in the band.  [default: no]"),
    click.option("--crs", help="Metric CRS to compute in (e.g. EPSG:4547).  [default: auto, UTM or CGCS2000 GK]"),
    click.option("--jobs", type=click.IntRange(min=1), default=1, show_default=True,
                 help="Processes that cut and partition the units in parallel (the plan is the same for any number)."),
]


def input_options(function):
    """Decorate a command with every option of :data:`INPUT_OPTIONS` (in their order)."""
    for option in reversed(INPUT_OPTIONS):
        function = option(function)
    return function
