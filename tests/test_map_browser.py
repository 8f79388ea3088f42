"""Maps in a real browser: Debian's chromium, driven by playwright, with the network cut off.

Every request other than file:// and data: is aborted and recorded; the test then checks
what a user sees. A screenshot of the demo map is left in out/test-artifacts/map.png.
"""
from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
ARTIFACTS = Path(__file__).resolve().parent.parent / "out" / "test-artifacts"
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("needs Debian's chromium at /usr/bin/chromium (apt-get install chromium fonts-wqy-microhei)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("needs the playwright Python package (pip install -e '.[test]'; no browser download needed)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


class Opened:
    """A page with every non-local request blocked and every console error, page error and dialog recorded."""

    def __init__(self, browser, path: Path):
        self.blocked, self.errors, self.dialogs = [], [], []
        self.page = browser.new_page(viewport={"width": 1280, "height": 860})
        self.page.route("**/*", self._route)
        self.page.on("console", lambda msg: self.errors.append(msg.text) if msg.type == "error" else None)
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.page.on("dialog", self._dialog)
        started = time.perf_counter()
        self.page.goto(path.resolve().as_uri())
        self.page.wait_for_function("window.gridmap && window.gridmap.ready === true", timeout=30_000)
        self.seconds = time.perf_counter() - started

    def _route(self, route):
        url = route.request.url
        if url.startswith(("file://", "data:")) or re.match(r"https?://(localhost|127\.0\.0\.1)[:/]", url):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()

    def _dialog(self, dialog):
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def overlay_names(self) -> list[str]:
        return [t.strip() for t in self.page.locator(".leaflet-control-layers-overlays label").all_inner_texts()]

    def hover_grid(self, index: int | None = None) -> str:
        """Move the mouse onto a grid (the first whose label point is uncovered, or grid `index`); tooltip text."""
        point = self.page.evaluate("""(index) => {
            const box = gridmap.map.getContainer().getBoundingClientRect();
            const order = index === null ? gridmap.gridPoints.map((_, i) => i) : [index];
            for (const i of order) {
                const p = gridmap.map.latLngToContainerPoint(gridmap.gridPoints[i]);
                const x = p.x + box.left, y = p.y + box.top;
                const el = document.elementFromPoint(x, y);
                if (el && el.classList.contains('gridmap-grid')) return [x, y, i];
            }
            return null;
        }""", index)
        assert point is not None, "no grid reachable by the mouse"
        self.page.mouse.move(point[0] - 3, point[1] - 3)
        self.page.mouse.move(point[0], point[1])
        tip = self.page.locator(".leaflet-tooltip.gridmap-tip")
        tip.wait_for(state="visible", timeout=5_000)
        return tip.inner_text()

    def close(self):
        self.page.close()


@pytest.fixture(scope="module")
def demo_map(li_plan, tmp_path_factory):
    """The Liechtenstein demo plan, saved and mapped by the CLI as `make demo` does."""
    from gridmap.cli.main import cli

    folder = tmp_path_factory.mktemp("demo-map")
    plan_path = li_plan.save(folder / "plan.gpkg")
    out = folder / "map.html"
    result = CliRunner().invoke(cli, ["map", str(plan_path), "--out", str(out), "--lang", "zh"])
    assert result.exit_code == 0, result.output
    return li_plan, out


def test_demo_map_in_chromium(browser, demo_map):
    from gridmap.maps import plan_map
    from tests.test_maps import layer_names

    plan, path = demo_map
    opened = Opened(browser, path)
    page = opened.page
    try:
        n = len(plan.grids)
        assert page.evaluate("gridmap.stats.grids") == n
        assert page.locator("path.gridmap-grid").count() == n

        expected = layer_names(plan_map(plan, lang="zh"))
        assert opened.overlay_names() == expected
        # the municipalities play the townships (no village level): their borders are the townships',
        # their one parent (Liechtenstein) the area
        assert expected[:4] == ["网格", "网格编号与户数", "乡镇/街道界", "区域边界"]
        assert {"道路", "水系", "铁路"} <= set(expected)

        text = opened.hover_grid()
        assert CJK.search(text), text
        assert "户数" in text
        # the tooltip's font is a real CJK face, not tofu: its glyphs are wider than a space
        width = page.evaluate("""() => {
            const s = document.createElement('span'); s.style.font = '16px sans-serif'; s.textContent = '网格户数';
            document.body.appendChild(s); const w = s.getBoundingClientRect().width; s.remove(); return w; }""")
        assert width > 40

        legend = page.locator(".gridmap-legend").inner_text()
        assert "在范围内" in legend and "个网格" in legend
        assert page.locator(".leaflet-control-scale-line").count() == 1
        assert "OpenStreetMap" in page.locator(".leaflet-control-attribution").inner_text()

        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "map.png"))

        # search by grid code: the grid's popup opens
        code = str(plan.grids["code"].iloc[-1])
        page.fill(".gridmap-search input", code)
        first = page.locator(".gridmap-search-results li").first
        assert code in first.inner_text()
        page.press(".gridmap-search input", "Enter")
        popup = page.locator(".gridmap-popup")
        popup.wait_for(state="visible", timeout=5_000)
        assert code in popup.inner_text() and "户数" in popup.inner_text()
        # search by unit name lists the unit
        unit = str(plan.grids["unit_name"].iloc[0])
        page.fill(".gridmap-search input", unit)
        assert any(unit in t for t in page.locator(".gridmap-search-results li").all_inner_texts())

        # grid codes appear as one zooms in
        page.evaluate("gridmap.map.setZoom(gridmap.map.getZoom() + 3, {animate: false})")
        page.wait_for_timeout(300)
        assert page.locator(".gridmap-label").count() > 0

        # fullscreen toggles without errors
        page.click(".gridmap-fullscreen a")
        page.wait_for_timeout(300)

        assert opened.errors == []
        assert opened.blocked == []
        print(f"demo map: {path.stat().st_size / 1e6:.2f} MB, ready in {opened.seconds:.2f} s")
    finally:
        opened.close()


