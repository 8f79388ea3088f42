"""``gridmap micro``: micro-grids (微网格) of 10-30 households inside every grid."""
from __future__ import annotations

import click

from gridmap.cli._help import HelpCommand
from gridmap.cli.options import Progress, echo_line, lang_option, plan_argument, quiet_option, read_plan, seed_option
from gridmap.cli.update_cmd import echo_plan, write_outputs


@click.command("micro", cls=HelpCommand)
@plan_argument
@click.option("--band", nargs=2, type=float, default=(10.0, 30.0), show_default=True,
              help="help.micro.option.band")
@seed_option
@lang_option
@click.option("--out", "out_dir", type=click.Path(file_okay=False), required=True,
              help="help.micro.option.out")
@quiet_option
def command(plan_path, band, seed, lang, out_dir, quiet):
    """Split every grid of PLAN into micro-grids of MIN..MAX households (微网格).

    Its ``--help`` (zh and en) is ``help.micro`` in :mod:`gridmap.i18n`.
    """
    from gridmap import i18n
    from gridmap.micro import add_micro_grids

    progress = Progress(quiet, lang=lang)
    progress("read", 0, 1)
    plan = add_micro_grids(read_plan(plan_path), tuple(band), seed=seed, progress=progress)
    progress.close()
    m = plan.meta["micro_grids"]
    written = write_outputs(plan, out_dir, lang, "micro", {"micro.json": m})
    click.echo(i18n.text("cli.plan_written", lang, path=written["plan"]))
    share = "-" if m["in_band_share"] is None else f"{m['in_band_share']:.1%}"
    echo_line(i18n.text("cli.micro_grids", lang),
              i18n.text("cli.micro_line", lang, count=m["count"], with_households=m["with_households"], share=share,
                        lo=m["band"][0], hi=m["band"][1], median=m["households_median"],
                        over=m["over_band_buildings"]))
    echo_plan(plan, written["faults"], lang)
