"""``gridmap presets``: the bundled rules of real county grid schemes."""
from __future__ import annotations

import click

from gridmap.cli._help import HelpCommand
from gridmap.cli.options import lang_option


@click.command("presets", cls=HelpCommand)
@click.argument("name", required=False)
@lang_option
def command(name, lang):
    """List the bundled presets, or print one (NAME) as TOML to copy and edit.

    Its ``--help`` (zh and en) is ``help.presets`` in :mod:`gridmap.i18n`.
    """
    from gridmap.presets import list_presets, preset_path

    if name:
        click.echo(preset_path(name).read_text(encoding="utf-8"), nl=False)
        return
    for preset in list_presets():
        click.echo(f"{preset['name']:12s} {preset.get('title', '')}  ({preset.get('county_code', '')})")
        # the scheme in the reader's language (a preset without a Chinese text: its English one)
        scheme = preset.get("scheme_zh") if lang == "zh" else None
        for line in (scheme or preset.get("scheme", "")).splitlines():
            click.echo(f"{'':12s}   {line}")
