"""The summaries and refusals of the planner's commands in the command's language (``--lang zh`` / ``--lang en``).

Every line a command prints comes from the vocabulary (gridmap.i18n): with ``--lang zh`` a Chinese reader meets
no English label or sentence (file names, option names, ids and numbers stay as they are), with ``--lang en``
the lines are word for word what they were. The commands run on a small real plan: Ruggell (one municipality
of the bundled Liechtenstein extract, 4 grids of 40 atoms), made once for the module.
"""
from __future__ import annotations

import re
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from click.testing import CliRunner

from gridmap.cli.main import cli
from tests.conftest import LIECHTENSTEIN

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")

CHINESE = re.compile(r"[\u4e00-\u9fff]")

#: English words of the commands' summaries and refusals (as whole words) that no zh line may hold.
ENGLISH = re.compile(r"\b(plan written|editor written|written to|households?|grids?|unchanged|changed|added|retired|"
                     r"moved|out of band|in band|validation|errors?|warnings?|median|keep their grid|micro-grids|"
                     r"dedicated|skipped|area piece|atoms?|wrote|removed|swept|temporary|codes?|done|FAILED|failed|"
                     r"batch in|counties|give|not both|one of them|see|bug|report it|out of memory|no such file|"
                     r"check the path|identical|matched|keeping|urban|budget|yuan|rules?|broken|nothing written|"
                     r"layers?|dashboard|cluster|workers?|worker\(s\)|up to date|more)\b")


def gm(*args) -> tuple[int, str]:
    """Exit code and everything ``gridmap ARGS`` printed (stdout and stderr), the locale saying nothing (C)."""
    env = {"GRIDMAP_LANG": None, "LC_ALL": None, "LC_MESSAGES": None, "LANG": "C"}
    result = CliRunner().invoke(cli, [str(a) for a in args], env=env)
    return result.exit_code, result.output


def words(line: str) -> str:
    """A line without what stays as written in any language: the prefixes scripts look for, paths, options."""
    line = re.sub(r"^gridmap: (error: |internal error)?", "", line)
    # paths and addresses (the test's own folder is named after the test), up to a space or Chinese punctuation
    latin = r"[^\s\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]"
    line = re.sub(rf"{latin}*[/\\]{latin}*", "", line)
    return re.sub(r"--[\w-]+", "", line)


def assert_chinese(out: str) -> None:
    """Every line of ``out`` holds Chinese and no English word of the summaries (the A/B header aside)."""
    lines = [line for line in out.splitlines() if line.strip() and line.split() != ["A", "B"]]
    assert lines, out
    for line in lines:
        text = words(line)
        assert CHINESE.search(text), line
        assert not ENGLISH.search(text), (line, ENGLISH.search(text).group())


def refusal(code: int, out: str) -> str:
    """The one line of a refusal (exit 2) without its prefix ``gridmap: error: ``."""
    assert code == 2, out
    lines = out.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("gridmap: error: "), out
    return lines[0][len("gridmap: error: "):]


@pytest.fixture(scope="module")
def ruggell(tmp_path_factory):
    """Ruggell partitioned (4 urban grids of 300-500 households), saved as plan.gpkg."""
    import gridmap

    inputs = gridmap.inputs_from_osm(LIECHTENSTEIN, area_name="Ruggell", units_level=8)
    plan = gridmap.make_plan(inputs, gridmap.PlanConfig(band=(300, 500), seed=0, urban=gridmap.UrbanRule(mode="all")))
    return plan, plan.save(tmp_path_factory.mktemp("ruggell") / "plan.gpkg")


@pytest.fixture(scope="module")
def ruggell_staffed(ruggell):
    """Ruggell staffed and reached (its summaries then name workers, budget and reach too)."""
    import gridmap

    plan, path = ruggell
    return gridmap.staff_and_reach(plan).save(path.with_name("staffed.gpkg"))


