"""``gridmap presets``: the bundled rules of real county grid schemes."""
from __future__ import annotations

import click


@click.command("presets")
@click.argument("name", required=False)
def command(name):
    """List the bundled presets, or print one (NAME) as TOML to copy and edit.

    \b
    Use one with:  gridmap run --preset yingjing --osm FILE ... --out DIR
    Or edit it:    gridmap presets yingjing > my_county.toml
                   gridmap run --config my_county.toml ...
    """
    from gridmap.presets import list_presets, preset_path

    if name:
        click.echo(preset_path(name).read_text(encoding="utf-8"), nl=False)
        return
    for preset in list_presets():
        click.echo(f"{preset['name']:12s} {preset.get('title', '')}  ({preset.get('county_code', '')})")
        for line in preset.get("scheme", "").splitlines():
            click.echo(f"{'':12s}   {line}")
