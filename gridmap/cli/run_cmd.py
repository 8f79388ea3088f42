"""``gridmap run``: the whole pipeline in one command (partition, staff, reach, validate, map, report)."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from gridmap.cli._help import HelpCommand
from gridmap.cli.options import Progress, config_option, lang_option, out_option, quiet_option, seed_option
from gridmap.cli.options import input_options
from gridmap.cli.partition_cmd import echo_outputs, echo_summary


@click.command("run", cls=HelpCommand)
@input_options
@seed_option
@config_option
@click.option("--preset", help="help.run.option.preset")
@click.option("--mode", type=click.Choice(["walk", "ebike", "car"]), help="help.run.option.mode")
@lang_option
@click.option("--basemap", default="none", show_default=True, help="help.run.option.basemap")
@click.option("--strict", is_flag=True, help="help.run.option.strict")
@click.option("--pdf/--no-pdf", default=True, show_default=True,
              help="help.run.option.pdf")
@out_option
@quiet_option
def command(preset, mode, lang, basemap, strict, pdf, out_dir, quiet, **options):
    """Run every step on one area: partition, staff, reach, validate, map, report.

    Its ``--help`` (zh and en) is ``help.run`` in :mod:`gridmap.i18n`.
    """
    from gridmap import i18n
    from gridmap.errors import InputError
    from gridmap.runner import run_county

    if preset and options["config_path"]:
        raise InputError.of("cli_not_both", first="--config", second="--preset", command="run")
    progress = Progress(quiet, lang=lang)
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
    elif plan.meta.get("reach_skipped"):
        line("cli.reached", t("cli.reach_skipped_line", mode=i18n.term("mode", plan.meta["reach_skipped"]["mode"], lang)))
    line("cli.validation", t("cli.validation_line", errors=faults.errors, warnings=faults.warnings,
                             path=out_dir / "faults.gpkg"))
    for warning in result.warnings:
        click.echo(f"  ! {warning}", err=True)
    for name in result.paths:
        if name not in ("plan.gpkg", "summary.json", "faults.gpkg"):
            line("cli.wrote", result.paths[name])
    echo_outputs(out, lang)
    if strict and faults.has_errors:
        sys.exit(3)
