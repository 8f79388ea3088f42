"""``gridmap adjust``: a plan re-divided for new household data, disturbing as little as possible."""
from __future__ import annotations

import click

from gridmap.cli._help import HelpCommand
from gridmap.cli.options import Progress, echo_line, lang_option, out_option, plan_argument, quiet_option, read_plan
from gridmap.cli.options import seed_option
from gridmap.cli.update_cmd import echo_faults, echo_plan, lock_file_option, lock_ids, lock_option, write_outputs


@click.command("adjust", cls=HelpCommand)
@plan_argument
@click.option("--households", type=click.Path(dir_okay=False), help="help.adjust.option.households")
@click.option("--households-column", help="help.adjust.option.households_column")
@click.option("--households-divisor", type=click.FloatRange(min=0, min_open=True), default=1.0, show_default=True,
              help="help.adjust.option.households_divisor")
@click.option("--buildings", type=click.Path(dir_okay=False), help="help.adjust.option.buildings")
@click.option("--households-totals", type=click.Path(dir_okay=False), help="help.adjust.option.households_totals")
@click.option("--totals-column", default="households", show_default=True, help="help.adjust.option.totals_column")
@click.option("--totals-divisor", type=click.FloatRange(min=0, min_open=True), default=1.0, show_default=True,
              help="help.adjust.option.totals_divisor")
@lock_option
@lock_file_option
@seed_option
@lang_option
@out_option
@quiet_option
def command(plan_path, households, households_column, households_divisor, buildings, households_totals,
            totals_column, totals_divisor, lock, lock_file, seed, lang, out_dir, quiet):
    """Re-divide PLAN for new household data with minimal disturbance.

    Its ``--help`` (zh and en) is ``help.adjust`` in :mod:`gridmap.i18n`.
    """
    from gridmap import i18n
    from gridmap.adjust import adjust_plan, read_new_households
    from gridmap.errors import InputError

    if not (households or buildings or households_totals):
        raise InputError.of("adjust_households_not_given")
    progress = Progress(quiet, lang=lang)
    progress("read", 0, 1)
    plan = read_plan(plan_path)
    if "atoms" not in plan.layers:
        raise InputError.of("adjust_plan_no_atoms", path=plan_path)
    points = read_new_households(plan, households=households, column=households_column, divisor=households_divisor,
                                 buildings=buildings, totals=households_totals, totals_column=totals_column,
                                 totals_divisor=totals_divisor)
    progress("adjust", 0, 1)
    result = adjust_plan(plan, points, lock=lock_ids(lock, lock_file), seed=seed)
    progress.close()
    from gridmap.cli.compare_cmd import comparison_files
    from gridmap.compare import compare_plans

    comparison = compare_plans(plan, result.plan)
    written = write_outputs(result.plan, out_dir, lang, "adjust",
                            {"adjust.json": result.report() | {"compare": comparison.to_dict()}},
                            comparison_files(plan, result.plan, comparison, lang))
    u = result.update
    t = lambda key, **kw: i18n.text(key, lang, **kw)  # noqa: E731
    click.echo(t("cli.plan_written", path=written["plan"]))
    echo_line(t("cli.households"), t("cli.adjust_households_line", households=points["households"].sum(),
                                     share=result.households_kept_share))
    echo_line(t("cli.adjust_out_of_band"), t("cli.adjust_out_of_band_line", before=len(result.out_of_band_before),
                                             after=len(result.out_of_band_after)))
    grids = t("cli.grids_changed_line", unchanged=len(u.unchanged), changed=len(u.changed), added=len(u.added),
              retired=len(u.retired))
    echo_line(t("cli.grids"), grids + t("cli.took_seconds", seconds=result.seconds))
    echo_line(t("cli.codes"), t("cli.adjust_codes_line", added=len(comparison.codes_added),
                                retired=len(comparison.codes_retired), moved=len(comparison.codes_moved)))
    echo_plan(result.plan, written["faults"], lang)
    echo_faults(u.faults, lang)
