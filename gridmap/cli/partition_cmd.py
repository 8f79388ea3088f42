"""``gridmap partition``: inputs to a plan of grids (plan.gpkg + summary.json)."""
from __future__ import annotations

import json
from pathlib import Path

import click

from gridmap.cli.options import Progress, config_option, lang_option, out_option, quiet_option, seed_option
from gridmap.errors import InputError
from gridmap.inputs import GCJ02_ROLES


def load_config(config_path, **overrides):
    """The plan rules: defaults, then the TOML file, then command-line overrides."""
    from gridmap.runner import load_config as load

    return load(config_path, **overrides)


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
    click.option("--urban-pattern", "urban_urban_pattern", help="Regex of unit names that are urban (e.g. '街道|社区')."),
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


def build_plan(progress, **options):
    """Read the inputs the options name and make the plan (:func:`gridmap.runner.plan_from_options`)."""
    from gridmap.runner import plan_from_options

    plan = plan_from_options(progress=progress, **options)
    progress.close()
    return plan


def write_plan(plan, out) -> Path:
    """Save the plan and its summary.json into ``out`` (a :class:`gridmap._outdir.OutputDir`)."""
    from gridmap._atomic import write_text
    from gridmap._outdir import plan_id

    out.plan_id = plan_id(plan)
    plan.save(out.file("plan.gpkg"))
    write_text(out.file("summary.json"), json.dumps(plan.summary(), ensure_ascii=False, indent=2))
    return out.final("plan.gpkg")


@click.command("partition")
@input_options
@seed_option
@config_option
@click.option("--lock", "lock", multiple=True, metavar="GRID_ID",
              help="Mark this grid locked (repeatable): adjust and update keep its atoms, geometry and code.")
@click.option("--lock-file", type=click.Path(dir_okay=False),
              help="Grid ids to lock: one a line, or a CSV/GeoPackage with a grid_id column.")
@out_option
@quiet_option
@lang_option
def command(out_dir, quiet, lock, lock_file, lang, **options):
    """Partition an area into grids of MIN..MAX households, nested in its units.

    Writes OUT/plan.gpkg (layers grids, units, atoms, households, area, roads, waterways,
    railways, meta), OUT/summary.json and OUT/manifest.json, all or nothing; outputs of
    an earlier command in OUT that this one does not write again (map, report, roster)
    are removed. A second command writing into OUT meanwhile is refused.

    \b
    Examples:
      gridmap partition --osm data/liechtenstein.osm.pbf --area-name Liechtenstein --out out/demo
      gridmap partition --area county.gpkg --units villages.gpkg --roads roads.gpkg \\
          --households households.gpkg --band 300 500 --out out/county
    """
    from gridmap._outdir import OutputDir
    from gridmap.update import read_lock_file, with_locks

    locks = list(lock) + (read_lock_file(lock_file) if lock_file else [])
    # the lock is taken before any work: a second command into OUT is refused at once
    with OutputDir(out_dir, "partition", fresh=True) as out:
        plan = build_plan(Progress(quiet), **options)
        if locks:
            plan = with_locks(plan, locks)
        path = write_plan(plan, out)
    echo_summary(plan, path, lang)
    echo_outputs(out)