def new_households(plan, path: Path) -> Path:
    """The plan's households and 300 more in its first grid: a new estate that puts the grid over the band."""
    rng = np.random.default_rng(0)
    grid = plan.grids.sort_values("grid_id").geometry.iloc[0]
    minx, miny, maxx, maxy = grid.bounds
    points = []
    while len(points) < 10:
        point = shapely.Point(rng.uniform(minx, maxx), rng.uniform(miny, maxy))
        if grid.contains(point):
            points.append(point)
    new = gpd.GeoDataFrame({"households": [30.0] * 10}, geometry=points, crs=plan.crs)
    old = plan.households[["households", "geometry"]]
    gpd.GeoDataFrame(pd.concat([old, new], ignore_index=True), geometry="geometry", crs=plan.crs).to_file(path)
    return path


# --------------------------------------------------------------------------- summaries


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_adjust(ruggell, tmp_path, lang):
    plan, path = ruggell
    households = new_households(plan, tmp_path / "hh.gpkg")
    code, out = gm("adjust", path, "--households", households, "--households-column", "households", "--out",
                   tmp_path / "out", "-q", "--lang", lang)
    assert code == 0, out
    if lang == "zh":
        assert_chinese(out)
        assert f"计划已写入 {tmp_path / 'out' / 'plan.gpkg'}" in out and "  超出范围        调整前 1 个网格" in out
        assert "  户数            " in out and "的住户仍在原网格" in out and "（编码相同、区域不同）" in out
    else:
        assert f"plan written to {tmp_path / 'out' / 'plan.gpkg'}" in out
        for pattern in (r"^  households      [\d,]+ \(\d+\.\d% keep their grid\)$",
                        r"^  out of band     1 grid\(s\) before, 0 after$",
                        r"^  grids           \d+ unchanged, \d+ changed, \d+ added, \d+ retired  \(\d+\.\d s\)$",
                        r"^  codes           \d+ added, \d+ retired, \d+ moved \(same code, another area\)$",
                        r"^  grids           \d+  \(median \d+ households\)$",
                        r"^  in band 300-500  \d+\.\d% of urban grids$",
                        r"^  validation      \d+ errors, \d+ warnings$"):
            assert re.search(pattern, out, re.M), (pattern, out)


