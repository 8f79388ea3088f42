"""Spreadsheet tables: one row per grid, roster and budget in either language; CSV with BOM, XLSX;
formula-like text escaped."""
from __future__ import annotations

import re

import pandas as pd
import pytest

import gridmap
from gridmap import tables
from gridmap.plan import Plan


@pytest.fixture(scope="module")
def staffed(li_plan):
    return gridmap.staff_and_reach(li_plan)


def test_grid_table_one_row_per_grid_in_both_languages(staffed):
    zh, en = tables.grid_table(staffed, "zh"), tables.grid_table(staffed, "en")
    assert len(zh) == len(en) == len(staffed.grids)
    assert "网格编码" in zh.columns and "户数" in zh.columns and "Households" in en.columns
    assert zh["户数"].sum() == pytest.approx(staffed.grids["households"].sum(), abs=1)
    # the demo's units are its municipalities: they are the townships, and there is no village column
    assert zh["乡镇（街道）"].nunique() == 11 and "村（社区）" not in zh.columns
    words = " ".join(str(v) for v in zh.select_dtypes(include=["object", "string"]).to_numpy().ravel())
    for key in ("urban", "island", "under_band", "True", "False", "households"):
        assert key not in words, key


def test_budget_has_a_row_per_township_and_names_them_as_the_report_does(staffed):
    budget = tables.budget_table(staffed, "zh")
    assert len(budget) == 12 and budget["层级"].tolist().count("乡镇") == 11
    assert not any(re.search(r"[a-z]_", str(c)) for c in budget.columns)


def test_formulas_are_escaped(staffed, tmp_path):
    grids = staffed.grids.copy()
    grids.loc[grids.index[0], "grid_id"] = "=HYPERLINK(\"http://x\")"
    plan = Plan(layers=dict(staffed.layers, grids=grids), meta=staffed.meta)
    path = tables.write_csv(tables.grid_table(plan, "zh"), tmp_path / "grids.csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    frame = pd.read_csv(path, encoding="utf-8-sig")
    assert frame["网格 ID"].iloc[0].startswith("'=")
    assert tables.escape_formula("-3") == "'-3" and tables.escape_formula(-3) == -3
    book = tables.write_xlsx({"网格": tables.grid_table(plan, "zh")}, tmp_path / "grids.xlsx")
    from openpyxl import load_workbook

    sheet = load_workbook(book)["网格"]
    assert sheet["B2"].value.startswith("'=") and sheet["A1"].value == "网格编码"
    assert sheet.max_row == len(grids) + 1


def test_roster_names_the_township_as_the_budget_does(staffed):
    roster = tables.roster_table(staffed, "zh")
    budget = tables.budget_table(staffed, "zh")
    assert set(roster["乡镇（街道）"]) <= set(budget["乡镇（街道）"])
    assert "Liechtenstein" not in set(roster["乡镇（街道）"])   # the country is the county, not a township
    assert set(roster["网格员类型"]) == {"专职网格员"}


def test_xlsx_cells_read_back_as_written_and_the_file_is_the_same_each_time(tmp_path):
    """write_xlsx (XlsxWriter) writes what openpyxl (and Excel) read back: text, numbers (452.0 as 452, as openpyxl
    wrote it), booleans; empty text, None, NaN and infinity as empty cells; characters XML cannot hold
    dropped; the header bold and frozen; column widths; no clock inside (same tables, same bytes)."""
    import math

    import pandas as pd
    from openpyxl import load_workbook

    frame = pd.DataFrame({"名称": ["甲 <&> 村", "", None, " lead\x01ing "], "户数": [452.0, 0.161, math.nan, math.inf],
                          "n": [1, 2, 3, -4], "ok": [True, False, True, False]})
    first = tables.write_xlsx({"网格": frame, "b": frame.head(1)}, tmp_path / "a.xlsx")
    second = tables.write_xlsx({"网格": frame, "b": frame.head(1)}, tmp_path / "b.xlsx")
    assert first.read_bytes() == second.read_bytes()
    book = load_workbook(first)
    assert book.sheetnames == ["网格", "b"]
    sheet = book["网格"]
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [
        ["名称", "户数", "n", "ok"], ["甲 <&> 村", 452, 1, True], [None, 0.161, 2, False], [None, None, 3, True],
        [" leading ", None, -4, False]]
    assert isinstance(sheet["B2"].value, int) and sheet.freeze_panes == "A2"
    assert all(c.font.b for c in sheet[1]) and not any(c.font.b for c in sheet[2])
    # widths in characters (Excel stores 12 characters as 12.71: its padding of the digit width)
    assert int(sheet.column_dimensions["A"].width) == 12 and int(sheet.column_dimensions["C"].width) == 6
    pd.testing.assert_frame_equal(pd.read_excel(first, sheet_name="b"), frame.head(1), check_dtype=False)
