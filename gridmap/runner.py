"""One whole run of one area, from the options of ``gridmap run`` to its files.

    result = run_county(Path("out/demo"), osm="data/liechtenstein.osm.pbf", area_name="Liechtenstein",
                        urban_mode="all", band=(300, 500), seed=0)
    result.plan.summary(); result.faults.errors; result.paths["report.html"]

:func:`plan_from_options` reads the inputs the options name and makes the plan (the
code behind ``gridmap partition``); :func:`run_county` adds staffing, reach,
validation, the map and the report and writes every file (``gridmap run``, and each
county of ``gridmap batch``). The keyword names are the CLI's parameter names
(``--urban`` is ``urban_mode``, ``--config`` is ``config_path``).
"""
from __future__ import annotations

import dataclasses
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from gridmap._gc import fewer_collections
from gridmap.errors import InputError

#: The files one run writes into its output folder (and ``report.pdf`` when asked for).
RUN_FILES = ("plan.gpkg", "summary.json", "roster.csv", "budget.csv", "grids.csv", "grids.xlsx", "faults.gpkg",
             "map.html", "report.html")


#: Which rule each rule option sets: option (the keyword of :func:`plan_from_options`, the
#: command line's ``--band``, ``--urban``, ``--urban-density``, ...) -> (table, field) of
#: :class:`~gridmap.config.PlanConfig` (table None: a field of PlanConfig itself).
RULE_OPTIONS = {
    "band": (None, "band"), "seed": (None, "seed"), "crs": (None, "crs"),
    "urban_mode": ("urban", "mode"), "urban_min_density": ("urban", "min_density"),
    "urban_pattern": ("urban", "urban_pattern"),
    "rural_grids": ("rural", "grids"), "rural_gap_m": ("rural", "gap_m"),
    "rural_min_households": ("rural", "min_households"), "rural_split_large": ("rural", "split_large"),
}


def load_config(config_path=None, **options):
    """The plan rules: defaults, then the TOML file, then the rule options given (None: not given).

    Each option sets the field :data:`RULE_OPTIONS` names (``urban_mode`` sets
    ``urban.mode``); an unknown option is a TypeError.
    """
    from gridmap.config import PlanConfig

    unknown = sorted(set(options) - set(RULE_OPTIONS))
    if unknown:
        raise TypeError(f"load_config: unknown rule option(s) {unknown}; known: {sorted(RULE_OPTIONS)}")
    config = PlanConfig.from_toml(config_path) if config_path else PlanConfig()
    changes, tables = {}, {}
    for name, value in options.items():
        if value is None:
            continue
        table, name_in_table = RULE_OPTIONS[name]
        if table is None:
            changes[name_in_table] = value
        else:
            tables.setdefault(table, {})[name_in_table] = value
    for table, fields in tables.items():
        changes[table] = dataclasses.replace(getattr(config, table), **fields)
    return config.replace(**changes) if changes else config


