"""``gridmap batch``: many counties from a TOML manifest, on dask.distributed."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from gridmap import i18n
from gridmap.cli._click_words import refusal_words
from gridmap.cli._help import HelpCommand
from gridmap.cli.options import check_needs, echo_line, fit, out_option, quiet_option
from gridmap.errors import InputError

#: Exit code when at least one county failed (the others' outputs are written).
EXIT_SOME_FAILED = 4

#: Options of ``gridmap run`` a manifest cannot set (they belong to the batch).
_NOT_IN_MANIFEST = ("out", "quiet", "help", "strict")


def _run_options():
    """``gridmap run``'s options by their long name without dashes (``area-name``)."""
    from gridmap.cli import run_cmd

    by_name = {}
    for param in run_cmd.command.params:
        if not isinstance(param, click.Option):
            continue
        for opt in (*param.opts, *param.secondary_opts):
            if opt.startswith("--") and not opt.startswith("--no-"):
                by_name[opt[2:]] = param
    return run_cmd.command, by_name


def manifest_counties(path) -> list:
    """The manifest's counties as :class:`gridmap.batch.County`, their options parsed by ``gridmap run`` itself.

    Keys are ``gridmap run``'s long options without the dashes (``area-name``; ``area_name``
    is accepted too); flags take true/false; repeatable options and ``band`` take lists.
    Relative file names are relative to the manifest's folder.
    """
    from gridmap.batch import County, read_manifest

    command, by_name = _run_options()
    base = Path(path).resolve().parent
    counties = []
    for name, table in read_manifest(path):
        where = i18n.Phrase("phrase.batch_county", path=path, name=name)
        args = []
        for key, value in table.items():
            option = key.replace("_", "-")
            param = by_name.get(option)
            if param is None or option in _NOT_IN_MANIFEST:
                raise InputError.of("batch_not_a_run_option", where=where, key=key)
            args += _as_args(param, option, value, base, where)
        words = [*args, "--out", "."]
        try:
            ctx = command.make_context("run", list(words), resilient_parsing=False)
        except click.ClickException:  # click's detail in the words of whichever language the refusal is read in
            message = refusal_words(lambda: command.make_context("run", list(words), resilient_parsing=False))
            raise InputError.of("batch_bad_option", where=where, message=message) from None
        try:  # an option given without the input it applies to, as `gridmap run` refuses it
            check_needs(ctx, ctx.params)
        except InputError as exc:
            raise InputError.of("batch_county_refused", where=where, error=exc) from None
        params = dict(ctx.params)
        for drop in ("out_dir", "quiet", "strict"):
            params.pop(drop, None)
        if params.get("preset") and params.get("config_path"):
            raise InputError.of("batch_config_and_preset", where=where)
        counties.append(County(name, params))
    return counties


def _as_args(param, option, value, base: Path, where) -> list[str]:
    """Command-line words for one manifest key."""
    if param.is_flag:
        if not isinstance(value, bool):
            raise InputError.of("batch_flag_value", where=where, option=option, value=value)
        if value:
            return [f"--{option}"]
        return [param.secondary_opts[0]] if param.secondary_opts else []
    values = value if isinstance(value, list) else [value]
    if param.nargs > 1:
        if len(values) != param.nargs:
            raise InputError.of("batch_option_values", where=where, option=option, n=param.nargs)
        return [f"--{option}", *(str(v) for v in values)]
    if len(values) > 1 and not param.multiple:
        raise InputError.of("batch_option_one_value", where=where, option=option, value=value)
    words = []
    for v in values:
        if isinstance(param.type, click.Path) and isinstance(v, str) and v and not Path(v).is_absolute() \
                and "://" not in v:
            v = str(base / v)
        words += [f"--{option}", str(v)]
    return words


@click.command("batch", cls=HelpCommand)
@click.argument("manifest", type=click.Path(dir_okay=False))
@out_option
@click.option("--workers", type=click.IntRange(min=1), help="help.batch.option.workers")
@click.option("--scheduler", help="help.batch.option.scheduler")
@click.option("--resume", is_flag=True, help="help.batch.option.resume")
@click.option("--dashboard", is_flag=True, help="help.batch.option.dashboard")
@click.option("--no-split", is_flag=True, help="help.batch.option.no_split")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
              help="help.batch.option.lang")
@quiet_option
def command(manifest, out_dir, workers, scheduler, resume, dashboard, no_split, lang, quiet):
    """Run many counties from a TOML MANIFEST, each as `gridmap run` would, on dask.distributed.

    Its ``--help`` (zh and en) is ``help.batch`` in :mod:`gridmap.i18n`.
    """
    from gridmap.batch import run_batch
    from gridmap.cli._help import _columns

    if scheduler and workers:
        raise InputError.of("batch_workers_and_scheduler")
    counties = manifest_counties(manifest)
    width = max(_columns(c.name) for c in counties)
    t = lambda key, **kw: i18n.text(key, lang, **kw)  # noqa: E731

    def say(name, words):  # a county's line: its name in a column, then the words (in the batch's language)
        click.echo(f"  {fit(name, width)}  {words}", err=True)

    def event(kind, name, detail):
        # the words around a county's figures are the vocabulary's; a failure's error is as the log records it
        if kind == "dashboard":
            click.echo(t("cli.batch_dashboard", link=detail), err=True)
        elif kind == "failed":
            say(name, t("cli.batch_failed", error=detail.get("error", "")))
        elif quiet:
            return
        elif kind == "cluster":
            click.echo(t("cli.batch_cluster", address=detail["address"], workers=detail["workers"]), err=True)
        elif kind == "step":
            step = i18n.text(f"step.{detail}", lang) if i18n.has(f"step.{detail}") else detail
            say(name, t("cli.batch_step", step=step))
        elif kind == "done":
            say(name, t("cli.batch_done", seconds=detail.get("seconds", 0), grids=detail.get("grids"),
                        households=detail.get("households") or 0))
        elif kind == "skipped":  # (its only reason: the outputs are complete and up to date)
            say(name, t("cli.batch_skipped"))

    result = run_batch(counties, out_dir, workers=workers, scheduler=scheduler, resume=resume, dashboard=dashboard,
                       split=not no_split, on_event=event, lang=lang)
    rows = result.rows
    ok = sum(r["status"] == "ok" for r in rows)
    skipped = sum(r["status"] == "skipped" for r in rows)
    click.echo(t("cli.batch_summary", n=len(rows), seconds=result.seconds, ok=ok, skipped=skipped,
                 failed=len(result.failed)))
    for name in ("province.csv", "province.html", "province_map.html", "failures.csv"):
        if name in result.paths:
            echo_line(t("cli.wrote"), result.paths[name])
    for row in result.failed:
        click.echo("  ! " + t("cli.batch_failure", name=row["name"], error=row["error"]))
    if result.failed:
        sys.exit(EXIT_SOME_FAILED)
