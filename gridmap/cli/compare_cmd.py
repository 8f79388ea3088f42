"""``gridmap compare``: two plans of one area side by side."""
from __future__ import annotations

import json
from pathlib import Path

import click

from gridmap.cli.options import lang_option, read_plan


def write_comparison(a, b, comparison, out: Path, lang: str) -> list[Path]:
    """compare.json, compare_pairs.csv and compare.html (both plans, switchable) into ``out``, atomically."""
    from gridmap._atomic import write_text
    from gridmap.compare import compare_map

    html = compare_map(a, b, comparison, lang=lang).get_root().render()
    out.mkdir(parents=True, exist_ok=True)
    written = [write_text(out / "compare.json", json.dumps(comparison.to_dict(), ensure_ascii=False, indent=2)),
               write_text(out / "compare_pairs.csv", "\ufeff" + comparison.pairs.to_csv(index=False)),
               write_text(out / "compare.html", html)]
    return written


@click.command("compare")
@click.argument("plan_a", metavar="A", type=click.Path(dir_okay=False))
@click.argument("plan_b", metavar="B", type=click.Path(dir_okay=False))
@click.option("--out", "out_dir", type=click.Path(file_okay=False),
              help="Write compare.json, compare_pairs.csv and compare.html (B's map with A's grids as a "
                   "switchable layer) here.")
@lang_option
def command(plan_a, plan_b, out_dir, lang):
    """Compare plan A (before) with plan B (after) of the same area.

    Grids are matched one to one by overlap (most shared households first, then area); a household
    keeps its grid when its grid under A is matched with its grid under B. Prints both
    plans' band and compactness figures, the share of households keeping their grid,
    and the codes added, retired and moved (same code, another area).

    \b
    Example:
      gridmap compare out/demo/plan.gpkg out/2027/plan.gpkg --out out/2027/compare
    """
    from gridmap.compare import compare_plans

    a, b = read_plan(plan_a), read_plan(plan_b)
    comparison = compare_plans(a, b)
    click.echo(comparison.format_table())
    for what, codes in (("added", comparison.codes_added), ("retired", comparison.codes_retired),
                        ("moved", comparison.codes_moved)):
        if codes:
            click.echo(f"  codes {what:<8s} {', '.join(codes[:12])}" + (" ..." if len(codes) > 12 else ""))
    if out_dir:
        for path in write_comparison(a, b, comparison, Path(out_dir), lang):
            click.echo(f"  wrote {path}")