def echo_summary(plan, path, lang: str = "en"):
    """Print the headline figures of a plan in ``lang``."""
    from gridmap import i18n

    t = lambda key, **kw: i18n.text(key, lang, **kw)  # noqa: E731

    def line(key, value):
        label = t(key)
        width = sum(2 if ord(c) > 0x2E80 else 1 for c in label)
        click.echo(f"  {label}{' ' * max(16 - width, 1)}{value}")

    s = plan.summary()
    lo, hi = plan.config.band
    click.echo(t("cli.plan_written", path=path))
    line("cli.households", t("cli.households_line", households=s["households"],
                             method=i18n.term("method", s.get("household_kind", ""), lang)))
    line("cli.units", t("cli.units_line", units=s["units"], urban=s["urban_units"], mixed=s.get("mixed_units", 0)))
    line("cli.atoms", f"{s['atoms']:,}")
    rural = s["grids"] - s["urban_grids"] - s["island_grids"]
    line("cli.grids", t("cli.grids_line", grids=s["grids"], urban=s["urban_grids"], rural=rural,
                        island=s["island_grids"]))
    if s["in_band_share_urban"] is not None:
        line("cli.in_band", t("cli.in_band_line", lo=lo, hi=hi, share=s["in_band_share_urban"]))
    click.echo("  " + t("cli.median_line", households=s["households_per_grid_median"],
                        shape=s["polsby_popper_median"]))

    def say(key, **fields):
        return i18n.text(key, lang, **fields)

    methods = s.get("household_methods")
    if methods:
        listed = ", ".join(f"{i18n.term('hh_method', m, lang)} {say('china.units_n', n=n)}" for m, n in methods.items())
        line("cli.households", say("china.spread_by", methods=listed))
        for unit in s.get("thin_evidence", [])[:10]:
            click.echo("  ! " + say("china.thin_evidence", unit=unit["unit_id"], name=unit["name"], note=unit["household_note"]))
        for unit in s.get("no_evidence", [])[:10]:
            click.echo("  ! " + say("china.no_evidence", unit=unit["unit_id"], name=unit["name"]))
        for unit in s.get("totals_disagree", [])[:10]:
            click.echo("  ! " + say("china.totals_disagree", unit=unit["unit_id"], name=unit["name"],
                                     note=unit["household_note"]))
    inputs_meta = plan.meta.get("inputs", {})
    unmatched = inputs_meta.get("household_totals_unmatched", [])
    if unmatched:
        click.echo("  ! " + say("china.totals_unmatched", n=len(unmatched), rows="; ".join(unmatched[:8])
                                + (f" and {len(unmatched) - 8} more" if len(unmatched) > 8 else "")))
    if inputs_meta.get("unit_borders") == "derived":
        line("cli.units", say("china.borders_derived", n=inputs_meta.get("units_points", 0)))
    network = inputs_meta.get("road_network", {})
    if network.get("crossings_noded"):
        click.echo("  " + say("china.roads_noded", n=network["crossings_noded"]))
    if network.get("outside_largest_share", 0) > 0.1:
        click.echo("  ! " + say("china.roads_pieces", pieces=network["pieces"], share=network["outside_largest_share"]))
    for piece in inputs_meta.get("not_closed", [])[:10]:
        click.echo("  ! " + say("china.not_closed", line=piece))
    coded = plan.meta.get("inputs", {}).get("code_table")
    if coded:
        line("cli.codes", t("cli.codes_line", matched=coded["matched"],
                            total=coded["matched"] + len(coded["unmatched"])))
        for name in coded["unmatched"][:10]:
            click.echo("  ! " + t("cli.unit_uncoded", name=name))
    for what, n in s.get("repaired_polygons", {}).items():
        click.echo("  ! " + t("cli.repaired", what=what, n=n))
    units = plan.layers.get("units")
    for unit in s["infeasible_units"]:
        reason = unit["reason"] if lang == "en" else _unit_reason(units, unit["unit_id"], lo, lang)
        click.echo("  ! " + t("cli.unit_flag", unit_id=unit["unit_id"], name=unit["name"], reason=reason))
    for grid in [g for g in s["flagged"] if g["regime"] != "island"]:  # islands are counted above
        reason = grid["flag_reason"] if lang == "en" else i18n.grid_reason(
            grid["flag"], grid["regime"], float(grid["households"]), 0, (lo, hi), lang)
        click.echo("  ! " + t("cli.grid_flag", grid_id=grid["grid_id"], households=grid["households"], reason=reason))


def _unit_reason(units, unit_id, lo, lang) -> str:
    """Why a unit misses the band, from its row of the units layer (households, status)."""
    from gridmap import i18n

    row = units[units["unit_id"].astype(str) == str(unit_id)] if units is not None and "unit_id" in units else None
    if row is None or row.empty:
        return i18n.text("status.infeasible", lang)
    households = float(row["households"].iloc[0]) if "households" in row else float("nan")
    if households < lo:
        return i18n.message("unit_under_band", lang, households=households, lo=lo)
    status = str(row["status"].iloc[0]) if "status" in row else "infeasible"
    return i18n.text(f"status.{status}", lang) if i18n.has(f"status.{status}") else status


def echo_outputs(out):
    """Say what the output directory lost: stale outputs of an earlier run, leftovers of an interrupted one."""
    if out.removed:
        click.echo(f"  removed         {', '.join(out.removed)} (outputs of an earlier run, stale beside this plan)")
    if out.swept:
        click.echo(f"  swept           {len(out.swept)} temporary file(s) left by an interrupted run")