def plan_from_options(*, osm=None, area=None, area_name=None, close_at_extract=False, extract_area=False,
                      units_points=None, units_from_places=None, area_level=None, units=None, units_level=8,
                      parent_level=None, unit_id=None, unit_name=None, code_table=None, county_code=None, roads=(),
                      waterways=(), railways=(), barriers=(), households=None, households_column=None,
                      households_divisor=1.0, buildings=None, households_totals=None, totals_column="households",
                      totals_divisor=1.0, totals_factor=3.0, census_county=None, encoding=None, drop_outside=False,
                      gcj02=(), bd09=(), band=None, urban_mode=None, urban_min_density=None, urban_pattern=None,
                      rural_grids=None, rural_gap_m=None, rural_min_households=None, rural_split_large=None, crs=None,
                      jobs=1, seed=None, config_path=None, progress=None, executor=None, inputs=None,
                      with_network=False, osm_scan=None):
    """Read the inputs the options name and make the plan (``gridmap partition``).

    The keywords are the CLI's parameters (see ``gridmap partition --help``).
    ``executor``: a :class:`concurrent.futures.Executor` for the per-unit steps (else a
    process pool of ``jobs`` processes when ``jobs`` > 1). ``inputs``: assembled
    :class:`~gridmap.pipeline.Inputs` to plan instead of reading files (the input options
    are then ignored; the rule options apply). ``with_network``: return a
    :class:`~gridmap.pipeline.PlanWithNetwork` (the plan and the road network built with it,
    for :func:`~gridmap.pipeline.staff_and_reach`) instead of the plan. ``osm_scan``: a
    :class:`~gridmap.inputs.osm_scan.ScanAhead` of ``osm`` started earlier (``gridmap run``).
    """
    from gridmap.i18n import Phrase
    from gridmap.inputs import datum_roles
    from gridmap.inputs.assemble import add_files
    from gridmap.pipeline import inputs_from_files, inputs_from_osm, set_households, set_totals, set_unit_codes

    def rules():
        return load_config(config_path, band=band, seed=seed, crs=crs, urban_mode=urban_mode,
                           urban_min_density=urban_min_density, urban_pattern=urban_pattern, rural_grids=rural_grids,
                           rural_gap_m=rural_gap_m, rural_min_households=rural_min_households,
                           rural_split_large=rural_split_large)

    if inputs is not None:
        return _make_plan(inputs, rules(), progress, executor, jobs, with_network)
    if units_from_places and not osm:
        raise InputError.of("in_places_need_osm")
    if (close_at_extract or extract_area) and not osm:
        raise InputError.of("in_extract_options_need_osm")
    if not (osm or area or units):
        raise InputError.of("in_no_inputs")
    config = rules()
    progress = progress or (lambda *a: None)
    progress("inputs", 0, 1)
    census = None
    if census_county:
        from gridmap.census import county

        census = county(census_county)
        if totals_divisor == 1.0 and households_totals:
            totals_divisor = census.household_size
        # the county's dwelling floor area per household (m² of building area) for flats
        floor = round(census.floor_m2_per_household, 1)
        config = config.replace(households=dataclasses.replace(config.households, dwelling_m2={
            **config.households.dwelling_m2, "apartments": floor, "residential": floor}))
    if osm:
        datums = datum_roles(gcj02, bd09)
        given = {"area": area, "units": units, "households": households, "totals": households_totals,
                 "roads": roads, "waterways": waterways, "railways": railways, "barriers": barriers,
                 "buildings": buildings}
        for option, roles, datum in (("--gcj02", gcj02, "GCJ-02"), ("--bd09", bd09, "BD-09")):
            if "all" in {str(g).strip().lower() for g in ((roles,) if isinstance(roles, str) else roles or ())}:
                raise InputError.of("datum_all_with_osm", option=option, datum=datum)
        for role in sorted(datums):
            if not given.get(role):
                option, datum = ("--gcj02", "GCJ-02") if datums[role] == "gcj02" else ("--bd09", "BD-09")
                raise InputError.of("datum_role_not_given", option=option, role=role, datum=datum,
                                    role_word=Phrase("role.household totals" if role == "totals" else f"role.{role}"))
        inputs = inputs_from_osm(osm, area_name=area_name, area_level=area_level, units_level=units_level,
                                 parent_level=parent_level, close_at_extract=close_at_extract,
                                 extract_area=extract_area, area=area, units=units, unit_id=unit_id,
                                 unit_name=unit_name, encoding=encoding, gcj02=gcj02, bd09=bd09, scan=osm_scan)
        # a county's own lines join the extract's; its buildings replace the extract's
        add_files(inputs, roads=roads, waterways=waterways, railways=railways, barriers=barriers,
                  buildings=buildings, gcj02=gcj02, bd09=bd09)
        if households:
            set_households(inputs, households, households_column, households_divisor, datum=datums.get("households"),
                           encoding=encoding)
        if households_totals:
            set_totals(inputs, households_totals, totals_column, totals_divisor, datum=datums.get("totals"),
                       encoding=encoding)
        inputs.drop_outside = drop_outside
    else:
        inputs = inputs_from_files(area=area, units=units, unit_id=unit_id, unit_name=unit_name, roads=roads,
                                   waterways=waterways, railways=railways, barriers=barriers, households=households,
                                   households_column=households_column, households_divisor=households_divisor,
                                   buildings=buildings, drop_outside=drop_outside,
                                   households_totals=households_totals, totals_column=totals_column,
                                   totals_divisor=totals_divisor, gcj02=gcj02, bd09=bd09, encoding=encoding)
    if area_name and "area_name" not in inputs.sources:  # an area from a file (--area, --units): its name
        inputs.area = inputs.area.assign(name=str(area_name))
        inputs.sources["area_name"] = str(area_name)
    if units_points or units_from_places:
        from gridmap.inputs.files import read_layer
        from gridmap.pipeline import set_units_from_points

        points = read_layer(units_points, what="units points", kind="point", encoding=encoding) if units_points else None
        kinds = [k.strip() for k in (units_from_places or "").split(",") if k.strip()]
        set_units_from_points(inputs, points, places=kinds, parent_level=parent_level if osm else None)
    inputs.spread = dataclasses.replace(inputs.spread, disagree_factor=totals_factor)
    if census is not None:
        inputs.sources["census_county"] = {"code": census.code, "name": census.name,
                                           "households": round(census.households),
                                           "household_size": census.household_size,
                                           "floor_m2_per_household": round(census.floor_m2_per_household, 1)}
    if code_table:
        set_unit_codes(inputs, code_table, county_code)
    elif county_code:
        raise InputError.of("in_county_code_needs_table")
    return _make_plan(inputs, config, progress, executor, jobs, with_network)


