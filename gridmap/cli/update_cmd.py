"""``gridmap update``: a plan rebuilt after atoms changed grid (QGIS or the browser editor)."""
from __future__ import annotations

import json
import sys
import click

from gridmap import i18n
from gridmap.cli._help import HelpCommand
from gridmap.cli.options import Progress, echo_line, lang_option, out_option, plan_argument, quiet_option, read_plan

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
    echo_outputs(out, lang)
    return {"plan": path, "faults": faults}


def echo_faults(faults, lang: str = "en", *, limit: int = 20):
    """The rules an edit broke (their details as the update recorded them), ``limit`` of them at most."""
    for fault in faults[:limit]:
        click.echo(f"  ! {fault}", err=True)
    if len(faults) > limit:
        click.echo("  ! " + i18n.text("cli.update_more_faults", lang, n=len(faults) - limit), err=True)


def echo_plan(plan, validation, lang: str = "en"):
    """The headline figures of a rewritten plan in ``lang``: grids, band, workers, reach, validation."""
    t = lambda key, **kw: i18n.text(key, lang, **kw)  # noqa: E731
    s = plan.summary()
    staff = plan.meta.get("staffing")
    echo_line(t("cli.grids"), t("cli.plan_grids_line", grids=s["grids"], median=s["households_per_grid_median"]))
    if s.get("in_band_share_urban") is not None:
        lo, hi = plan.config.band
        click.echo("  " + t("cli.plan_in_band_line", lo=lo, hi=hi, share=s["in_band_share_urban"]))
    if staff:
        echo_line(t("cli.workers"), t("cli.plan_workers_line", workers=staff["workers"],
                                      yuan=staff["yearly_yuan"]["total"]))
    reach = plan.meta.get("reach")
    if reach and reach["county"]["share"] is not None:
        echo_line(t("cli.reached"), t("cli.plan_reached_line", share=reach["county"]["share"]))
    echo_line(t("cli.validation"), t("cli.plan_validation_line", errors=validation.errors,
                                     warnings=validation.warnings))


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
        raise InputError.of("update_atoms_or_grids")
    progress = Progress(quiet, lang=lang)
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
    t = lambda key, **kw: i18n.text(key, lang, **kw)  # noqa: E731
    if result.faults and not allow_faults:
        click.echo("gridmap: " + t("cli.update_broken", n=len(result.faults)), err=True)
        echo_faults(result.faults, lang)
        sys.exit(3)
    written = write_outputs(result.plan, out_dir, lang, "update", {"update.json": result.changes()})
    click.echo(t("cli.plan_written", path=written["plan"]))
    echo_line(t("cli.update_atoms_moved"), result.moved_atoms)
    echo_line(t("cli.grids"), t("cli.grids_changed_line", unchanged=len(result.unchanged), changed=len(result.changed),
                                added=len(result.added), retired=len(result.retired)))
    for label, code in result.renamed.items():
        echo_line(t("cli.update_new_grid"), f"{label} -> {code}")
    echo_plan(result.plan, written["faults"], lang)
    echo_faults(result.faults, lang)


def _has_layer(path, name) -> bool:
    import pyogrio

    try:
        return name in [n for n, _ in pyogrio.list_layers(path)]
    except Exception:
        return False
