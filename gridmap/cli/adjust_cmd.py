"""``gridmap adjust``: a plan re-divided for new household data, disturbing as little as possible."""
from __future__ import annotations

import click

from gridmap.cli._help import HelpCommand
from gridmap.cli.options import Progress, lang_option, out_option, plan_argument, quiet_option, read_plan, seed_option
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
    from gridmap.adjust import adjust_plan, read_new_households
    from gridmap.errors import InputError

    if not (households or buildings or households_totals):
        raise click.UsageError("give --households, --buildings or --households-totals")
    progress = Progress(quiet)
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
    click.echo(f"plan written to {written['plan']}")
    click.echo(f"  households      {points['households'].sum():,.0f} ({result.households_kept_share:.1%} keep their grid)")
    click.echo(f"  out of band     {len(result.out_of_band_before)} grid(s) before, {len(result.out_of_band_after)} after")
    click.echo(f"  grids           {len(u.unchanged)} unchanged, {len(u.changed)} changed, {len(u.added)} added, "
               f"{len(u.retired)} retired  ({result.seconds:.1f} s)")
    click.echo(f"  codes           {len(comparison.codes_added)} added, {len(comparison.codes_retired)} retired, "
               f"{len(comparison.codes_moved)} moved (same code, another area)")
    echo_plan(result.plan, written["faults"])
    echo_faults(u.faults)
