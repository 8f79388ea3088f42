"""``gridmap report``: the tables and plots a county publishes about its grids (HTML or Markdown)."""
from __future__ import annotations

from pathlib import Path

import click

from gridmap.cli.options import lang_option


@click.command("report")
@click.argument("plan_path", metavar="PLAN", type=click.Path(dir_okay=False))
@click.option("--out", "out_path", type=click.Path(dir_okay=False), required=True,
              help="Report file (.html; .md with --markdown), written atomically.")
@click.option("--markdown", is_flag=True, help="Write Markdown with the plots as PNG files beside it "
              "instead of one self-contained HTML file.")
@click.option("--no-validate", is_flag=True, help="Leave the validation faults out of the exceptions section.")
@lang_option
def command(plan_path, out_path, markdown, no_validate, lang):
    """Report PLAN (a plan.gpkg) per township and for the county: grids by level and regime,
    households per grid against the band, flagged exceptions and validation faults, and,
    when the plan has been staffed and reached, workers by type, monthly and yearly budget
    by pay component (yuan), and the share of households inside the service circle.

    \b
    Examples:
      gridmap report out/demo/plan.gpkg --out out/demo/report.html
      gridmap report out/demo/plan.gpkg --out out/demo/report.md --markdown --lang en
    """
    from gridmap.plan import Plan
    from gridmap.report import build_report

    report = build_report(Plan.load(plan_path), lang=lang, validate=not no_validate)
    path = report.to_markdown(out_path) if markdown else report.to_html(out_path)
    size = Path(path).stat().st_size
    from gridmap.i18n import text

    click.echo(text("cli.report_written", lang, path=path, kib=size / 1024, sections=len(report.sections),
                    plots=len(report.figures)))
    for warning in report.warnings:
        click.echo(f"  ! {warning}", err=True)
