"""``gridmap staff``: workers per grid at their bases, roster.csv and budget.csv."""
from __future__ import annotations

import click

from gridmap.cli._help import HelpCommand
from gridmap.cli.options import (Progress, echo_line, fit, lang_option, load_reach_config, output_path,
                                 plan_argument, read_bases, read_plan, travel_options)


@click.command("staff", cls=HelpCommand)
@plan_argument
@travel_options
@lang_option
def command(plan_path, bases_path, mode, minutes_urban, minutes_rural, objective, config_path, out_dir, quiet, lang):
    """Staff the grids of PLAN: workers per grid, their bases, roster and budget.

    Its ``--help`` (zh and en) is ``help.staff`` in :mod:`gridmap.i18n`.
    """
    from gridmap import tables
    from gridmap.staffing import StaffingConfig, budget_table, staff_plan

    config = StaffingConfig.from_toml(config_path) if config_path else StaffingConfig()
    reach_config = load_reach_config(config_path, mode=mode, minutes_urban=minutes_urban, minutes_rural=minutes_rural,
                                     bare=False)
    from gridmap._outdir import OutputDir, plan_id

    target = output_path(plan_path, out_dir)
    with OutputDir(target.parent, "staff") as out:
        progress = Progress(quiet, lang=lang)
        progress("read", 0, 1)
        plan = read_plan(plan_path)
        bases = read_bases(bases_path)
        progress("staff", 0, 1)
        plan = staff_plan(plan, config, bases=bases, reach_config=reach_config, objective=objective)
        progress("staff", 1, 1)
        progress.close()
        out.plan_id = plan_id(plan)
        plan.save(out.file(target.name))
        tables.write_csv(tables.roster_table(plan, lang), out.file("roster.csv"))
        tables.write_csv(tables.budget_table(plan, lang), out.file("budget.csv"))
    echo_budget(plan, budget_table(plan), target, out.final("roster.csv"), out.final("budget.csv"), lang)


def echo_budget(plan, table, path, roster, budget, lang: str = "en"):
    """Print the staffing totals and the budget table in ``lang``."""
    from gridmap import i18n

    t = lambda key, **kw: i18n.text(key, lang, **kw)  # noqa: E731
    s = plan.meta["staffing"]
    click.echo(t("cli.staffed_written", path=path, roster=roster, budget=budget))
    by_type = ", ".join(f"{n} {i18n.term('worker_type', kind, lang)}" for kind, n in s["workers_by_type"].items())
    echo_line(t("cli.workers"), t("cli.staff_line", workers=s["workers"], grids=s["grids"], by_type=by_type))
    echo_line(t("cli.bases"), t("cli.bases_line", given=s["bases"]["given"], computed=s["bases"]["computed"])
              + (t("cli.bases_kept") if s["bases"]["reused"] else ""))
    echo_line(t("cli.budget"), t("cli.budget_line", month=s["monthly_yuan"]["total"], year=s["yearly_yuan"]["total"]))
    components = [c for c in s["monthly_yuan"] if c != "total"]
    click.echo("  " + " ".join([fit(t("cli.col.township"), 20), fit(t("cli.col.grids"), 5, True),
                                fit(t("cli.col.workers"), 7, True)]
                               + [fit(i18n.term("pay", c, lang), 11, True) for c in components]
                               + [fit(t("cli.col.month"), 11, True), fit(t("cli.col.year"), 13, True)]))
    for row in table.itertuples(index=False):
        row = row._asdict()
        name = t("cli.col.county") if row.get("level") == "county" else \
            str(row["parent_name"] or row["parent_id"] or t("cli.no_township"))
        click.echo(f"  {fit(name, 20)} {row['grids']:>5d} {row['workers']:>7d} "
                   + " ".join(f"{row[f'{c}_month']:>11,.0f}" for c in components)
                   + f" {row['total_month']:>11,.0f} {row['total_year']:>13,.0f}")
    for note in s["notes"]:
        click.echo(f"  ! {note}")
