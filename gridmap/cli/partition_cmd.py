"""``gridmap partition``: inputs to a plan of grids (plan.gpkg + summary.json)."""
from __future__ import annotations

import json
from pathlib import Path

import click

from gridmap.cli._help import HelpCommand
from gridmap.cli.options import (INPUT_OPTIONS, Progress, config_option, input_options, lang_option,  # noqa: F401
                                 load_config, out_option, quiet_option, seed_option)


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


@click.command("partition", cls=HelpCommand)
@input_options
@seed_option
@config_option
@click.option("--lock", "lock", multiple=True, metavar="GRID_ID",
              help="help.partition.option.lock")
@click.option("--lock-file", type=click.Path(dir_okay=False),
              help="help.partition.option.lock_file")
@out_option
@quiet_option
@lang_option
def command(out_dir, quiet, lock, lock_file, lang, **options):
    """Partition an area into grids of MIN..MAX households, nested in its units.

    Its ``--help`` (zh and en) is ``help.partition`` in :mod:`gridmap.i18n`.
    """
    from gridmap._outdir import OutputDir
    from gridmap.update import read_lock_file, with_locks

    locks = list(lock) + (read_lock_file(lock_file) if lock_file else [])
    # the lock is taken before any work: a second command into OUT is refused at once
    with OutputDir(out_dir, "partition", fresh=True) as out:
        plan = build_plan(Progress(quiet, lang=lang), **options)
        if locks:
            plan = with_locks(plan, locks)
        path = write_plan(plan, out)
    echo_summary(plan, path, lang)
    echo_outputs(out, lang)


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
    if "households_read" in s and s["households_read"] != s["households"]:
        click.echo("  " + t("inputs.households_read", read=s["households_read"], used=s["households_used"]))

    def say(key, **fields):
        return i18n.text(key, lang, **fields)

    def note(unit):  # the unit's note in ``lang``, from its numbers (older plans: the English note)
        method = unit.get("household_method")
        if "household_total" not in unit or not i18n.has(f"china.note.{method}"):
            return unit.get("household_note", "")
        kinds = "、" if lang == "zh" else ", "
        return say(f"china.note.{method}", total=unit["household_total"], estimate=unit["household_estimate"],
                   cells=int(unit["evidence_cells"]),
                   kinds=kinds.join(i18n.text(f"evidence.{k}", lang) for k in str(unit["evidence"]).split(",") if k))

    methods = s.get("household_methods")
    if methods:
        listed = ", ".join(f"{i18n.term('hh_method', m, lang)} {say('china.units_n', n=n)}" for m, n in methods.items())
        line("cli.households", say("china.spread_by", methods=listed))
        for unit in s.get("thin_evidence", [])[:10]:
            click.echo("  ! " + say("china.thin_evidence", unit=unit["unit_id"], name=unit["name"], note=note(unit)))
        for unit in s.get("no_evidence", [])[:10]:
            click.echo("  ! " + say("china.no_evidence", unit=unit["unit_id"], name=unit["name"]))
        for unit in s.get("totals_disagree", [])[:10]:
            click.echo("  ! " + say("china.totals_disagree", unit=unit["unit_id"], name=unit["name"], note=note(unit)))
    inputs_meta = plan.meta.get("inputs", {})
    unmatched = inputs_meta.get("household_totals_unmatched", [])
    if unmatched:
        more = say("phrase.update_more_grids", n=len(unmatched) - 8) if len(unmatched) > 8 else ""
        click.echo("  ! " + say("china.totals_unmatched", n=len(unmatched), rows="; ".join(unmatched[:8]) + more))
    if inputs_meta.get("unit_borders") == "derived":
        line("cli.units", say("china.borders_derived", n=inputs_meta.get("units_points", 0)))
    network = inputs_meta.get("road_network", {})
    if network.get("crossings_noded"):
        click.echo("  " + say("china.roads_noded", n=network["crossings_noded"]))
    from gridmap.noding import SNAP_M

    if network.get("ends_snapped"):
        click.echo("  " + say("china.roads_ends_joined", n=network["ends_snapped"], m=f"{SNAP_M:g}"))
    if inputs_meta.get("line_ends_joined"):
        click.echo("  " + say("china.lines_ends_joined", n=inputs_meta["line_ends_joined"], m=f"{SNAP_M:g}"))
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
    from gridmap.accounting import input_notes

    for note in input_notes(s, lang):
        click.echo(f"  ! {note}")
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
    parts = row["reason_parts"].iloc[0] if "reason_parts" in row else ""
    if isinstance(parts, str) and parts:
        return i18n.outcome_text(parts, lang)
    households = float(row["households"].iloc[0]) if "households" in row else float("nan")
    if households < lo:
        return i18n.message("unit_under_band", lang, households=households, lo=lo)
    status = str(row["status"].iloc[0]) if "status" in row else "infeasible"
    return i18n.text(f"status.{status}", lang) if i18n.has(f"status.{status}") else status


def echo_outputs(out, lang: str = "en"):
    """Say what the output directory lost, in ``lang``: stale outputs of an earlier run, leftovers of an
    interrupted one."""
    from gridmap import i18n
    from gridmap.cli.options import echo_line

    if out.removed:
        echo_line(i18n.text("cli.outputs_removed", lang),
                  i18n.text("cli.outputs_removed_line", lang, names=", ".join(out.removed)))
    if out.swept:
        echo_line(i18n.text("cli.outputs_swept", lang), i18n.text("cli.outputs_swept_line", lang, n=len(out.swept)))