def _make_plan(inputs, config, progress, executor, jobs, with_network=False):
    from gridmap import pipeline

    make = pipeline.plan_with_network if with_network else pipeline.make_plan
    if executor is None and jobs > 1:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=jobs) as pool:
            return make(inputs, config, progress=progress, executor=pool)
    return make(inputs, config, progress=progress, executor=executor)


@dataclass
class RunResult:
    """What :func:`run_county` made: the plan (staffed, reached), its faults, the files written
    (final paths by name) and the output directory's record (``removed``, ``swept``)."""

    plan: object
    faults: object
    paths: dict = field(default_factory=dict)
    outdir: object = None
    warnings: list = field(default_factory=list)


def _noop(*args):
    return None


def run_county(out, *, preset=None, mode=None, lang="zh", basemap="none", laps=None, progress=None,
               executor=None, pdf: bool = False, **options) -> RunResult:
    """Every step of ``gridmap run`` on one area, and its files in ``out``.

    Parameters
    ----------
    out : output folder; gets :data:`RUN_FILES` and ``manifest.json``, all or nothing
        (:class:`gridmap._outdir.OutputDir`: a lock while writing, files staged and moved
        into place only when all are complete).
    preset : a bundled preset's name (instead of ``config_path``).
    mode : travel mode of the reach (overrides the config's ``[reach]``).
    lang, basemap : language of the map, report and tables; the map's background.
    pdf : also print the report to ``report.pdf`` with headless Chromium (skipped, with a
        warning in the result, when no Chromium is installed).
    laps : ``laps(step)`` called as each step ends (a timer; see benchmarks/bench_run.py).
    progress : ``progress(step, done, total)``.
    executor : a :class:`concurrent.futures.Executor` for the per-unit steps and the bases'
        searches (default: a pool of ``jobs`` processes when ``jobs`` > 1).
    options : the keywords of :func:`plan_from_options`.
    """
    lap = laps or _noop
    if preset:
        from gridmap.presets import preset_path

        if options.get("config_path"):
            raise InputError.of("in_config_and_preset")
        options["config_path"] = str(preset_path(preset))
    config_path = options.get("config_path")
    pool = scan = None
    if executor is None and options.get("jobs", 1) > 1:
        from concurrent.futures import ProcessPoolExecutor

        # The extract's pass through pyosmium (no geopandas needed) starts first, in a process
        # forked now, before this one imports geopandas and the rest: both run at once.
        scan = _scan_ahead(options.get("osm"))
        # one pool for the per-unit steps and the bases' searches (workers start once)
        executor = pool = ProcessPoolExecutor(max_workers=options["jobs"])
    try:
        with fewer_collections():
            return _run(out, options, config_path, mode, lang, basemap, lap, progress, executor, pdf, scan,
                        map_pool=pool)
    finally:
        if scan is not None:
            scan.close()
        if pool is not None:
            pool.shutdown()


def _scan_ahead(osm):
    """A :class:`~gridmap.inputs.osm_scan.ScanAhead` of the extract ``osm``, or None (no extract,
    not a file, or no fork here)."""
    if not osm or not Path(osm).is_file():  # a missing file is read_osm's to say
        return None
    from gridmap.inputs.osm_scan import ScanAhead, can_scan_ahead

    return ScanAhead(osm) if can_scan_ahead() else None