def _move(plan, *, keep_rules: bool):
    """An atom and the grid it moves to: one that keeps every rule, or one that breaks the band."""
    from tests.test_update import _border_move

    if keep_rules:
        atom, _, target, _ = _border_move(plan)
        return atom, target
    grids = plan.grids.sort_values("households")
    lightest, other = grids["grid_id"].iloc[0], grids["grid_id"].iloc[-1]
    mine = plan.atoms[plan.atoms["grid_id"] == lightest].sort_values("households")
    return int(mine["atom_id"].iloc[-1]), other  # the lightest grid loses its heaviest atom: under the band


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_update(ruggell, tmp_path, lang):
    plan, path = ruggell
    atoms = plan.atoms[["atom_id", "grid_id", "geometry"]].copy()
    atom, target = _move(plan, keep_rules=True)
    atoms.loc[atoms["atom_id"] == atom, "grid_id"] = target
    atoms.to_file(tmp_path / "edits.gpkg", layer="atoms")
    code, out = gm("update", path, "--atoms", tmp_path / "edits.gpkg", "--out", tmp_path / "ok", "-q", "--lang", lang)
    assert code == 0, out
    if lang == "zh":
        assert_chinese(out)
        assert "  移动的地块      1" in out and "  网格            未变 2 个，变动 2 个，新增 0 个，注销 0 个" in out
        assert "  校验            0 个错误" in out
    else:
        assert "  atoms moved     1\n" in out
        assert "  grids           2 unchanged, 2 changed, 0 added, 0 retired\n" in out
        assert re.search(r"^  validation      0 errors, \d+ warnings$", out, re.M), out
    # the band broken: nothing written, the rules named (their details as update.json records them)
    atoms = plan.atoms[["atom_id", "grid_id", "geometry"]].copy()
    atom, target = _move(plan, keep_rules=False)
    atoms.loc[atoms["atom_id"] == atom, "grid_id"] = target
    atoms.to_file(tmp_path / "bad.gpkg", layer="atoms")
    code, out = gm("update", path, "--atoms", tmp_path / "bad.gpkg", "--out", tmp_path / "bad", "-q", "--lang", lang)
    assert code == 3 and not (tmp_path / "bad").exists(), out
    first = out.splitlines()[0]
    if lang == "zh":
        assert re.fullmatch(r"gridmap: 编辑违反了 \d+ 条规则，未写出任何文件（请修改编辑内容，或用 --allow-faults 写出计划并标出这些网格）：",
                            first), first
    else:
        assert re.fullmatch(r"gridmap: \d+ rule\(s\) broken by the edits; nothing written \(fix the edits, or "
                            r"--allow-faults to write the plan with the grids flagged\):", first), first
    assert "out_of_band" in out  # the rule broken, as recorded


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_dedicated(ruggell, tmp_path, lang):
    """A school over the plan's largest atom becomes a dedicated grid; a tiny hospital is skipped (under the
    minimum area): the reason in the command's language too."""
    plan, path = ruggell
    atoms = plan.atoms.sort_values("area_m2")
    school = atoms.geometry.iloc[-1].buffer(-5)
    hospital = atoms.geometry.iloc[len(atoms) // 2].centroid.buffer(3)
    gpd.GeoDataFrame({"kind": ["school", "hospital"], "name": ["S", "H"]}, geometry=[school, hospital],
                     crs=plan.crs).to_file(tmp_path / "areas.gpkg")
    code, out = gm("dedicated", path, "--areas", tmp_path / "areas.gpkg", "--out", tmp_path / "out", "-q",
                   "--lang", lang)
    assert code == 0, out
    if lang == "zh":
        assert_chinese(out)
        assert "  专属网格        1 个（学校 1 个）" in out
        assert "  未划入          1 个区域片：面积小于 `min_area_m2`" in out
        assert "plan written to" not in out and "area piece" not in out
    else:
        assert "plan written to " in out
        assert "  dedicated grids 1  (1 school)\n" in out
        assert "  skipped         1 area piece(s): under min_area_m2\n" in out


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_micro_and_what_the_output_folder_lost(ruggell_staffed, tmp_path, lang):
    """gridmap micro on a staffed plan; a map of an earlier run (the folder held another command's outputs) is
    removed and a staged file of an interrupted run swept: both said in the command's language."""
    path = ruggell_staffed
    out = tmp_path / "out"
    out.mkdir()
    (out / "compare.html").write_text("from an earlier run")
    (out / "manifest.json").write_text('{"files": {"compare.html": {}}}')
    (out / ".plan-k2j3h4g5.gpkg").write_text("half")
    code, text = gm("micro", path, "--out", out, "-q", "--lang", lang)
    assert code == 0, text
    if lang == "zh":
        assert_chinese(text)
        assert "  微网格          " in text and "个（有住户的" in text and "户范围内" in text
        assert "  已删除          compare.html（上次运行的输出，与本计划不符）" in text
        assert re.search(r"^  网格员          \d+ 人，经费 [\d,]+ 元/年$", text, re.M), text
        assert re.search(r"^  覆盖            \d+\.\d% 的住户在响应时间内$", text, re.M), text
        assert "  已清理          1 个中断运行留下的临时文件" in text
        assert "micro-grids" not in text and "removed" not in text
    else:
        assert re.search(r"^  micro-grids     [\d,]+ \([\d,]+ with households; \d+\.\d% of them in 10-30; median \d+ "
                         r"households; \d+ buildings over the band\)$", text, re.M), text
        assert "  removed         compare.html (outputs of an earlier run, stale beside this plan)\n" in text
        assert re.search(r"^  workers         \d+  budget [\d,]+ yuan/year$", text, re.M), text
        assert re.search(r"^  reached         \d+\.\d% of households within the response time$", text, re.M), text
        assert "  swept           1 temporary file(s) left by an interrupted run\n" in text


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_edit(ruggell, tmp_path, lang):
    plan, path = ruggell
    code, out = gm("edit", path, "--out", tmp_path / "editor.html", "--lang", lang)
    assert code == 0, out
    if lang == "zh":
        assert_chinese(out)
        assert re.fullmatch(rf"编辑器已写入 \S+editor\.html（\d+\.\d\d MB，{len(plan.atoms)} 个地块，{len(plan.grids)} "
                            r"个网格，\d+\.\d 秒）\n", out), out
    else:
        assert re.fullmatch(rf"editor written to \S+editor\.html \(\d+\.\d\d MB, {len(plan.atoms)} atoms, "
                            rf"{len(plan.grids)} grids, \d+\.\d s\)\n", out), out


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_compare(ruggell, tmp_path, lang):
    """Plan B: plan A with one grid's code changed (one code added, one retired)."""
    from gridmap.plan import Plan

    plan, path = ruggell
    grids = plan.grids.copy()
    grids.loc[grids.index[0], "code"] = "NEW-001"
    Plan(layers=dict(plan.layers, grids=grids), meta=plan.meta).save(tmp_path / "b.gpkg")
    code, out = gm("compare", path, tmp_path / "b.gpkg", "--out", tmp_path / "c", "--lang", lang)
    assert code == 0, out
    if lang == "zh":
        assert_chinese(out)
        assert "保留原网格的住户               100.0%（" in out and "  新增编码       NEW-001\n" in out
        assert f"  已写入 {tmp_path / 'c' / 'compare.json'}" in out
    else:
        assert "households keeping their grid  100.0% (" in out
        assert "grids matched                  4 (4 identical)" in out
        assert "codes added / retired / moved  1 / 1 / 0" in out and "Polsby-Popper, median" in out
        assert "  codes added    NEW-001\n" in out and f"  wrote {tmp_path / 'c' / 'compare.json'}\n" in out


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_batch_progress_and_summary(tmp_path, monkeypatch, lang):
    """Every event of a batch and its summary, from a batch that runs nothing (the cluster's part, run_batch, is
    replaced: its events as it sends them); a failure's error stays as the failure log records it."""
    import gridmap.batch

    manifest = tmp_path / "m.toml"
    manifest.write_text('[defaults]\nosm = "x.osm.pbf"\n\n[[run]]\nname = "ruggell"\n\n[[run]]\nname = "missing"\n\n'
                        '[[run]]\nname = "kept"\n', encoding="utf-8")
    error = "osm: no such file x.osm.pbf"

    def run_batch(counties, out, *, on_event, lang, **options):
        on_event("skipped", "kept", "outputs complete and up to date")
        on_event("cluster", "", {"address": "tcp://127.0.0.1:4242", "workers": 2})
        on_event("dashboard", "", "http://127.0.0.1:8787/status")
        on_event("queued", "ruggell", "")
        on_event("step", "ruggell", "partition")
        on_event("step", "ruggell", "report maps")
        on_event("step", "ruggell", "tiles")  # a step the vocabulary has no word for: as named
        on_event("done", "ruggell", {"name": "ruggell", "status": "ok", "seconds": 2.5, "grids": 4,
                                     "households": 1438.0})
        on_event("failed", "missing", {"name": "missing", "status": "failed", "error": error})
        rows = [{"name": "ruggell", "status": "ok"}, {"name": "missing", "status": "failed", "error": error},
                {"name": "kept", "status": "skipped"}]
        return gridmap.batch.BatchResult(rows=rows, paths={"province.csv": Path(out) / "province.csv"}, seconds=3.4)

    monkeypatch.setattr(gridmap.batch, "run_batch", run_batch)
    code, out = gm("batch", manifest, "--out", tmp_path / "out", "--lang", lang)
    assert code == 4, out
    if lang == "zh":
        assert_chinese("\n".join(line.replace(error, "") for line in out.splitlines() if "tiles" not in line))
        for line in ("  kept     跳过：输出完整且是最新的", "dask 集群：tcp://127.0.0.1:4242，2 个工作进程",
                     "dask 仪表板：http://127.0.0.1:8787/status", "  ruggell  划分网格……", "  ruggell  绘制报告地图……",
                     "  ruggell  tiles……", "  ruggell  完成，用时 2.5 秒：4 个网格，1,438 户", f"  missing  失败：{error}",
                     "批处理 3 个县，用时 3.4 秒：完成 1 个，跳过 1 个（已是最新），失败 1 个",
                     f"  已写入          {tmp_path / 'out' / 'province.csv'}", f"  ! missing 失败：{error}"):
            assert line + "\n" in out, (line, out)
    else:
        for line in ("  kept     skipped: outputs complete and up to date",
                     "dask cluster: tcp://127.0.0.1:4242, 2 worker(s)", "dask dashboard: http://127.0.0.1:8787/status",
                     "  ruggell  partition ...", "  ruggell  report maps ...", "  ruggell  tiles ...",
                     "  ruggell  done in 2.5 s: 4 grids, 1,438 households", f"  missing  FAILED: {error}",
                     "batch in 3.4 s, counties: 3; 1 done, 1 skipped (up to date), 1 failed",
                     f"  wrote           {tmp_path / 'out' / 'province.csv'}", f"  ! missing: {error}"):
            assert line + "\n" in out, (line, out)


def test_export_table_is_data_and_its_refusal_is_in_the_readers_language(ruggell, tmp_path):
    _, path = ruggell
    code, out = gm("export", path, "--out", tmp_path / "x", "--layer", "grids", "--lang", "zh")
    assert code == 0 and re.fullmatch(r"grids +4  \S+grids\.gpkg\n", out), out  # a layer's name, count, file
    args = ["export", path, "--out", tmp_path / "y", "--layer", "grids", "--layer", "nope"]
    zh = refusal(*gm(*args, "--lang", "zh"))
    assert zh.startswith("--layer：计划中没有图层 nope；计划的图层：area, atoms, grids, households") and CHINESE.search(zh)
    assert refusal(*gm(*args, "--lang", "en")).startswith("--layer: no layer(s) nope; layers: area, atoms, grids")
    assert not (tmp_path / "y").exists()


# --------------------------------------------------------------------------- refusals of options given together


@pytest.mark.parametrize("args, zh, en", [
    (["run", "--osm", "{osm}", "--config", "{x}", "--preset", "wusheng", "--out", "{out}"],
     "--config 和 --preset 只能给出其一（见 gridmap run --help）",
     "give --config or --preset, not both (see gridmap run --help)"),
    (["report", "{x}", "--out", "{out}", "--markdown", "--pdf"],
     "--markdown 和 --pdf 只能给出其一（见 gridmap report --help）",
     "give --markdown or --pdf, not both (see gridmap report --help)"),
    (["batch", "{x}", "--out", "{out}", "--workers", "2", "--scheduler", "tcp://127.0.0.1:8786"],
     "--workers 和 --scheduler 只能给出其一（见 gridmap batch --help）",
     "give --workers or --scheduler, not both (see gridmap batch --help)"),
    (["adjust", "{x}", "--out", "{out}"],
     "请给出 --households、--buildings 或 --households-totals（见 gridmap adjust --help）",
     "give --households, --buildings or --households-totals (see gridmap adjust --help)"),
    (["update", "{x}", "--out", "{out}"],
     "请给出 --atoms EDITS 或 --grids POLYGONS（二者只能给出其一；见 gridmap update --help）",
     "give --atoms EDITS or --grids POLYGONS (one of them) (see gridmap update --help)"),
    (["dedicated", "{x}", "--osm", "{osm}", "--areas", "{x}", "--out", "{out}"],
     "请给出 --osm EXTRACT 或 --areas POLYGONS（二者只能给出其一；见 gridmap dedicated --help）",
     "give --osm EXTRACT or --areas POLYGONS (one of them) (see gridmap dedicated --help)"),
])
def test_options_given_together_are_refused_in_the_readers_language(tmp_path, args, zh, en):
    """Exit 2, one line, nothing written; the words in --lang (Chinese by default: the locale C)."""
    fill = {"osm": LIECHTENSTEIN, "x": tmp_path / "x.gpkg", "out": tmp_path / "out"}
    args = [a.format(**fill) for a in args]
    assert refusal(*gm(*args, "--lang", "zh")) == zh
    assert refusal(*gm(*args)) == zh
    assert refusal(*gm(*args, "--lang", "en")) == en
    assert not (tmp_path / "out").exists()


# --------------------------------------------------------------------------- failures of the system and of gridmap


def test_os_error_in_the_readers_language(tmp_path):
    args = ["run", "--osm", tmp_path / "nowhere.osm.pbf", "--out", tmp_path / "o"]
    assert refusal(*gm(*args, "--lang", "zh")) == f"{tmp_path / 'nowhere.osm.pbf'}：文件或文件夹不存在：请检查路径"
    assert refusal(*gm(*args, "--lang", "en")) == (f"{tmp_path / 'nowhere.osm.pbf'}: no such file or directory: "
                                                   "check the path")


def test_os_error_messages_for_every_errno():
    import errno

    from gridmap.cli.main import _OS_FIXES, os_error_message

    for number in _OS_FIXES:
        zh = os_error_message(OSError(number, "os words", "/data/a.gpkg"), "zh")
        assert zh.startswith("/data/a.gpkg：") and CHINESE.search(zh) and "os words" not in zh
        assert os_error_message(OSError(number, "os words", "/data/a.gpkg"), "en").startswith("/data/a.gpkg: ")
    # an errno the vocabulary has no words for: the system's own
    assert os_error_message(OSError(errno.EIO, "Input/output error", "a.gpkg"), "zh") == "a.gpkg：Input/output error"
    assert os_error_message(OSError(errno.ENOSPC, "No space left"), "en") == (
        "the disk is full: free space or choose another --out")


@pytest.mark.parametrize("raised, zh, en", [
    (ZeroDivisionError("division by zero"),
     "gridmap: internal error（ZeroDivisionError：division by zero）；这是 gridmap 的程序缺陷：请连同命令行一起报告到 gridmap "
     "的问题跟踪页面（设置 `GRIDMAP_DEBUG=1` 可显示调用栈）",
     "gridmap: internal error (ZeroDivisionError: division by zero); this is a bug in gridmap: please report it to the "
     "gridmap issue tracker with the command line (GRIDMAP_DEBUG=1 shows the traceback)"),
    (MemoryError(), "gridmap: error: 内存不足：请规划较小的区域（如一个乡镇），或使用内存更大的机器",
     "gridmap: error: out of memory: plan a smaller area (e.g. one township) or use a machine with more memory"),
])
def test_a_bug_and_running_out_of_memory_in_the_readers_language(ruggell, monkeypatch, raised, zh, en):
    """``gridmap: internal error`` and ``gridmap: error: `` as scripts know them; the words after them in --lang."""
    import gridmap.compare

    _, path = ruggell

    def broken(*args, **kwargs):
        raise raised

    monkeypatch.delenv("GRIDMAP_DEBUG", raising=False)
    monkeypatch.setattr(gridmap.compare, "compare_plans", broken)
    for lang, line in (("zh", zh), ("en", en)):
        code, out = gm("compare", path, path, "--lang", lang)
        assert code == (1 if isinstance(raised, ZeroDivisionError) else 2), out
        assert out.strip().splitlines() == [line]


def test_every_reason_an_area_is_skipped_for_has_its_words():
    """The reasons gridmap.dedicated counts skipped area pieces by are the ones the command words (in English,
    as dedicated.json records them)."""
    import ast

    import gridmap.dedicated
    from gridmap import i18n
    from gridmap.cli.dedicated_cmd import SKIP_REASONS

    reasons = set()
    for node in ast.walk(ast.parse(Path(gridmap.dedicated.__file__).read_text(encoding="utf-8"))):
        if isinstance(node, ast.Subscript) and getattr(node.value, "id", None) == "skipped" \
                and isinstance(node.slice, ast.Constant):
            reasons.add(node.slice.value)
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "skipped" for t in node.targets) \
                and isinstance(node.value, ast.Dict):
            reasons |= {key.value for key in node.value.keys}
    assert reasons == set(SKIP_REASONS)
    for reason, key in SKIP_REASONS.items():
        assert i18n.text(key, "en") == reason and CHINESE.search(i18n.text(key, "zh"))


