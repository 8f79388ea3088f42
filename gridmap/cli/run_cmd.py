"""``gridmap run``: the whole pipeline in one command (partition, staff, reach, validate, map, report)."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from gridmap.cli.options import Progress, config_option, lang_option, out_option, quiet_option, seed_option
from gridmap.cli.options import input_options
from gridmap.cli.partition_cmd import echo_outputs, echo_summary


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
@click.option("--pdf/--no-pdf", default=True, show_default=True,
              help="Also print the report to report.pdf with headless Chromium (skipped with a warning when "
                   "no Chromium is installed).")
@out_option
@quiet_option
def command(preset, mode, lang, basemap, strict, pdf, out_dir, quiet, **options):
    """Run every step on one area: partition, staff, reach, validate, map, report.

    Writes into OUT: plan.gpkg (every layer), summary.json, roster.csv, budget.csv,
    grids.csv and grids.xlsx (one row per grid; the workbook also holds the roster and
    budget), faults.gpkg, map.html, report.html, report.pdf and manifest.json, all or nothing
    (outputs of an earlier command in OUT are replaced; a second command into OUT
    meanwhile is refused); words and headers in --lang. Rules come from --config or --preset (a TOML file with [plan], [staffing],
    [reach] and [validate] tables); options given here override the [plan] table, and
    --mode the [reach] table.

    \b
    Example:
      gridmap run --osm data/liechtenstein.osm.pbf --area-name Liechtenstein --urban all --out out/demo
    """
    from gridmap import i18n
    from gridmap.runner import run_county

    if preset and options["config_path"]:
        raise click.UsageError("give --config or --preset, not both")
    progress = Progress(quiet)
    try:
        result = run_county(out_dir, preset=preset, mode=mode, lang=lang, basemap=basemap, progress=progress,
                            pdf=pdf, **options)
    finally:
        progress.close()
    plan, faults, path, out = result.plan, result.faults, result.paths["plan.gpkg"], result.outdir
    out_dir = Path(out_dir)

    echo_summary(plan, path, lang)

    t = lambda key, **kw: i18n.text(key, lang, **kw)  # noqa: E731

    def line(key, value):
        label = t(key)
        width = sum(2 if ord(c) > 0x2E80 else 1 for c in label)
        click.echo(f"  {label}{' ' * max(16 - width, 1)}{value}")

    staff, reach_meta = plan.meta.get("staffing", {}), plan.meta.get("reach", {})
    if staff:
        line("cli.workers", t("cli.workers_line", workers=staff["workers"], yuan=staff["yearly_yuan"]["total"]))
    if reach_meta and reach_meta["county"]["share"] is not None:
        line("cli.reached", t("cli.reached_line", share=reach_meta["county"]["share"],
                              mode=i18n.term("mode", reach_meta["config"]["mode"], lang)))
    line("cli.validation", t("cli.validation_line", errors=faults.errors, warnings=faults.warnings,
                             path=out_dir / "faults.gpkg"))
    for warning in result.warnings:
        click.echo(f"  ! {warning}", err=True)
    for name in result.paths:
        if name not in ("plan.gpkg", "summary.json", "faults.gpkg"):
            line("cli.wrote", result.paths[name])
    echo_outputs(out)
    if strict and faults.has_errors:
        sys.exit(3)