def _run(out, options, config_path, mode, lang, basemap, lap, progress, executor, pdf=False, scan=None,
         map_pool=None) -> RunResult:
    from concurrent.futures import ThreadPoolExecutor

    from gridmap._atomic import unsynced_sqlite
    from gridmap._outdir import OutputDir

    # The lock is taken before any work; everything is computed, then written into a
    # staging directory and moved into OUT only when complete.
    # plan.gpkg is written by a thread (GDAL's writing runs without Python's lock, on the
    # other core) while the map and the other files are made and the report prints; the pool's end waits
    # for it, so a failure anywhere still leaves nothing behind (OutputDir removes the staging).
    with OutputDir(out, "run", fresh=True) as outdir, _browser(pdf, lang) as (printing, pdf_warnings), \
            unsynced_sqlite(), ThreadPoolExecutor(max_workers=1, thread_name_prefix="gridmap-gpkg") as writer:
        # the road network make_plan built (to count its pieces) serves staffing and reach too
        plan, network = plan_from_options(progress=progress, executor=executor, with_network=True, osm_scan=scan,
                                          **options)
        if config_path and options.get("osm"):  # [dedicated] in the rules: specific areas from the extract
            from gridmap.dedicated import carve_from_osm

            plan = carve_from_osm(plan, config_path, options["osm"])
        # The grids' fills and label circles, for the report's maps and the web map: made once, on
        # the pool while this process staffs the plan (the grids' shapes are final now).
        decor = _Decor(map_pool, plan)
        lap("plan (inputs + partition)")

        from gridmap.config import ReachConfig, StaffingConfig
        from gridmap.pipeline import staff_and_reach
        from gridmap.validate import ValidationRules

        # The plan is held to its own rules (the band it was made with, --band included);
        # the file's [validate] table adds tolerance and levels, and may set a band of its own.

        staffing = StaffingConfig.from_toml(config_path, bare=False) if config_path else StaffingConfig()
        reach = ReachConfig.from_toml(config_path, bare=False) if config_path else ReachConfig()
        if mode:
            reach = reach.replace(mode=mode)
        # The plan's validation rules, and, on the run's own pool, the validation of the staffed
        # plan while this process measures the reach (which changes nothing validation reads:
        # checked below, else validated again here).
        rules = ValidationRules.from_toml(config_path, plan_band=False) if config_path else ValidationRules()
        ahead = _Ahead(map_pool, rules)
        plan = staff_and_reach(plan, staffing=staffing, reach=reach, progress=progress, laps=lap, executor=executor,
                               network=network, on_staffed=ahead.staffed)
        staffed = _snapshot(plan)  # written once the report is handed to Chromium (below)
        # The map is drawn by a worker of the run's own pool (idle now) while this process validates,
        # builds and writes the report and the other files; else here, after the report (below).
        drawing = _draw_map_on(map_pool, plan, lang, basemap, decor.of(plan))

        (progress or _noop)("validate", 0, 1)
        faults = ahead.faults(plan)
        lap("validate")

        from gridmap.report import ReportRules, build_report

        (progress or _noop)("report", 0, 1)
        report = build_report(plan, lang=lang, faults=faults, progress=progress, decor=decor.of(plan),
                              rules=ReportRules.from_toml(config_path) if config_path else ReportRules())
        lap("report")
        # no CJK font: said on the terminal, not only inside the report
        warnings = list(report.warnings) + pdf_warnings
        # The report before the map, so that Chromium prints it while the map is drawn and the
        # other files are written (the colouring of the grids is computed once, for both).
        printing = _write_report(report, outdir, pdf=printing is not None, printing=printing, warnings=warnings,
                                 lang=lang)
        # plan.gpkg beside the map, the other files and the print, from when the tables are built
        # and grids.xlsx is handed to the pool (write_run): beside validation, the report or the
        # tables, its thread slowed them (Python's lock), and they are what the print and the
        # workbook wait for.
        def save_plan():
            return writer.submit(staffed.save, outdir.file("plan.gpkg"))

        lap("write report.html (pdf started)")

        def map_html():
            (progress or _noop)("map", 0, 1)
            page = _map_drawn(drawing, plan, lang, basemap, decor.of(plan))
            (progress or _noop)("map", 1, 1)
            return page

        if drawing is None:  # drawn here, now, while Chromium prints and plan.gpkg is written
            try:
                map_html = map_html()
                lap("map")
            except BaseException:
                if printing is not None:
                    printing.cancel()
                raise
        # else: the other files are written while the worker draws it, and it is waited for last
        paths = write_run(plan, faults, outdir, map_html=map_html, report=report, laps=lap, lang=lang,
                          pdf=printing is not None, printing=printing, warnings=warnings, save_plan=save_plan,
                          report_written=True, pool=map_pool)
    lap("commit outputs")
    return RunResult(plan, faults, paths, outdir, warnings)


