"""The report: every section and plot, zh and en labels, escaping, Markdown with SVG files, the command."""
import copy
import re

import geopandas as gpd
import numpy as np
import pytest
from click.testing import CliRunner

import gridmap.report as report_module
from gridmap.cli.main import cli
from gridmap.errors import InputError
from gridmap.plan import Plan
from gridmap.report import ReportRules, build_report

SECTIONS = ("overview", "grids", "households", "workers", "budget", "reach", "exceptions")


def staffed(plan: Plan) -> Plan:
    """The plan with workers (full-time in town grids, part-time in islands), bases and reach figures."""
    grids = plan.grids.copy()
    points = grids.geometry.representative_point().to_numpy()
    kind = np.where(grids["regime"] == "urban", "full_time", "part_time")
    workers = gpd.GeoDataFrame({"worker_id": [f"w{k:03d}" for k in range(len(grids))], "worker_type": kind,
                                "grid_id": list(grids["grid_id"]),
                                "pay_base": np.where(kind == "full_time", 1000.0, 250.0),
                                "pay_performance": np.where(kind == "full_time", 0.0, 200.0)},
                               geometry=points, crs=grids.crs)
    workers["monthly_pay"] = workers["pay_base"] + workers["pay_performance"]
    bases = gpd.GeoDataFrame({"grid_id": list(grids["grid_id"])}, geometry=points, crs=grids.crs)
    grids["share_reached"] = np.linspace(0.5, 1.0, len(grids))
    meta = copy.deepcopy(plan.meta)
    meta["reach"] = {"config": {"mode": "ebike", "minutes_urban": 10, "minutes_rural": 30},
                     "county": {"households": float(grids["households"].sum()),
                                "reached": float((grids["households"] * grids["share_reached"]).sum())}}
    layers = dict(plan.layers, grids=grids, workers=workers, bases=bases)
    return Plan(layers=layers, meta=meta)


@pytest.fixture(scope="module")
def plan(li_plan):
    return staffed(li_plan)


@pytest.fixture(scope="module")
def zh_html(plan, tmp_path_factory):
    path = tmp_path_factory.mktemp("report") / "report.html"
    build_report(plan, lang="zh").to_html(path)
    return path.read_text(encoding="utf-8")


def test_html_has_every_section_and_plot(zh_html):
    for key in SECTIONS:
        assert f'<section id="{key}"' in zh_html
    figures = re.findall(r"<figure[^>]*>(.*?)</figure>", zh_html, flags=re.S)
    assert len(figures) >= 6
    assert all(f.startswith("<svg ") and len(f) > 1000 for f in figures)
    assert "http://" not in zh_html.replace("http://www.w3.org", "") and "<script" not in zh_html


def test_zh_labels(zh_html):
    for label in ("网格化服务管理报告", "一级 县", "二级 乡镇", "四级 网格", "网格员", "专职", "兼职", "经费", "每年（元）",
                  "绩效", "服务圈", "覆盖比例", "例外情况", "户数超出范围", "全县"):
        assert label in zh_html, label
    assert 'lang="zh-CN"' in zh_html


def test_en_labels_and_budget_figures(plan, tmp_path):
    report = build_report(plan, lang="en", maps=False)
    html = report.to_html(tmp_path / "r.html").read_text(encoding="utf-8")
    for label in ("Grid system report", "Grids by township and regime", "full-time", "Yearly (yuan)",
                  "Share reached", "Flagged exceptions", "households out of band"):
        assert label in html, label
    assert "网格员" not in html
    budget = report.section("budget").blocks[1].frame  # components for the county
    workers = plan.layers["workers"]
    monthly = workers["monthly_pay"].sum()
    assert budget.iloc[-1].tolist() == ["Total", f"{monthly:,.0f}", f"{12 * monthly:,.0f}"]
    counts = report.section("workers").blocks[0].frame
    assert counts.iloc[-1]["Total"] == f"{len(workers):,}"


