"""``gridmap run``: the whole pipeline in one command (partition, staff, reach, validate, map, report)."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from gridmap.cli.options import Progress, config_option, lang_option, out_option, quiet_option, seed_option
from gridmap.cli.partition_cmd import build_plan, echo_outputs, echo_summary, input_options, write_plan


@click.command("run")
@input_options
@seed_option
@config_option
@click.option("--preset", help="Name of a bundled preset (see `gridmap presets`) instead of --config.")
@click.option("--mode", type=click.Choice(["walk", "ebike", "car"]), help="Travel mode of the workers.  "
              "[default: the config's, walk]")
@lang_option
@click.option("--basemap", default="none", show_default=True, help="Map background: none, osm, tianditu, gaode "
              "or a tile URL template (none works offline).")
@click.option("--strict", is_flag=True, help="Exit 3 when validation finds an error-level fault.")
@out_option
@quiet_option
def command(preset, mode, lang, basemap, strict, out_dir, quiet, **options):
    """Run every step on one area: partition, staff, reach, validate, map, report.

    Writes into OUT: plan.gpkg (every layer), summary.json, roster.csv, budget.csv,
    faults.gpkg, map.html, report.html and manifest.json, all or nothing (outputs of an
    earlier command in OUT are replaced; a second command into OUT meanwhile is
    refused). Rules come from --config or --preset (a TOML file with [plan], [staffing],
    [reach] and [validate] tables); options given here override the [plan] table, and
    --mode the [reach] table.

    \b
    Example:
      gridmap run --osm data/liechtenstein.osm.pbf --area-name Liechtenstein --urban all --out out/demo
    """
    from gridmap._atomic import write_text
    from gridmap._outdir import OutputDir
    from gridmap.maps import plan_map
    from gridmap.pipeline import staff_and_reach
    from gridmap.presets import preset_path
    from gridmap.report import build_report
    from gridmap.config import ReachConfig
    from gridmap.config import StaffingConfig
    from gridmap.staffing import write_budget, write_roster
    from gridmap.validate import ValidationRules, validate_plan

    if preset:
        if options["config_path"]:
            raise click.UsageError("give --config or --preset, not both")
        options["config_path"] = str(preset_path(preset))
    config_path = options["config_path"]

    # The lock is taken before any work; everything is computed and written into a
    # staging directory first and moved into OUT only when complete: a failed run
    # leaves OUT as it was.
    with OutputDir(out_dir, "run", fresh=True) as out:
        progress = Progress(quiet)
        plan = build_plan(progress, **options)
        if config_path and options.get("osm"):  # [dedicated] in the rules: specific areas from the extract
            from gridmap.dedicated import carve_from_osm

            plan = carve_from_osm(plan, config_path, options["osm"])
        staffing = StaffingConfig.from_toml(config_path, bare=False) if config_path else StaffingConfig()
        reach = ReachConfig.from_toml(config_path, bare=False) if config_path else ReachConfig()
        if mode:
            reach = reach.replace(mode=mode)
        plan = staff_and_reach(plan, staffing=staffing, reach=reach, progress=progress)
        progress("validate", 0, 1)
        # The plan is held to its own rules (the band it was made with, --band included);
        # the file's [validate] table adds tolerance and levels, and may set a band of its own.
        rules = ValidationRules.from_toml(config_path, plan_band=False) if config_path else ValidationRules()
        faults = validate_plan(plan, rules)
        progress.close()
        map_html = plan_map(plan, lang=lang, basemap=basemap).get_root().render()
        report = build_report(plan, lang=lang)
        path = write_plan(plan, out)
        write_roster(plan, out.file("roster.csv"))
        write_budget(plan, out.file("budget.csv"))
        faults.to_gpkg(out.file("faults.gpkg"))
        write_text(out.file("map.html"), map_html)
        report.to_html(out.file("report.html"))
    out_dir = Path(out_dir)

    echo_summary(plan, path)
    staff, reach_meta = plan.meta.get("staffing", {}), plan.meta.get("reach", {})
    if staff:
        click.echo(f"  workers         {staff['workers']}  budget {staff['yearly_yuan']['total']:,.0f} yuan/year")
    if reach_meta:
        click.echo(f"  reached         {reach_meta['county']['share']:.1%} of households within the response time "
                   f"({reach_meta['config']['mode']})")
    click.echo(f"  validation      {faults.errors} errors, {faults.warnings} warnings  ({out_dir / 'faults.gpkg'})")
    for name in ("roster.csv", "budget.csv", "map.html", "report.html"):
        click.echo(f"  wrote           {out_dir / name}")
    echo_outputs(out)
    if strict and faults.has_errors:
        sys.exit(3)