#: The layers validate_plan reads, and the columns of them that reach_plan writes with its own figures
#: (nothing validation reads): a validation of the staffed plan holds for the reached plan when the
#: rest of these layers is equal (see :class:`_Ahead`).
_VALIDATED = {"grids": {"share_reached"}, "area": set(), "units": set(), "households": set(), "workers": set(),
              "bases": {"households", "households_reached", "share_reached", "minutes", "mode", "snap_m"}}


def _validated(plan, rules):
    """:func:`gridmap.validate.validate_plan` (a task for a worker of the run's pool)."""
    from gridmap.validate import validate_plan

    return validate_plan(plan, rules)


class _Ahead:
    """Work of ``gridmap run`` started on its own pool's workers once the plan is staffed, while the
    main process measures the reach: the validation of the staffed plan (folium's import is left to
    the worker that draws the map: importing it in every worker ahead cost ~0.35 CPU s each, and
    on two cores slowed the reach beside it). :meth:`faults` takes the validation when the reach
    changed nothing it read (the same layers but for reach's own figures: :data:`_VALIDATED`), else
    validates the reached plan here; without a pool it validates here."""

    def __init__(self, pool, rules):
        self.pool, self.rules = pool, rules
        self.before = self.validating = None

    def staffed(self, plan) -> None:
        if self.pool is None:
            return
        self.before = type(plan)(layers={k: v for k, v in plan.layers.items() if k in _VALIDATED}, meta=plan.meta)
        try:
            self.validating = self.pool.submit(_validated, self.before, self.rules)
        except RuntimeError:  # a broken pool: validated here
            self.validating = None

    def faults(self, plan):
        from concurrent.futures.process import BrokenProcessPool

        if self.validating is not None:
            if _validates_the_same(self.before, plan):
                try:
                    return self.validating.result()  # its error, if any, is the run's (as if validated here)
                except BrokenProcessPool:
                    pass
            else:
                self.validating.cancel()
        return _validated(plan, self.rules)


def _validates_the_same(before, after) -> bool:
    """Whether ``after`` holds what validation reads of ``before``: the same layers (by identity, or
    equal column by column and in their geometries and CRS, but for reach's own figures) and rules."""
    if before.meta.get("config") != after.meta.get("config"):  # the plan's band
        return False
    for name, figures in _VALIDATED.items():
        a, b = before.layers.get(name), after.layers.get(name)
        if a is b:
            continue
        if a is None or b is None or len(a) != len(b) or not a.index.equals(b.index) or a.crs != b.crs:
            return False
        if {c for c in a.columns if c not in figures} != {c for c in b.columns if c not in figures}:
            return False
        if not all(a[c].equals(b[c]) for c in a.columns if c not in figures):
            return False
    return True


#: Layers the map does not draw (not sent to the worker that draws it).
_NOT_ON_MAP = ("atoms", "households")


def _map_html(plan, lang: str, basemap: str, decor=None) -> str:
    """The page of :func:`gridmap.maps.plan_map` (a task for a worker of the run's pool)."""
    from gridmap.maps import plan_map

    return plan_map(plan, lang=lang, basemap=basemap, decor=decor).get_root().render()


def _draw_map_on(pool, plan, lang: str, basemap: str, decor=None):
    """The map of ``plan`` started on ``pool`` (a :class:`concurrent.futures.Future`), or None (no pool)."""
    if pool is None:
        return None
    shown = type(plan)(layers={k: v for k, v in plan.layers.items() if k not in _NOT_ON_MAP}, meta=plan.meta)
    try:
        return pool.submit(_map_html, shown, lang, basemap, decor)
    except RuntimeError:  # the pool is broken or shut down: drawn here
        return None


def _map_drawn(drawing, plan, lang: str, basemap: str, decor=None) -> str:
    """The map's page: from the worker drawing it, or drawn here (no worker, or its process died)."""
    if drawing is not None:
        from concurrent.futures.process import BrokenProcessPool

        try:
            return drawing.result()  # the worker's error, if any, is the run's (as if drawn here)
        except BrokenProcessPool:
            pass
    return _map_html(plan, lang, basemap, decor)


