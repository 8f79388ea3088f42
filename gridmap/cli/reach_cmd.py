"""``gridmap reach``: households within the response time of their grid's base; service areas."""
from __future__ import annotations


import click

from gridmap.cli._help import HelpCommand
from gridmap.cli.options import (Progress, echo_line, fit, lang_option, load_reach_config, output_path,
                                 plan_argument, read_bases, read_plan, travel_options)
from gridmap.errors import InputError


@click.command("reach", cls=HelpCommand)
@plan_argument
@click.option("--roads", multiple=True, type=click.Path(dir_okay=False),
              help="help.reach.option.roads")
@travel_options
@lang_option
def command(plan_path, roads, bases_path, mode, minutes_urban, minutes_rural, objective, config_path, out_dir, quiet,
            lang):
    """Measure which households each grid's base reaches within the response time.

    Its ``--help`` (zh and en) is ``help.reach`` in :mod:`gridmap.i18n`.
    """
    from gridmap.reach import reach_plan, reach_table

    from gridmap.tables import write_csv
    from gridmap._outdir import OutputDir, plan_id

    config = load_reach_config(config_path, mode=mode, minutes_urban=minutes_urban, minutes_rural=minutes_rural)
    target = output_path(plan_path, out_dir)
    with OutputDir(target.parent, "reach") as out:
        progress = Progress(quiet, lang=lang)
        progress("read", 0, 1)
        plan = read_plan(plan_path)
        bases = read_bases(bases_path)
        if roads:
            plan = with_roads(plan, roads)
        progress("reach", 0, 1)
        plan = reach_plan(plan, config, bases=bases, objective=objective)
        progress("reach", 1, 1)
        progress.close()
        out.plan_id = plan_id(plan)
        plan.save(out.file(target.name))
        table = reach_table(plan, "units")
        write_csv(table, out.file("reach.csv"))
    echo_reach(plan, target, lang)


def with_roads(plan, paths):
    """The plan with its roads layer replaced by user line files (projected to the plan's CRS)."""
    import geopandas as gpd
    import pandas as pd

    from gridmap.inputs.files import read_lines
    from gridmap.plan import Plan

    lines = read_lines(paths, what="roads").to_crs(plan.crs)
    if len(lines) == 0:
        raise InputError.of("out_roads_files_empty")
    columns = {"highway": "residential", "name": "", "oneway": "", "maxspeed": ""}
    frame = pd.DataFrame({c: (lines[c].fillna(default) if c in lines.columns else default)
                          for c, default in columns.items()}, index=lines.index)
    roads = gpd.GeoDataFrame(frame, geometry=lines.geometry.to_numpy(), crs=plan.crs)
    layers = dict(plan.layers)
    layers["roads"] = roads
    meta = dict(plan.meta)
    meta["inputs"] = dict(meta.get("inputs") or {}) | {"roads": [str(p) for p in paths]}
    return Plan(layers=layers, meta=meta)


def echo_reach(plan, path, lang: str = "en"):
    """Print the reach figures of a plan in ``lang``."""
    from gridmap import i18n

    t = lambda key, **kw: i18n.text(key, lang, **kw)  # noqa: E731
    r = plan.meta["reach"]
    cfg, county, bases = r["config"], r["county"], r["bases"]

    def line(key, value):
        echo_line(t(key), value)

    click.echo(t("cli.plan_written", path=path))
    line("cli.mode", t("cli.mode_line", mode=i18n.term("mode", cfg["mode"], lang), urban=cfg["minutes_urban"],
                       rural=cfg["minutes_rural"]))
    line("cli.bases", t("cli.bases_line", given=bases["given"], computed=bases["computed"])
         + (t("cli.bases_unused", n=bases["given_outside_grids"]) if bases["given_outside_grids"] else ""))
    share = county["share"]
    line("cli.households", t("cli.households_reached_line", households=county["households"], reached=county["reached"],
                             share="" if share is None else f"（{share:.1%}）" if lang == "zh" else f" ({share:.1%})"))
    line("cli.grids", t("cli.grids_reached_line", full=county["grids_fully_reached"], grids=county["grids"]))
    click.echo("  " + " ".join([fit(t("cli.col.unit"), 24), fit(t("cli.col.households"), 10, True),
                                fit(t("cli.col.reached"), 10, True), fit(t("cli.col.share"), 7, True)]))
    for row in r["units"]:
        s = f"{row['share']:.1%}" if row["share"] is not None else "-"
        click.echo(f"  {fit(row['unit_name'], 24)} {row['households']:>10,.0f} {row['reached']:>10,.0f} {s:>7s}")
    timing = r["timings_s"]
    line("cli.time", t("cli.reach_time_line", network=timing["network_s"], bases=timing["bases_s"],
                       reach=timing["reach_s"], areas=timing["service_areas_s"]))
