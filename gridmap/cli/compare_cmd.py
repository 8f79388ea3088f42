"""``gridmap compare``: two plans of one area side by side."""
from __future__ import annotations

import json
import click

from gridmap.cli._help import HelpCommand
from gridmap.cli.options import lang_option, read_plan


def comparison_files(a, b, comparison, lang: str) -> dict:
    """{file name: text}: compare.json, compare_pairs.csv (UTF-8 with BOM, for Excel) and compare.html."""
    from gridmap.compare import compare_map

    return {"compare.json": json.dumps(comparison.to_dict(), ensure_ascii=False, indent=2),
            "compare_pairs.csv": "\ufeff" + comparison.pairs.to_csv(index=False),
            "compare.html": compare_map(a, b, comparison, lang=lang).get_root().render()}


@click.command("compare", cls=HelpCommand)
@click.argument("plan_a", metavar="A", type=click.Path(dir_okay=False))
@click.argument("plan_b", metavar="B", type=click.Path(dir_okay=False))
@click.option("--out", "out_dir", type=click.Path(file_okay=False),
              help="help.compare.option.out")
@lang_option
def command(plan_a, plan_b, out_dir, lang):
    """Compare plan A (before) with plan B (after) of the same area.

    Its ``--help`` (zh and en) is ``help.compare`` in :mod:`gridmap.i18n`.
    """
    from gridmap import i18n
    from gridmap.cli.options import fit
    from gridmap.compare import compare_plans

    t = lambda key, **kw: i18n.text(key, lang, **kw)  # noqa: E731
    a, b = read_plan(plan_a), read_plan(plan_b)
    comparison = compare_plans(a, b)
    click.echo(comparison.format_table(lang))
    for key, codes in (("cli.compare_codes_added", comparison.codes_added),
                       ("cli.compare_codes_retired", comparison.codes_retired),
                       ("cli.compare_codes_moved", comparison.codes_moved)):
        if codes:
            click.echo(f"  {fit(t(key), 15)}{', '.join(codes[:12])}" + (" ..." if len(codes) > 12 else ""))
    if out_dir:
        from gridmap._atomic import write_text
        from gridmap._outdir import OutputDir

        files = comparison_files(a, b, comparison, lang)
        with OutputDir(out_dir, "compare") as out:
            for name, text in files.items():
                write_text(out.file(name), text)
        for name in files:
            click.echo(f"  {t('cli.wrote')} {out.final(name)}")