def test_plan_without_staffing_has_no_staffing_sections(li_plan):
    report = build_report(li_plan, lang="en", validate=False, maps=False)
    keys = [s.key for s in report.sections]
    assert keys == ["overview", "grids", "households", "exceptions"]


def test_every_value_is_escaped(plan, tmp_path):
    grids = plan.grids.copy()
    evil = "<script>alert('x')</script>"
    grids.loc[grids["unit_id"] == grids["unit_id"].iloc[0], "unit_name"] = evil
    grids.loc[grids.index[0], "flag"] = "over_band"
    grids.loc[grids.index[0], "flag_reason"] = "<b>bold</b> & more"
    evil_plan = Plan(layers=dict(plan.layers, grids=grids), meta=plan.meta)
    report = build_report(evil_plan, lang="en", maps=False)
    html = report.to_html(tmp_path / "evil.html").read_text(encoding="utf-8")
    assert "<script" not in html and "<b>bold" not in html
    assert "&lt;script&gt;alert(" in html and "&lt;/script&gt;" in html
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; more" in html  # the English report shows the plan's own reason
    md = report.to_markdown(tmp_path / "evil.md").read_text(encoding="utf-8")
    assert "<script" not in md and "&lt;script&gt;" in md


def test_markdown_writes_svg_files_beside_it(plan, tmp_path):
    report = build_report(plan, lang="zh", validate=False, maps=False)
    path = report.to_markdown(tmp_path / "out" / "report.md")
    text = path.read_text(encoding="utf-8")
    links = re.findall(r"!\[[^\]]*\]\(([^)]+\.svg)\)", text)
    assert len(links) == len(report.figures) >= 6
    for link in links:
        assert (path.parent / link).read_text(encoding="utf-8").startswith('<svg xmlns="http://www.w3.org/2000/svg"')
    assert "## 网格员（按类型）" in text and "| 乡镇（街道） |" in text
    assert not [p for p in path.parent.iterdir() if p.name.startswith(".")]  # no temporary files left


def test_missing_cjk_font_falls_back_with_a_warning(li_plan, tmp_path, monkeypatch):
    monkeypatch.setattr(report_module, "CJK_FONTS", ("No Such Font",))
    monkeypatch.setattr(report_module, "_CJK_FILES", re.compile("no-such-font-file"))
    report = build_report(li_plan, lang="zh", validate=False)
    assert report.warnings and "fonts-wqy-microhei" in report.warnings[0]
    html = report.to_html(tmp_path / "r.html").read_text(encoding="utf-8")
    assert 'class="warning"' in html


def test_cjk_font_is_found():
    font, missing = report_module._font()
    if missing:
        pytest.skip("no CJK font installed (CI installs fonts-wqy-microhei)")
    assert font in report_module.CJK_FONTS


def test_bad_language_is_input_error(li_plan):
    with pytest.raises(InputError, match="lang"):
        build_report(li_plan, lang="fr")


