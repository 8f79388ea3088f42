"""The road network make_plan builds is handed to staff_and_reach explicitly (no module-level cache)."""
from __future__ import annotations

import json

import pytest

import gridmap
from gridmap import pipeline


@pytest.fixture(scope="module")
def made(li_inputs):
    config = gridmap.PlanConfig(band=(300, 500), seed=0, urban=gridmap.UrbanRule(mode="all"))
    return pipeline.plan_with_network(li_inputs, config)


def _figures(plan) -> str:
    meta = {k: plan.meta[k] for k in ("staffing", "reach") if k in plan.meta}
    for value in meta.values():
        if isinstance(value, dict):
            value.pop("timings_s", None)
    layers = {k: plan.layers[k].drop(columns="geometry", errors="ignore").to_json() for k in
              ("workers", "bases") if k in plan.layers}
    return json.dumps([meta, layers], sort_keys=True, default=str)


def _count_builds(monkeypatch) -> list:
    from gridmap import roads

    calls = []
    build = roads.build_network

    def counted(*args, **kwargs):
        calls.append(args)
        return build(*args, **kwargs)

    monkeypatch.setattr(roads, "build_network", counted)
    return calls


def test_plan_with_network_is_make_plans_plan_and_its_roads_network(made, li_plan):
    assert not hasattr(pipeline, "_LAST_NETWORK")
    assert made.plan.layers["atoms"]["grid_id"].tolist() == li_plan.layers["atoms"]["grid_id"].tolist()
    assert made.network is not None
    assert made.network.roads is made.plan.layers["roads"]
    assert made.network.rules == gridmap.ReachConfig()


def test_handed_network_is_used_and_gives_the_same_figures(made, monkeypatch):
    built_here = pipeline.staff_and_reach(made.plan)
    calls = _count_builds(monkeypatch)
    handed = pipeline.staff_and_reach(made.plan, network=made.network)
    assert calls == []  # not built again
    assert _figures(handed) == _figures(built_here)


def test_network_of_another_frame_or_rules_is_not_used(made, monkeypatch):
    calls = _count_builds(monkeypatch)
    # a copy of the roads (as an edited layer would be) gets its own network
    plan = gridmap.Plan(layers={**made.plan.layers, "roads": made.plan.layers["roads"].copy()}, meta=made.plan.meta)
    pipeline.staff_and_reach(plan, network=made.network)
    assert len(calls) == 1 and calls[0][0] is plan.layers["roads"]
    # other travel rules: built under those rules
    pipeline.staff_and_reach(made.plan, reach=gridmap.ReachConfig(mode="ebike"), network=made.network)
    assert len(calls) == 2 and calls[1][1].mode == "ebike"
    # and without a network handed over, staff_and_reach builds one (nothing is kept between calls)
    pipeline.staff_and_reach(made.plan)
    pipeline.staff_and_reach(made.plan)
    assert len(calls) == 4