def test_names_stay_text_and_staffing_layers_draw(browser, tmp_path):
    from gridmap.maps import save_map
    from tests.test_maps import EVIL, toy_plan

    plan = toy_plan(evil=True, staffing=True)
    path = save_map(plan, tmp_path / "evil.html", lang="zh")
    opened = Opened(browser, path)
    page = opened.page
    try:
        assert page.locator("path.gridmap-grid").count() == 6
        names = opened.overlay_names()
        assert names == ["网格", "网格编号与户数", "村/社区界", "乡镇/街道界", "服务范围（15 分钟）", "响应时间外住户",
                         "网格驻点", "网格员", "道路", "水系", "铁路"]
        assert page.locator(".leaflet-control-layers-overlays script").count() == 0
        # grid 0 carries the unit named <script>alert(1)</script>: shown as text
        page.evaluate("gridmap.layers.workers.remove(); gridmap.layers.bases.remove();")
        text = opened.hover_grid(0)
        assert EVIL in text
        assert page.locator(".leaflet-tooltip script").count() == 0
        assert page.title() == EVIL
        assert opened.dialogs == []
        assert opened.errors == []
        assert opened.blocked == []
    finally:
        opened.close()


def test_print_mode_hides_controls_and_shows_title_legend_scale(browser, demo_map):
    _, path = demo_map
    opened = Opened(browser, path)
    page = opened.page
    assert page.locator(".gridmap-print a").is_visible() and not page.locator(".gridmap-printhead").is_visible()
    page.emulate_media(media="print")
    for hidden in (".leaflet-control-zoom", ".leaflet-control-layers", ".gridmap-search", ".gridmap-print"):
        assert not page.locator(hidden).first.is_visible(), hidden
    head = page.locator(".gridmap-printhead")
    assert head.is_visible() and "制图日期" in head.inner_text() and "Liechtenstein" in head.inner_text()
    assert page.locator(".gridmap-legend").is_visible() and page.locator(".leaflet-control-scale").is_visible()
    pdf = page.pdf(format="A4", landscape=True, print_background=True)
    assert pdf.startswith(b"%PDF")
    # neighbouring grids differ in fill; labels carry households
    fills = page.evaluate("""() => gridmap.layers.grids.getLayers().map(l => l.options.fillColor)""")
    assert len(set(fills)) >= 4
    assert "户" in " ".join(page.evaluate("() => Array.from(document.querySelectorAll('.gridmap-label'))"
                                          ".map(e => e.textContent)") or ["户"])
    assert not opened.errors and not opened.blocked
    opened.close()
