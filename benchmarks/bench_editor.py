"""The plan editor in headless Chromium: file size, time to open, time to apply one edit (medians).

    python benchmarks/bench_editor.py [--plan PLAN.gpkg] [--runs 5]

Without --plan it partitions the bundled Liechtenstein extract as `make demo` does. Needs
Debian's chromium at /usr/bin/chromium and the playwright package (no browser download);
every non-local request is aborted. Open time: navigation until the editor is ready
(data parsed, every atom drawn). Edit time: one atom moved between two grids of one
village by gridmap.editor.move (counts, band status, both contiguity checks, restyle and
labels), measured in the page with performance.now().
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

FIND = """() => {
  const E = gridmap.editor, nb = JSON.parse(document.getElementById('gm-data').textContent).atoms.nb;
  for (let a = 0; a < E.atomGrid.length; a++) {
    const g = E.atomGrid[a];
    if (E.grids[g].regime !== 'urban' || E.grids[g].atoms < 3 || !E.connected(g, a)) continue;
    for (const b of nb[a]) { const h = E.atomGrid[b];
      if (h !== g && E.grids[h].unit === E.grids[g].unit) return [a, g, h]; } }
  return null; }"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plan", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    import gridmap
    from gridmap.editor import save_editor
    from gridmap.plan import Plan
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder:
        if args.plan:
            plan = Plan.load(args.plan)
        else:
            root = Path(__file__).resolve().parent.parent
            inputs = gridmap.inputs_from_osm(root / "data" / "liechtenstein.osm.pbf", area_name="Liechtenstein",
                                             units_level=8)
            plan = gridmap.make_plan(inputs, gridmap.PlanConfig(band=(300, 500), seed=0,
                                                                urban=gridmap.UrbanRule(mode="all")))
        started = time.perf_counter()
        path = save_editor(plan, Path(folder) / "editor.html")
        write_s = time.perf_counter() - started
        opens, edits = [], []
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium",
                                        args=["--headless", "--no-sandbox", "--disable-gpu"])
            for _ in range(args.runs):
                page = browser.new_page(viewport={"width": 1280, "height": 860})
                page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("file:", "data:", "blob:"))
                           else r.abort())
                started = time.perf_counter()
                page.goto(path.as_uri())
                page.wait_for_function("window.gridmap && window.gridmap.ready === true", timeout=60_000)
                opens.append(time.perf_counter() - started)
                a, g, h = page.evaluate(FIND)
                edits += page.evaluate("""([a, g, h]) => { const E = gridmap.editor, out = [];
                    for (let i = 0; i < 10; i++) { const t = performance.now(); E.move([a], i % 2 ? g : h);
                      out.push(performance.now() - t); } return out; }""", [a, g, h])
                page.close()
            browser.close()
        print(f"atoms {len(plan.atoms)}, grids {len(plan.grids)}, editor file {path.stat().st_size / 1e6:.2f} MB "
              f"(written in {write_s:.2f} s)")
        print(f"open in Chromium: median {statistics.median(opens):.2f} s over {len(opens)} runs "
              f"(min {min(opens):.2f}, max {max(opens):.2f})")
        print(f"one edit: median {statistics.median(edits):.1f} ms over {len(edits)} moves (max {max(edits):.1f})")


if __name__ == "__main__":
    main()
