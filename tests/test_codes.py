"""Grid codes: the NBS code table, code checks and the four levels of a code."""
import numpy as np
import pytest

from gridmap.codes import check_code, code_levels, grid_code, is_nbs_code, load_code_table, serial_order
from gridmap.errors import InputError
from tests.conftest import DATA


@pytest.fixture(scope="module")
def table():
    return load_code_table(DATA / "china")


def test_code_table_holds_the_five_counties_and_links_every_level(table):
    counts = table["level"].value_counts().to_dict()
    assert counts == {1: 5, 2: 100, 3: 1193}
    assert set(table.loc[table["level"] == 1, "name"]) == {"武胜县", "荥经县", "蓬溪县", "大方县", "鄂托克前旗"}
    codes = set(table["code"])
    below = table[table["level"] > 1]
    assert below["parent_code"].isin(codes).all()  # every township in a county, every village in a township
    assert (table["code12"].str.len() == 12).all()
    assert table.loc[table["code"] == "511822", "code12"].item() == "511822000000"
    village = table[table["code"] == "511822001001"].iloc[0]
    assert village["level"] == 3 and village["parent_code"] == "511822001" and "社区" in village["name"]


def test_code_table_missing_file_is_input_error(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        load_code_table(tmp_path)


@pytest.mark.parametrize("code, unit, reason", [
    ("511822001001001", None, None),
    ("511822001001001", "511822001001", None),
    ("osm1155945-003", "osm1155945", None),
    ("14-010", "14", None),
    ("51182200100100", None, "14 digits"),
    ("511822001001000", None, "serial 000"),
    ("991822001001001", None, "no province code"),
    ("511822001000001", None, "village digits"),
    ("511822000001001", None, "township digits"),
    ("511822001001001", "511822001002", "not those of its unit"),
    ("511822001001-001", "511822001001", "expected 511822001001NNN"),
    ("osm1-001", "osm2", "expected osm2-NNN"),
    ("osm1-1", None, "neither"),
    ("", None, "no code"),
    (None, None, "no code"),
])
def test_check_code(code, unit, reason):
    result = check_code(code, unit)
    if reason is None:
        assert result is None
    else:
        assert result is not None and reason in result


def test_code_levels_of_a_grid_code_with_names(table):
    levels = code_levels("511822001001007", table)
    assert levels["county"] == "511822" and levels["township"] == "511822001"
    assert levels["village"] == "511822001001" and levels["grid"] == "511822001001007"
    assert levels["county_name"] == "荥经县" and levels["township_name"] == "严道街道"
    assert levels["village_name"] == "城东社区居委会"


def test_code_levels_of_division_codes_and_local_codes():
    assert code_levels("511822001000") == {"county": "511822", "township": "511822001", "village": None,
                                           "grid": None}
    assert code_levels("511822000000")["township"] is None
    local = code_levels("osm1155945-003")
    assert local["village"] == "osm1155945" and local["grid"] == "osm1155945-003" and local["county"] is None


def test_existing_functions_keep_their_behaviour():
    assert grid_code("511822001001", 7) == "511822001001007"
    assert grid_code("osm1", 12) == "osm1-012"
    assert is_nbs_code("511822001001") and not is_nbs_code("51182200100")
    # rows of 100 m from the north, then west to east
    rank = serial_order(np.array([0, 50, 10, 60]), np.array([200, 210, 50, 40]), 100)
    assert rank.tolist() == [0, 1, 2, 3]
    for code in ("511822001001007", "osm1-012"):
        assert check_code(code) is None


def test_match_unit_codes_by_name_forms_and_township(table):
    from gridmap.codes import match_unit_codes

    got = match_unit_codes(["城东社区", "城东社区居委会", "青仁村", "无此村"], table, county="511822")
    assert got["code"].tolist()[:3] == ["511822001001", "511822001001", "511822001200"]
    assert got["match"].tolist() == ["ok", "ok", "ok", "none"]
    assert got.loc[0, "township_name"] == "严道街道"
    # 城南社区 is in four counties: ambiguous without a county, found with one
    anywhere = match_unit_codes(["城南社区"], table)
    assert anywhere.loc[0, "match"].startswith("ambiguous") and anywhere.loc[0, "code"] is None
    assert match_unit_codes(["城南社区"], table, county="511822").loc[0, "code"] == "511822001004"
    # a township name tells apart villages of one name in one table
    by_parent = match_unit_codes(["城南社区"], table, parents=["严道街道"])
    assert by_parent.loc[0, "code"] == "511822001004"


@pytest.mark.parametrize("code, unit", [
    ("51182200100100", None), ("511822001001000", None), ("991822001001001", None), ("511822001000001", None),
    ("511822000001001", None), ("511822001001001", "511822001002"), ("511822001001-001", "511822001001"),
    ("osm1-001", "osm2"), ("osm1-1", None), ("", None),
])
def test_every_code_problem_reads_in_chinese_and_english(code, unit):
    from gridmap.codes import code_problem

    reason, params = code_problem(code, unit)
    zh, en = check_code(code, unit, lang="zh"), check_code(code, unit)
    assert zh and en and zh != en
    # the Chinese text is Chinese, and carries the same numbers
    assert any("\u4e00" <= ch <= "\u9fff" for ch in zh)
    for value in params.values():
        assert str(value) in zh and str(value) in en
