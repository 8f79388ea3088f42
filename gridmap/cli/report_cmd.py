"""``gridmap report``: the tables and plots a county publishes about its grids (HTML or Markdown)."""
from __future__ import annotations

from pathlib import Path

import click

from gridmap.cli._help import HelpCommand
from gridmap.cli.options import Progress, lang_option, quiet_option


@click.command("report", cls=HelpCommand)
@click.argument("plan_path", metavar="PLAN", type=click.Path(dir_okay=False))
@click.option("--out", "out_path", type=click.Path(dir_okay=False), required=True,
              help="help.report.option.out")
@click.option("--markdown", is_flag=True, help="help.report.option.markdown")
@click.option("--pdf", is_flag=True, help="help.report.option.pdf")
@click.option("--no-validate", is_flag=True, help="help.report.option.no_validate")
@click.option("--no-maps", is_flag=True, help="help.report.option.no_maps")
@click.option("--config", "config_path", type=click.Path(dir_okay=False),
              help="help.report.option.config")
@click.option("--office", help="help.report.option.office")
@lang_option
@quiet_option
def command(plan_path, out_path, markdown, pdf, no_validate, no_maps, config_path, office, lang, quiet):
    """Report PLAN (a plan.gpkg) per township and for the county: a map of the grids and one per township, grids by level and regime, households per grid against the band, flagged exceptions and validation faults, and, when the plan has been staffed and reached, workers by type, monthly and yearly budget by pay component (yuan), and the share of households inside the service circle. Printable: A4, page numbers, title, issuing office and date.

    Its ``--help`` (zh and en) is ``help.report`` in :mod:`gridmap.i18n`.
    """
    from gridmap.errors import InputError
    from gridmap.i18n import text
    from gridmap.plan import Plan
    from gridmap.report import ReportRules, build_report

    if markdown and pdf:
        raise InputError.of("cli_not_both", first="--markdown", second="--pdf", command="report")
    rules = ReportRules.from_toml(config_path) if config_path else ReportRules()
    if office is not None:
        rules = rules.replace(office=office)
    progress = Progress(quiet, lang=lang)
    progress("read", 0, 1)
    plan = Plan.load(plan_path)
    progress("read", 1, 1)
    report = build_report(plan, lang=lang, validate=not no_validate, rules=rules, maps=not no_maps,
                          progress=progress)
    if pdf:
        progress("pdf", 0, 1)
        path = report.to_pdf(out_path)
        progress("pdf", 1, 1)
    else:
        path = report.to_markdown(out_path) if markdown else report.to_html(out_path)
    progress.close()
    size = Path(path).stat().st_size
    click.echo(text("cli.report_written", lang, path=path, kib=size / 1024, sections=len(report.sections),
                    plots=len(report.figures)))
    for warning in report.warnings:
        click.echo(f"  ! {warning}", err=True)
