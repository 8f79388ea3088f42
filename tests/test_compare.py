"""gridmap compare: grids matched by overlap, households that changed grid, codes added/retired/moved."""
from __future__ import annotations

import pandas as pd
import pytest
from click.testing import CliRunner

from gridmap.compare import compare_map, compare_plans
from gridmap.edits import Edits
from gridmap.update import update_plan


def test_a_plan_compared_with_itself(li_plan):
    c = compare_plans(li_plan, li_plan)
    assert c.households_changed == 0 and c.households_kept_share == 1.0
    assert not (c.codes_added or c.codes_retired or c.codes_moved or c.unmatched_a or c.unmatched_b)
    assert len(c.pairs) == len(li_plan.grids) and (c.pairs["iou"] > 0.999).all()
    assert c.figures["a"] == c.figures["b"]


def test_an_edit_shows_as_moved_codes_and_changed_households(li_plan):
    from tests.test_update import _border_move

    atom, source, target, households = _border_move(li_plan)
    after = update_plan(li_plan, Edits(pd.DataFrame({"atom_id": [atom], "grid_id": [target]})), restaff=False).plan
    c = compare_plans(li_plan, after)
    assert sorted(c.codes_moved) == sorted([source, target]) and not c.codes_added and not c.codes_retired
    assert c.households_changed == pytest.approx(households)
    html = compare_map(li_plan, after, c, lang="en").get_root().render()
    assert "Grids of the earlier plan" in html and "Households whose grid changed" in html
    assert "<script src=" not in html


def test_cli_compare(li_plan, tmp_path):
    from gridmap.cli.main import cli

    li_plan.save(tmp_path / "a.gpkg")
    run = CliRunner().invoke(cli, ["compare", str(tmp_path / "a.gpkg"), str(tmp_path / "a.gpkg"), "--out",
                                   str(tmp_path / "c"), "--lang", "en"])
    assert run.exit_code == 0, run.output
    assert "households keeping their grid  100.0%" in run.output
    assert {p.name for p in (tmp_path / "c").iterdir()} >= {"compare.json", "compare.html", "compare_pairs.csv"}