def test_cli_report_html_and_markdown(plan, tmp_path):
    keep = ("grids", "units", "area", "workers", "bases")  # roads and buildings only slow the test down
    Plan(layers={name: plan.layers[name] for name in keep}, meta=plan.meta).save(tmp_path / "plan.gpkg")
    runner = CliRunner()
    result = runner.invoke(cli, ["report", str(tmp_path / "plan.gpkg"), "--out", str(tmp_path / "r.html")])
    assert result.exit_code == 0, result.output
    assert "报告已写入" in result.output and "9 节" in result.output
    assert (tmp_path / "r.html").stat().st_size > 50_000
    result = runner.invoke(cli, ["report", str(tmp_path / "plan.gpkg"), "--out", str(tmp_path / "md" / "r.md"),
                                 "--markdown", "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "md" / "r.md").exists() and list((tmp_path / "md").glob("r-*.svg"))
    result = runner.invoke(cli, ["report", str(tmp_path / "missing.gpkg"), "--out", str(tmp_path / "x.html"),
                                 "--lang", "en"])
    assert result.exit_code == 2 and "no such file" in result.output



def test_yearly_budget_follows_months_per_year(li_plan):
    import gridmap
    from gridmap.staffing import StaffingConfig

    staffed = gridmap.staff_plan(li_plan, StaffingConfig(months_per_year=13))
    budget = build_report(staffed, lang="en").section("budget")
    assert "Yearly = 13 × monthly." in budget.blocks
    monthly = staffed.meta["staffing"]["monthly_yuan"]["total"]
    assert staffed.meta["staffing"]["yearly_yuan"]["total"] == pytest.approx(13 * monthly)


def test_use_cjk_font_draws_chinese_without_missing_glyphs():
    import warnings

    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from gridmap.report import use_cjk_font

    name = use_cjk_font()
    if name is None:
        pytest.skip("no CJK font installed (fonts-wqy-microhei)")
    import matplotlib

    assert matplotlib.rcParams["font.sans-serif"][0] == name
    fig = Figure()
    fig.add_subplot().set_title("荥经县 严道街道 网格")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph ... missing from font" would be a UserWarning
        FigureCanvasAgg(fig).draw()


def test_chinese_report_leaks_no_english_key(plan, tmp_path):
    """Every word of the zh report is Chinese: no raw keys, no English reasons, no backticks."""
    report = build_report(plan, lang="zh")
    html = report.to_html(tmp_path / "r.html").read_text(encoding="utf-8")
    text = re.sub(r"<style>.*?</style>|<[^>]+>|data:image/png;base64,[A-Za-z0-9+/=]+", " ", html, flags=re.S)
    for key in ("under_band", "over_band", "rural_unit", "island", "full_time", "part_time", "use_maxspeed",
                "snap_speed_kmh", "minutes_urban", "walk", "households", "atoms", "`", "checked", "skipped", "error",
                "warning", "pay_"):
        assert key not in text, key


def test_printable_report_has_maps_office_date_and_page_numbers(zh_html):
    assert '<section id="map"' in zh_html and '<section id="township_maps"' in zh_html
    assert "@page" in zh_html and "size:A4" in zh_html and "counter(pages)" in zh_html
    assert "第 " in zh_html and "网格总图" in zh_html and "各乡镇网格图" in zh_html
    assert re.search(r"\d{4}年\d{1,2}月\d{1,2}日", zh_html)
    assert not re.search(r"\d{4}-\d{2}-\d{2}T", zh_html)  # no raw ISO timestamp


def test_report_rules_office_and_date(plan, tmp_path):
    rules = tmp_path / "rules.toml"
    rules.write_text('[report]\noffice = "某某县委政法委"\ndate = "2026-03-01"\n', encoding="utf-8")
    report = build_report(plan, lang="zh", validate=False, maps=False, rules=ReportRules.from_toml(rules))
    assert report.issued == "某某县委政法委　2026年3月1日"
    with pytest.raises(InputError, match="report.date"):
        ReportRules(date="1 March")


@pytest.mark.browser
def test_pdf_is_printed_by_chromium(plan, tmp_path):
    report = build_report(plan, lang="zh", validate=False, maps=False)
    path = report.to_pdf(tmp_path / "report.pdf")
    data = path.read_bytes()
    assert data.startswith(b"%PDF") and data.count(b"/Type /Page") >= 4


def test_report_maps_are_svg_with_one_path_per_grid(plan):
    """The maps are vector: one <path> per grid with geometry, township borders bold, labels as text."""
    report = build_report(plan, lang="zh", validate=False)
    overview = report.section("map").blocks[0]
    svg = overview.svg
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"') and svg.endswith("</svg>")
    grids = plan.grids
    fills = re.findall(r'<path fill="(#[0-9a-f]{6}|url\(#[^)]+\))" d="M', svg)
    assert len(fills) == int((~grids.geometry.is_empty).sum()) == len(grids)
    assert 'fill="none" stroke="#111111"' in svg  # township borders
    codes = re.findall(r"<tspan>(\d{3})</tspan>", svg)
    assert len(codes) >= 20 and "户</tspan>" in svg  # grids too small on the page go unlabelled
    # a township's map draws only grids that reach into its frame, the township's own in full colour
    maps = report.section("township_maps").blocks[0].figures
    assert len(maps) == grids["unit_id"].nunique()
    assert all(len(re.findall(r'<path fill="[^n]', f.svg)) < len(grids) for f in maps[1:])
    ids = re.findall(r'id="([^"]+)"', "".join(f.svg for f in [overview, *maps]))
    assert len(ids) == len(set(ids))  # pattern ids unique on the page
    assert "<image" not in svg and "http://" not in svg.replace("http://www.w3.org/2000/svg", "")
    # grids outside a township's frame are faint by colour, not by opacity (which Chromium prints as
    # a raster image): every fill of a township map is a palette colour or its faint blend
    from gridmap._colouring import PALETTE
    from gridmap._static_map import _ISLAND_FILL, faint

    assert not any("opacity" in f.svg for f in [overview, *maps])
    colours = {f for m in maps for f in re.findall(r'<path fill="(#[0-9a-f]{6})" d="M', m.svg)}
    shown = set(PALETTE) | {_ISLAND_FILL}
    assert colours <= shown | {faint(c) for c in shown} and colours & {faint(c) for c in PALETTE}
    # islands are hatched by one path of lines clipped to them per map, not by a <pattern> (which
    # Chromium prints as a tiling pattern per use: half the demo report's print time)
    assert "<pattern" not in svg and 'clip-path="url(#' in svg


def test_faint_is_opacity_over_white():
    from gridmap._static_map import faint

    assert faint("#000000") == "#bfbfbf" and faint("#ffffff") == "#ffffff"
    assert faint("#8dd3c7") == "#e2f4f1" and faint("#606060", 1.0) == "#606060"


def test_report_needs_no_matplotlib(plan, monkeypatch):
    """Maps and plots are SVG drawn from the numbers: the report is made with matplotlib unimportable."""
    import sys

    monkeypatch.setitem(sys.modules, "matplotlib", None)  # any import of it fails
    report = build_report(plan, lang="en", validate=False)
    assert len(report.figures) >= 6 + 1 + plan.grids["unit_id"].nunique()
    assert all(f.svg.startswith("<svg ") and "<image" not in f.svg for f in report.figures)


def test_charts_are_labelled_and_lie_down_when_many():
    """Bars per township with ticks, axis label and legend; past MAX_COLUMNS townships one row each."""
    import pandas as pd

    from gridmap import _charts

    counts = pd.DataFrame({"城镇": [3, 5], "飞地": [1, 0]}, index=["甲镇", "<乙>"])
    svg = _charts.stacked_bars(counts, "网格数")
    assert ">网格数</text>" in svg and ">城镇</text>" in svg and ">&lt;乙&gt;</text>" in svg
    assert svg.count("<rect") == 3 + 2  # three bars (a zero draws none) and two legend keys
    many = pd.DataFrame({"a": range(40)}, index=[f"t{k}" for k in range(40)])
    svg = _charts.stacked_bars(many, "n")
    assert "rotate(-45" not in svg and len(re.findall(r">t\d+</text>", svg)) == 40
    shares = _charts.share_bars(pd.Series([0.5, 1.0], index=["x", "y"]), 0.75, "Share")
    assert ">Share (%)</text>" in shares and ">100</text>" in shares
    assert list(_charts.nice_ticks(473)) == [0, 100, 200, 300, 400, 500]


FAKE_CHROMIUM = r"""#!{python}
# A stand-in for headless Chromium driven over --remote-debugging-pipe (commands on fd 3, replies on
# fd 4, NUL-terminated JSON): prints "%PDF-1.4 fake" once the file $FAKE_GO exists (when set), or
# fails when FAKE_FAIL is set; each method received is appended to $FAKE_LOG (when set).
import base64, json, os, sys, time
buffer = b""
def send(message):
    data = json.dumps(message).encode() + b"\0"
    while data:
        data = data[os.write(4, data):]
while True:
    while b"\0" not in buffer:
        chunk = os.read(3, 65536)
        if not chunk:
            sys.exit(0)
        buffer += chunk
    raw, buffer = buffer.split(b"\0", 1)
    message = json.loads(raw)
    method, session = message["method"], message.get("sessionId")
    if os.environ.get("FAKE_LOG"):
        with open(os.environ["FAKE_LOG"], "a") as log:
            log.write(json.dumps([method, message["params"]]) + "\n")
    result = {{"Target.createTarget": {{"targetId": "T"}}, "Target.attachToTarget": {{"sessionId": "S"}}}}.get(method, {{}})
    if method == "Page.printToPDF":
        while os.environ.get("FAKE_GO") and not os.path.exists(os.environ["FAKE_GO"]):
            time.sleep(0.05)
        if os.environ.get("FAKE_FAIL"):
            sys.stderr.write("boom: no display\n")
            sys.exit(3)
        result = {{"data": base64.b64encode(b"%PDF-1.4 fake").decode()}}
    send({{"id": message["id"], "result": result, **({{"sessionId": session}} if session else {{}})}})
    if method == "Page.navigate":
        send({{"method": "Page.loadEventFired", "params": {{}}, "sessionId": session}})
    if method == "Browser.close":
        sys.exit(0)
"""


@pytest.fixture
def fake_chromium(tmp_path, monkeypatch):
    import sys

    script = tmp_path / "fake-chromium"
    script.write_text(FAKE_CHROMIUM.format(python=sys.executable))
    script.chmod(0o755)
    monkeypatch.setenv("GRIDMAP_CHROMIUM", str(script))
    return script


def test_pdf_prints_beside_other_work_and_lands_atomically(li_plan, tmp_path, fake_chromium, monkeypatch):
    report = build_report(li_plan, lang="en", validate=False, maps=False)
    out = tmp_path / "out"
    go = tmp_path / "go"
    monkeypatch.setenv("FAKE_GO", str(go))
    # the browser cannot finish before `go` exists: start_pdf returning at all shows it does not wait for it
    # (no clock involved, so a loaded machine cannot fail this)
    printing = report.start_pdf(out / "report.pdf")
    assert printing.process.poll() is None and not (out / "report.pdf").exists()
    go.touch()
    assert printing.wait() == out / "report.pdf"
    assert (out / "report.pdf").read_bytes().startswith(b"%PDF")
    assert [p.name for p in out.iterdir()] == ["report.pdf"]  # no temporary file left
    monkeypatch.setenv("FAKE_FAIL", "1")
    with pytest.raises(InputError, match="wrote no PDF \\(exit 3\\): boom"):
        report.to_pdf(out / "again.pdf")
    report.start_pdf(out / "cancelled.pdf").cancel()
    assert [p.name for p in out.iterdir()] == ["report.pdf"]


def test_browser_starts_before_the_page_offline_and_stops_when_the_run_fails(li_plan, tmp_path, fake_chromium,
                                                                            monkeypatch):
    """gridmap run starts Chromium before the plan and hands it the page later; the page may fetch
    nothing from the network, the print is --print-to-pdf's; a run failing meanwhile stops the browser."""
    import json

    from gridmap._chromium import BLOCKED, PRINT
    from gridmap.runner import _browser

    log = tmp_path / "log.jsonl"
    monkeypatch.setenv("FAKE_LOG", str(log))
    report = build_report(li_plan, lang="en", validate=False, maps=False)
    with _browser(True) as (printing, warnings):
        assert printing is not None and not warnings and printing.process.poll() is None
        report.to_html(tmp_path / "report.html")
        report.start_pdf(tmp_path / "report.pdf", page=tmp_path / "report.html", printing=printing).wait()
    assert (tmp_path / "report.pdf").read_bytes() == b"%PDF-1.4 fake"
    calls = [json.loads(line) for line in log.read_text().splitlines()]
    methods = [m for m, _ in calls]
    assert methods.index("Network.setBlockedURLs") < methods.index("Page.navigate") < methods.index("Page.printToPDF")
    assert dict(calls)["Network.setBlockedURLs"] == {"urls": BLOCKED} and dict(calls)["Page.printToPDF"] == PRINT
    assert dict(calls)["Page.navigate"]["url"] == (tmp_path / "report.html").resolve().as_uri()
    assert not printing.tmp.exists() and printing.process.returncode is not None  # stopped once it printed
    with pytest.raises(InputError, match="bad input"):
        with _browser(True) as (printing, _):
            raise InputError("bad input found while planning")
    assert printing.process.returncode is not None and not printing.tmp.exists()
    with _browser(False) as (printing, warnings):
        assert printing is None and not warnings
    monkeypatch.setenv("GRIDMAP_CHROMIUM", str(tmp_path / "no-such-browser"))
    monkeypatch.setenv("PATH", str(tmp_path))
    with _browser(True, "en") as (printing, warnings):  # no browser at all: a warning, and the run goes on
        pass
    assert printing is None and "report --pdf" in warnings[0] and "is not an executable file" in warnings[0]
    with _browser(True, "zh") as (printing, warnings):  # in the run's language
        pass
    assert printing is None and "--pdf" in warnings[0] and "Chromium" in warnings[0]
    assert any("\u4e00" <= c <= "\u9fff" for c in warnings[0])


def test_run_writes_its_files_while_the_pdf_prints(plan, tmp_path, fake_chromium, monkeypatch):
    """write_run: report.html first, the PDF printed meanwhile and committed with the rest; a failed
    print is a warning and leaves no report.pdf (nor a temporary file)."""
    from gridmap._outdir import OutputDir
    from gridmap.runner import RUN_FILES, write_run
    from gridmap.validate import validate_plan

    plan = Plan(layers={k: plan.layers[k] for k in ("grids", "units", "area", "workers", "bases")}, meta=plan.meta)
    faults = validate_plan(plan)
    report = build_report(plan, lang="en", validate=False, maps=False)
    laps = []
    with OutputDir(tmp_path / "ok", "run", fresh=True) as out:
        paths = write_run(plan, faults, out, map_html="<html></html>", report=report, lang="en", pdf=True,
                          laps=laps.append)
    assert laps.index("write report.html (pdf started)") < laps.index("write plan.gpkg") < \
        laps.index("wait for report.pdf")
    assert sorted(paths) == sorted([*RUN_FILES, "report.pdf"])
    assert (tmp_path / "ok" / "report.pdf").read_bytes().startswith(b"%PDF")
    monkeypatch.setenv("FAKE_FAIL", "1")
    warnings = []
    with OutputDir(tmp_path / "failed", "run", fresh=True) as out:
        paths = write_run(plan, faults, out, map_html="<html></html>", report=report, lang="en", pdf=True,
                          warnings=warnings)
    assert "report.pdf" not in paths and warnings and "boom" in warnings[0]
    assert sorted(p.name for p in (tmp_path / "failed").iterdir()) == sorted([*RUN_FILES, "manifest.json"])


def test_run_starts_saving_the_plan_once_the_workbook_is_handed_over(plan, tmp_path, monkeypatch):
    """write_run(save_plan=...): plan.gpkg's writing starts after the tables are built and grids.xlsx
    is handed to the pool (built beside its thread they took five times as long at 100,000 atoms),
    it is waited for, and a table that fails leaves it never started."""
    from concurrent.futures import ThreadPoolExecutor

    from gridmap import runner, tables
    from gridmap._outdir import OutputDir
    from gridmap.validate import validate_plan

    plan = Plan(layers={k: plan.layers[k] for k in ("grids", "units", "area", "workers", "bases")}, meta=plan.meta)
    faults = validate_plan(plan)
    report = build_report(plan, lang="en", validate=False, maps=False)
    events = []
    submit = runner._submit
    monkeypatch.setattr(runner, "_submit", lambda pool, fn, *a: (events.append(fn.__name__), submit(pool, fn, *a))[1])
    for name in ("roster_table", "budget_table", "grid_table"):
        made = getattr(tables, name)
        monkeypatch.setattr(tables, name, lambda *a, _made=made, _name=name: (events.append(_name), _made(*a))[1])
    with ThreadPoolExecutor(1) as writer, ThreadPoolExecutor(1) as pool, \
            OutputDir(tmp_path / "ok", "run", fresh=True) as out:
        def save_plan():
            events.append("save_plan")
            return writer.submit(plan.save, out.file("plan.gpkg"))

        runner.write_run(plan, faults, out, map_html="<html></html>", report=report, lang="en", save_plan=save_plan,
                         pool=pool)
    assert events == ["roster_table", "budget_table", "grid_table", "_write_xlsx", "save_plan"]
    assert Plan.load(tmp_path / "ok" / "plan.gpkg").grids["grid_id"].tolist() == plan.grids["grid_id"].tolist()
    monkeypatch.setattr(tables, "grid_table", lambda *a: 1 / 0)
    events.clear()
    with pytest.raises(ZeroDivisionError), OutputDir(tmp_path / "failed", "run", fresh=True) as out:
        runner.write_run(plan, faults, out, map_html="<html></html>", report=report, lang="en", save_plan=save_plan)
    assert "save_plan" not in events and not (tmp_path / "failed").exists()


def test_unit_reasons_travel_as_data_and_read_in_chinese(li_plan, pvd_plan, tmp_path):
    """A unit that misses the band keeps its reasons as data, so the Chinese report states them in full."""
    from gridmap import i18n
    from gridmap.outcomes import Outcome, outcome_parts
    from gridmap.plan import Plan
    from gridmap.report import _unit_reason

    for plan in (li_plan, pvd_plan):
        plan.save(tmp_path / "p.gpkg")
        units = Plan.load(tmp_path / "p.gpkg").layers["units"]
        bad = units[units["status"] != "ok"]
        assert len(bad)
        for _, unit in bad.iterrows():
            assert unit["reason_parts"], unit["unit_id"]
            zh = _unit_reason(plan, unit, "zh")
            assert any("\u4e00" <= ch <= "\u9fff" for ch in zh) and unit["reason"] not in zh
            assert zh == i18n.outcome_text(unit["reason_parts"], "zh")
    # a proof's band limit (an outcome's `also`) is said too
    proof = Outcome("cp_sat_needs_top", params={"atoms": 47, "lo": 300, "hi": 500, "need_hi": 509})
    unit = Outcome("no_split_proven", params={"atoms": 47, "households": 4069, "kmin": 9, "kmax": 13}).plus(proof)
    parts = outcome_parts([unit])
    assert [code for code, _ in parts] == ["no_split_proven", "cp_sat_needs_top"]
    zh = i18n.outcome_text(parts, "zh")
    assert "已证明不存在" in zh and "上限至少须为 509 户" in zh and "；" in zh


def test_run_that_fails_while_plan_gpkg_is_written_leaves_nothing(li_inputs, tmp_path, monkeypatch):
    """gridmap run writes plan.gpkg in a thread beside validation, the map and the report; a failure
    there waits for the thread and removes everything (no half-written output, no thread left)."""
    import threading

    import gridmap.maps
    from gridmap.runner import run_county

    def broken(*args, **kwargs):
        raise InputError("map: broken on purpose")

    monkeypatch.setattr(gridmap.maps, "plan_map", broken)
    out = tmp_path / "out"
    with pytest.raises(InputError, match="broken on purpose"):
        run_county(out, inputs=li_inputs, urban_mode="all", band=(300.0, 500.0), seed=0, pdf=False)
    assert not out.exists()
    assert not [t for t in threading.enumerate() if t.name.startswith("gridmap-gpkg")]
