"""``gridmap dedicated``: schools, hospitals, markets, industrial parks and scenic areas as grids of their own."""
from __future__ import annotations

import click

from gridmap.cli._help import HelpCommand
from gridmap.cli.options import Progress, config_option, echo_line, lang_option, plan_argument, quiet_option
from gridmap.cli.options import read_plan
from gridmap.cli.update_cmd import echo_plan, write_outputs

#: Why an area piece was left out (as :func:`gridmap.dedicated.select_areas` and ``carve_dedicated``
#: count them) -> its words in the vocabulary; a reason not listed here is shown as written.
SKIP_REASONS = {"kind not in the rules": "cli.dedicated_skip_kind", "under min_area_m2": "cli.dedicated_skip_small",
                "households over max_households": "cli.dedicated_skip_over",
                "households under min_households": "cli.dedicated_skip_under",
                "in a unit with locked grids": "cli.dedicated_skip_locked"}


@click.command("dedicated", cls=HelpCommand)
@plan_argument
@click.option("--osm", "osm_path", type=click.Path(dir_okay=False), help="help.dedicated.option.osm")
@click.option("--areas", "areas_path", type=click.Path(dir_okay=False), help="help.dedicated.option.areas")
@click.option("--kind-column", default="kind", show_default=True, help="help.dedicated.option.kind_column")
@click.option("--min-area", "min_area_m2", type=click.FloatRange(min=0), help="help.dedicated.option.min_area")
@click.option("--max-households", type=click.FloatRange(min=0), help="help.dedicated.option.max_households")
@config_option
@lang_option
@click.option("--out", "out_dir", type=click.Path(file_okay=False), required=True, help="help.dedicated.option.out")
@quiet_option
def command(plan_path, osm_path, areas_path, kind_column, min_area_m2, max_households, config_path, lang, out_dir,
            quiet):
    """Carve dedicated grids (专属网格) out of PLAN and partition the rest around them.

    Its ``--help`` (zh and en) is ``help.dedicated`` in :mod:`gridmap.i18n`.
    """
    from gridmap import i18n
    from gridmap.dedicated import DedicatedRule, carve_dedicated, read_areas, rule_from_toml
    from gridmap.errors import InputError
    from gridmap.inputs.osm_areas import specific_areas_from_osm

    if bool(osm_path) == bool(areas_path):
        raise InputError.of("cli_dedicated_osm_or_areas")
    rule = (rule_from_toml(config_path) if config_path else None) or DedicatedRule()
    changes = {k: v for k, v in {"min_area_m2": min_area_m2, "max_households": max_households}.items()
               if v is not None}
    if changes:
        rule = rule.replace(**changes)
    progress = Progress(quiet, lang=lang)
    progress("read", 0, 1)
    plan = read_plan(plan_path)
    areas = specific_areas_from_osm(osm_path) if osm_path else read_areas(areas_path, kind_column=kind_column)
    if areas_path:
        rule = rule.replace(kinds=tuple(dict.fromkeys([*rule.kinds, *areas["kind"].unique()])))
    progress("dedicated", 0, 1)
    result = carve_dedicated(plan, areas, rule)
    progress.close()
    written = write_outputs(result.plan, out_dir, lang, "dedicated", {"dedicated.json": result.plan.meta.get("dedicated", {})})
    t = lambda key, **kw: i18n.text(key, lang, **kw)  # noqa: E731
    click.echo(t("cli.plan_written", path=written["plan"]))
    counts = result.counts()
    # a kind in Chinese by its name in the vocabulary; in English as the rules name it (school, industrial)
    kinds = ("、" if lang == "zh" else ", ").join(
        t("cli.dedicated_kind_count", n=n, kind=i18n.term("kind", k, lang) if lang == "zh" else k)
        for k, n in counts.items())
    echo_line(t("cli.dedicated_grids"), t("cli.dedicated_grids_line", total=sum(counts.values()), kinds=kinds))
    for reason, n in result.skipped.items():
        if n:
            words = t(SKIP_REASONS[reason]) if reason in SKIP_REASONS else reason
            echo_line(t("cli.dedicated_skipped"), t("cli.dedicated_skipped_line", n=n, reason=words))
    echo_plan(result.plan, written["faults"], lang)
