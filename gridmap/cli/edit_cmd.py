"""``gridmap edit``: a plan to one self-contained HTML editor (works offline)."""
from __future__ import annotations

import time

import click

from gridmap.cli._help import HelpCommand
from gridmap.cli.options import lang_option


@click.command("edit", cls=HelpCommand)
@click.argument("plan_path", metavar="PLAN", type=click.Path(dir_okay=False))
@click.option("--out", "out_file", type=click.Path(dir_okay=False), required=True,
              help="help.edit.option.out")
@lang_option
@click.option("--simplify", "simplify_m", type=click.FloatRange(min=0), default=None, metavar="METRES",
              help="help.edit.option.simplify")
def command(plan_path, out_file, lang, simplify_m):
    """Write an offline editor of PLAN (a plan.gpkg): select a grid, click or paint atoms of the same village/community into it, and see households, the band and contiguity change live; lock grids, undo and redo, then export edits.geojson for `gridmap update PLAN --atoms edits.geojson`.

    Its ``--help`` (zh and en) is ``help.edit`` in :mod:`gridmap.i18n`.
    """
    from gridmap import i18n
    from gridmap.editor import save_editor
    from gridmap.plan import Plan

    started = time.perf_counter()
    plan = Plan.load(plan_path)
    path = save_editor(plan, out_file, lang=lang, simplify_m=simplify_m)
    click.echo(i18n.text("cli.edit_written", lang, path=path, mb=path.stat().st_size / 1e6, atoms=len(plan.atoms),
                         grids=len(plan.grids), seconds=time.perf_counter() - started))