def _same_shapes(a, b) -> bool:
    """Whether frames ``a`` and ``b`` hold the same geometries in the same order (the same objects,
    as a frame's later copies do, or equal coordinate for coordinate)."""
    x, y = a.geometry.to_numpy(), b.geometry.to_numpy()
    return len(x) == len(y) and all(p is q or (p is not None and q is not None and p.equals_exact(q, 0.0))
                                    for p, q in zip(x, y))


class _Decor:
    """The grids' :class:`~gridmap._decor.GridDecor` (fills and label circles), made once for the
    report's maps and the web map: on the run's pool from the plan's grids when there is one,
    else here when first asked for. :meth:`of` gives it for a later state of the plan (staffed,
    reached), which has the same grids in the same order; for other grids it is made afresh."""

    def __init__(self, pool, plan):
        self.grids = plan.grids
        self.made = self.making = None
        if pool is not None:
            from gridmap._decor import grid_decor

            try:
                self.making = pool.submit(grid_decor, self.grids.geometry.to_numpy())
            except RuntimeError:  # a broken pool: made here
                self.making = None

    def of(self, plan):
        from gridmap._decor import grid_decor

        grids = plan.grids
        if grids is not self.grids and not _same_shapes(grids, self.grids):
            return grid_decor(grids.geometry.to_numpy())
        if self.made is None and self.making is not None:
            from concurrent.futures.process import BrokenProcessPool

            try:
                self.made = self.making.result()
            except BrokenProcessPool:
                pass
            self.making = None
        if self.made is None:
            self.made = grid_decor(grids.geometry.to_numpy())
        return self.made


@contextmanager
def _browser(pdf: bool, lang: str = "zh"):
    """The PDF printer of a run, started before the plan so that Chromium's start-up (most of
    a print's time) runs on the other core meanwhile; stopped if the run fails before the print.

    Yields (printer or None, warnings): no Chromium here is a warning, not an error
    (report.html prints as well).
    """
    if not pdf:
        yield None, []
        return
    from gridmap._chromium import PdfPrint

    try:
        printing = PdfPrint()
    except InputError as exc:
        yield None, [exc.text(lang)]
        return
    with printing:
        yield printing, []


def _snapshot(plan):
    """The plan as it is now, for a thread to write while the caller goes on: the layer frames are
    copied shallowly (pandas copy-on-write: later changes to the originals do not reach them), the
    metadata deeply."""
    import copy

    return type(plan)(layers={k: v.copy(deep=False) for k, v in plan.layers.items()}, meta=copy.deepcopy(plan.meta))


def _write_report(report, out, *, pdf: bool, printing=None, warnings: list | None = None, lang: str = "zh"):
    """Write report.html into ``out`` and, with ``pdf``, start printing report.pdf (with ``printing``,
    a :class:`gridmap._chromium.PdfPrint` started earlier, when given). The print under way, or None
    (no PDF asked for, or no Chromium: a warning; report.html prints as well)."""
    report.to_html(out.file("report.html"))
    if not pdf:
        return None
    try:
        return report.start_pdf(out.file("report.pdf"), page=out.file("report.html"), printing=printing)
    except InputError as exc:
        if warnings is not None:
            warnings.append(exc.text(lang))  # (in the run's language, as its other lines)
        return None


