"""The JavaScript and CSS a map needs, read from gridmap/assets/ and inlined into the HTML.

Maps are opened on intranets without internet, so nothing is linked from a CDN:
Leaflet 1.9.4 (BSD-2-Clause, vendored from the npm package with its LICENSE) and
gridmap's own small script (layers, search, fullscreen, legend) go into the page,
and the two images Leaflet's CSS refers to become data: URIs.
"""
from __future__ import annotations

import base64
import re
from functools import lru_cache
from importlib import resources

LEAFLET_VERSION = "1.9.4"

_ASSETS = resources.files("gridmap") / "assets"


def _read(name: str) -> str:
    return (_ASSETS / name).read_text(encoding="utf-8")


def _leaflet_css() -> str:
    """leaflet.css with its image references inlined (or dropped where gridmap draws no such image)."""
    css = _read("leaflet/leaflet.css")

    def inline(match: re.Match) -> str:
        image = _ASSETS / "leaflet" / "images" / match.group(1)
        if not image.is_file():  # default marker icons: gridmap draws circle markers only
            return "none"
        return "url(data:image/png;base64," + base64.b64encode(image.read_bytes()).decode("ascii") + ")"

    css = re.sub(r"/\*.*?\*/", "", css, flags=re.DOTALL)  # comments only (they hold bug-tracker links)
    return re.sub(r"url\(images/([\w.-]+)\)", inline, css)


def _checked(text: str, tag: str) -> str:
    # Text inside <script>/<style> ends at the first "</tag"; vendored files never contain it.
    if re.search(rf"</{tag}", text, re.IGNORECASE):
        raise RuntimeError(f"an inlined asset contains '</{tag}'")
    return text


@lru_cache(maxsize=1)
def leaflet_js() -> str:
    """Leaflet's minified JavaScript (keeps its copyright header)."""
    return _checked(_read("leaflet/leaflet.js"), "script")


@lru_cache(maxsize=1)
def head_html() -> str:
    """``<style>`` and ``<script>`` elements for the page head: Leaflet, then gridmap's layer code."""
    css = _checked(_leaflet_css() + "\n" + _read("gridmap-map.css"), "style")
    js = _checked(_read("gridmap-map.js"), "script")
    return (f"<!-- Leaflet {LEAFLET_VERSION}, BSD-2-Clause (c) 2010-2023 Vladimir Agafonkin, (c) 2010-2011 CloudMade;"
            " inlined so that the map works offline -->\n"
            f"<style>\n{css}\n</style>\n<script>\n{leaflet_js()}\n</script>\n<script>\n{js}\n</script>\n")