@pytest.mark.slow
def test_a_real_batch_says_its_progress_in_chinese(tmp_path):
    """A real batch (a local cluster of one worker): Ruggell done, a county without its extract failed; every
    line Chinese but the failure's error, as the failure log records it (about 20 s)."""
    manifest = tmp_path / "m.toml"
    manifest.write_text(f'[defaults]\nband = [300, 500]\nseed = 0\nurban = "all"\npdf = false\n\n'
                        f'[[run]]\nname = "ruggell"\nosm = "{LIECHTENSTEIN}"\narea-name = "Ruggell"\nunits-level = 8\n\n'
                        f'[[run]]\nname = "missing"\nosm = "no-such.osm.pbf"\narea-name = "Nowhere"\n',
                        encoding="utf-8")
    code, out = gm("batch", manifest, "--out", tmp_path / "out", "--workers", "1", "--lang", "zh")
    assert code == 4, out
    error = pd.read_csv(tmp_path / "out" / "failures.csv")["error"].iloc[0]
    assert_chinese(out.replace(error, ""))
    assert "批处理 2 个县" in out and "完成 1 个，跳过 0 个（已是最新），失败 1 个" in out
    assert f"  ! missing 失败：{error}" in out and "dask 集群：tcp://127.0.0.1:" in out