def write_run(plan, faults, out, *, map_html, report, laps=None, lang: str = "zh", pdf: bool = False,
              warnings: list | None = None, printing=None, save_plan=None, report_written: bool = False,
              pool=None) -> dict:
    """Write the files of one run into ``out`` (a :class:`gridmap._outdir.OutputDir`); final paths by name.

    Tables (roster, budget, one row per grid as CSV and XLSX) have their headers and
    words in ``lang``. ``map_html``: the map's page, or a function that returns it (called
    once the other files are written: a map drawn meanwhile elsewhere). ``pdf``: also print
    ``report.pdf``, with ``printing`` (a
    :class:`gridmap._chromium.PdfPrint` started earlier) when given. ``save_plan``: a
    function that starts writing ``plan.gpkg`` elsewhere and returns its
    :class:`concurrent.futures.Future` (called once the tables are built and ``grids.xlsx``
    is handed to ``pool``; waited for here), else the plan is saved here.
    ``report_written``: report.html is written already and
    ``printing`` is its PDF under way (:func:`_write_report`; ``gridmap run`` does it before
    drawing the map). ``pool``: a process pool (the run's own) that writes ``grids.xlsx``
    (XlsxWriter's Python, ~3 s at 100,000 atoms) while the other files are written here.
    """
    from gridmap._atomic import unsynced_sqlite
    from gridmap._outdir import plan_id

    lap = laps or _noop
    out.plan_id = plan_id(plan)
    names = list(RUN_FILES)
    # The report first, so Chromium prints its PDF (the demo's: about 0.7 s once the browser
    # is up) while the other files are written; the PDF is waited for before anything is committed.
    if not report_written:
        printing = _write_report(report, out, pdf=pdf, printing=printing, warnings=warnings, lang=lang)
        lap("write report.html (pdf started)")
    try:
        with unsynced_sqlite():  # faults.gpkg as well as plan.gpkg: each file is staged, then moved into place
            _write_files(plan, faults, out, map_html=map_html, lang=lang, lap=lap, save_plan=save_plan, pool=pool)
    except BaseException:
        if printing is not None:
            printing.cancel()
        raise
    if printing is not None:
        try:
            printing.wait()
            names.append("report.pdf")
        except InputError as exc:  # Chromium failed: report.html prints as well
            if warnings is not None:
                warnings.append(exc.text(lang))
        lap("wait for report.pdf")
    return {name: out.final(name) for name in names}


def _write_files(plan, faults, out, *, map_html, lang: str, lap, save_plan=None, pool=None) -> None:
    """The files of a run other than the report (see :func:`write_run`)."""
    import json
    from concurrent.futures import wait as futures_wait

    from gridmap import i18n, tables
    from gridmap._atomic import write_text

    if save_plan is None:
        plan.save(out.file("plan.gpkg"))
        lap("write plan.gpkg")
    roster, budget, grid_rows = (tables.roster_table(plan, lang), tables.budget_table(plan, lang),
                                 tables.grid_table(plan, lang))
    sheets = {i18n.text("layer.grids", lang): grid_rows, i18n.text("layer.workers", lang): roster,
              i18n.text("report.budget", lang): budget}
    workbook = _submit(pool, _write_xlsx, sheets, out.file("grids.xlsx"))
    # plan.gpkg's thread only now: built beside it, the tables took three to five times as long
    # (100,000 atoms: 1.9 s, against 0.4-0.55 s), and the workbook waits for them
    saving = save_plan() if save_plan is not None else None
    try:
        write_text(out.file("summary.json"), json.dumps(plan.summary(), ensure_ascii=False, indent=2))
        tables.write_csv(roster, out.file("roster.csv"))
        tables.write_csv(budget, out.file("budget.csv"))
        tables.write_csv(grid_rows, out.file("grids.csv"))
        if workbook is None:
            _write_xlsx(sheets, out.file("grids.xlsx"))
        faults.to_gpkg(out.file("faults.gpkg"))
    except BaseException:
        if workbook is not None:  # not left writing into the staging folder as it is removed
            futures_wait([workbook])
        raise
    if workbook is not None:
        _written_by(workbook, _write_xlsx, sheets, out.file("grids.xlsx"))
    if callable(map_html):  # drawn meanwhile elsewhere: waited for now, after the other files
        lap("write other files")
        write_text(out.file("map.html"), map_html())
        lap("map (drawn on a worker; waited for)")
    else:
        write_text(out.file("map.html"), map_html)
        lap("write other files")
    if saving is not None:
        saving.result()  # its error, if any, is the run's
        lap("wait for plan.gpkg (written beside the map, files, print)")


def _write_xlsx(sheets: dict, path):
    """:func:`gridmap.tables.write_xlsx` (a task for a worker of the run's pool)."""
    from gridmap.tables import write_xlsx

    return write_xlsx(sheets, path)


def _submit(pool, fn, *args):
    """``pool.submit(fn, *args)``, or None (no pool, or a broken or closed one: the caller does it)."""
    if pool is None:
        return None
    try:
        return pool.submit(fn, *args)
    except RuntimeError:
        return None


def _written_by(future, fn, *args):
    """The result of a file's writing on a worker (its error is the run's); done here when the
    worker's process died."""
    from concurrent.futures.process import BrokenProcessPool

    try:
        return future.result()
    except BrokenProcessPool:
        return fn(*args)
