"""``gridmap update``: a plan rebuilt after atoms changed grid (QGIS or the browser editor)."""
from __future__ import annotations

import json
import sys
import click

from gridmap.cli._help import HelpCommand
from gridmap.cli.options import Progress, lang_option, out_option, plan_argument, quiet_option, read_plan

lock_option = click.option("--lock", "lock", multiple=True, metavar="GRID_ID",
                           help="help.update.option.lock")
lock_file_option = click.option("--lock-file", type=click.Path(dir_okay=False),
                                help="help.update.option.lock_file")


def lock_ids(lock, lock_file) -> list[str]:
    """Grid ids from --lock and --lock-file."""
    from gridmap.update import read_lock_file

    return list(lock) + (read_lock_file(lock_file) if lock_file else [])


def write_outputs(plan, out_dir, lang: str, command: str, extra: dict, texts: dict | None = None) -> dict:
    """Validate, render, then write plan.gpkg, summary.json, the ``extra`` JSON files, roster/budget,
    faults, map, report and ``texts`` (name -> text) into ``out_dir``: locked, staged and moved into
    place only when all are complete (:class:`gridmap._outdir.OutputDir`)."""
    from gridmap._atomic import write_text
    from gridmap._outdir import OutputDir
    from gridmap.cli.partition_cmd import echo_outputs, write_plan
    from gridmap.maps import plan_map
    from gridmap.report import build_report
    from gridmap.staffing import write_budget, write_roster
    from gridmap.validate import validate_plan

    faults = validate_plan(plan)
    map_html = plan_map(plan, lang=lang).get_root().render()
    report = build_report(plan, lang=lang)
    with OutputDir(out_dir, command, fresh=True) as out:
        path = write_plan(plan, out)
        for name, data in extra.items():
            write_text(out.file(name), json.dumps(data, ensure_ascii=False, indent=2, default=str))
        for name, text in (texts or {}).items():
            write_text(out.file(name), text)
        if "workers" in plan.layers:
            write_roster(plan, out.file("roster.csv"))
            write_budget(plan, out.file("budget.csv"))
        faults.to_gpkg(out.file("faults.gpkg"))
        write_text(out.file("map.html"), map_html)
        report.to_html(out.file("report.html"))
    echo_outputs(out)
    return {"plan": path, "faults": faults}


def echo_faults(faults, *, limit: int = 20):
    for fault in faults[:limit]:
        click.echo(f"  ! {fault}", err=True)
    if len(faults) > limit:
        click.echo(f"  ! ... and {len(faults) - limit} more", err=True)


def echo_plan(plan, validation):
    s = plan.summary()
    staff = plan.meta.get("staffing")
    click.echo(f"  grids           {s['grids']}  (median {s['households_per_grid_median']:.0f} households)")
    if s.get("in_band_share_urban") is not None:
        lo, hi = plan.config.band
        click.echo(f"  in band {lo:g}-{hi:g}  {s['in_band_share_urban']:.1%} of urban grids")
    if staff:
        click.echo(f"  workers         {staff['workers']}  budget {staff['yearly_yuan']['total']:,.0f} yuan/year")
    reach = plan.meta.get("reach")
    if reach:
        click.echo(f"  reached         {reach['county']['share']:.1%} of households within the response time")
    click.echo(f"  validation      {validation.errors} errors, {validation.warnings} warnings")


@click.command("update", cls=HelpCommand)
@plan_argument
@click.option("--atoms", "atoms_path", type=click.Path(dir_okay=False),
              help="help.update.option.atoms")
@click.option("--grids", "grids_path", type=click.Path(dir_okay=False),
              help="help.update.option.grids")
@lock_option
@lock_file_option
@click.option("--allow-faults", is_flag=True, help="help.update.option.allow_faults")
@lang_option
@out_option
@quiet_option
def command(plan_path, atoms_path, grids_path, lock, lock_file, allow_faults, lang, out_dir, quiet):
    """Rebuild the grids of PLAN after atoms were moved between grids.

    Its ``--help`` (zh and en) is ``help.update`` in :mod:`gridmap.i18n`.
    """
    from gridmap.edits import assign_by_polygons, read_edits
    from gridmap.errors import InputError
    from gridmap.inputs.files import read_layer
    from gridmap.update import update_plan

    if bool(atoms_path) == bool(grids_path):
        raise click.UsageError("give --atoms EDITS or --grids POLYGONS (one of them)")
    progress = Progress(quiet)
    progress("read", 0, 1)
    plan = read_plan(plan_path)
    if "atoms" not in plan.layers:
        raise InputError.of("update_plan_no_atoms", path=plan_path)
    if atoms_path:
        edits = read_edits(atoms_path)
    else:
        layer = "grids" if grids_path.lower().endswith(".gpkg") and _has_layer(grids_path, "grids") else None
        edits = assign_by_polygons(plan.atoms, read_layer(grids_path, what="grids", kind="polygon", layer=layer),
                                   source=str(grids_path))
    progress("update", 0, 1)
    result = update_plan(plan, edits, lock=lock_ids(lock, lock_file))
    progress.close()
    if result.faults and not allow_faults:
        click.echo(f"gridmap: {len(result.faults)} rule(s) broken by the edits; nothing written "
                   "(fix the edits, or --allow-faults to write the plan with the grids flagged):", err=True)
        echo_faults(result.faults)
        sys.exit(3)
    written = write_outputs(result.plan, out_dir, lang, "update", {"update.json": result.changes()})
    click.echo(f"plan written to {written['plan']}")
    click.echo(f"  atoms moved     {result.moved_atoms}")
    click.echo(f"  grids           {len(result.unchanged)} unchanged, {len(result.changed)} changed, "
               f"{len(result.added)} added, {len(result.retired)} retired")
    for label, code in result.renamed.items():
        click.echo(f"  new grid        {label} -> {code}")
    echo_plan(result.plan, written["faults"])
    echo_faults(result.faults)


def _has_layer(path, name) -> bool:
    import pyogrio

    try:
        return name in [n for n, _ in pyogrio.list_layers(path)]
    except Exception:
        return False