@pytest.mark.parametrize("lang, words", [("zh", ["划分网格", "测算覆盖", "打印 PDF"]), ("en", ["partition", "reach", "pdf"])])
def test_progress_names_its_steps_in_the_commands_language(monkeypatch, capsys, lang, words):
    """The steps' names under -v (and on the bars of a terminal) are the vocabulary's ``step.*``."""
    from gridmap.cli import options

    monkeypatch.setitem(options.VERBOSITY, "level", 1)
    progress = options.Progress(lang=lang)
    progress.tty = False
    for step in ("partition", "reach", "pdf"):
        progress(step, 0, 2)
        progress(step, 2, 2)
    progress.close()
    lines = capsys.readouterr().err.splitlines()
    assert [line.split()[0] for line in lines] == [w.split()[0] for w in words]
    # the names take 14 terminal columns (a Chinese character two), so the times line up
    import unicodedata

    def columns(text):
        return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)

    assert len({columns(line) for line in lines}) == 1, lines


@pytest.mark.parametrize("args, zh, en", [
    (["partition", "--foo"], "没有选项 '--foo'", "No such option '--foo'"),
    (["partition", "--band", "a", "b"], "'--band' 的值无效：'a' 不是有效的数", "Invalid value for '--band': 'a' is not a valid float"),
    (["partition", "--urban", "bogus"], "'bogus' 不是 'density', 'all', 'none' 之一", "'bogus' is not one of"),
    (["validate"], "缺少参数 'PLAN_OR_LAYER'", "Missing argument 'PLAN_OR_LAYER'"),
    (["partiton"], "没有命令 'partiton'。 是否想用 'partition'？", "No such command 'partiton'. Did you mean 'partition'?"),
])
def test_clicks_own_usage_errors_are_in_the_commands_language(args, zh, en):
    """click words its usage errors itself; they come through gridmap.i18n.CLICK_ZH in Chinese, on one line,
    exit 2, as every refusal; in English as click words them. A zh command run before an en one in the
    same process leaves click's words as they were."""
    code, out = gm(*args, "--lang", "zh")
    assert code == 2 and out.startswith("gridmap: error: ") and zh in out and len(out.strip().splitlines()) == 1
    code, out = gm(*args, "--lang", "en")
    assert code == 2 and en in out and not CHINESE.search(out)
    if args[0] == "partition":
        assert out.rstrip().endswith("(see gridmap partition --help)")


def test_clicks_own_words_stay_english_for_other_programs():
    import click

    from gridmap.cli._click_words import install

    @click.command()
    @click.option("--n", type=int)
    def other(n):
        click.echo(n)

    install()
    result = CliRunner().invoke(other, ["--n", "x"], env={"GRIDMAP_LANG": "zh"})
    assert result.exit_code == 2 and "'x' is not a valid integer" in result.output
