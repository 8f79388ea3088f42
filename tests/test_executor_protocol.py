"""gridmap's steps take any executor with a ``map`` (gridmap batch hands them the cluster's, see
``batch._ClusterMap``): a map like dask's, which refuses iterators and generators and has no
``submit``, gives the same plan as no executor. (A generator given to dask's map broke
``gridmap batch`` for split counties once; only the slow batch test caught it.)"""
from __future__ import annotations

import collections.abc
import types

import shapely

RULES = {"urban_mode": "all", "band": (300.0, 500.0), "seed": 0, "pdf": False}


class ListOnlyMap:
    """``map`` over sized collections only, in this process (like dask's Client.map, which raises
    TypeError on iterators); no ``submit``."""

    def __init__(self):
        self.calls = 0

    def map(self, fn, *iterables):
        for it in iterables:
            if isinstance(it, (collections.abc.Iterator, types.GeneratorType)) \
                    or not isinstance(it, collections.abc.Sized):
                raise TypeError(f"map takes lists, not {type(it).__name__}")
        self.calls += 1
        return iter([fn(*args) for args in zip(*iterables)])


def test_a_list_only_map_gives_the_same_run(li_inputs, tmp_path):
    from gridmap.runner import run_county

    alone = run_county(tmp_path / "alone", inputs=li_inputs, jobs=1, lang="en", **RULES)
    cluster = ListOnlyMap()
    mapped = run_county(tmp_path / "mapped", inputs=li_inputs, executor=cluster, lang="en", **RULES)
    assert cluster.calls >= 3  # the units' atoms and partitions, the bases, the service areas
    for name in ("grids", "bases", "workers"):
        a, b = alone.plan.layers[name], mapped.plan.layers[name]
        assert list(a.columns) == list(b.columns) and len(a) == len(b)
        assert shapely.equals_exact(a.geometry.to_numpy(), b.geometry.to_numpy(), 0).all()
    a, b = alone.plan.layers["service_areas"], mapped.plan.layers["service_areas"]
    assert shapely.equals_exact(a.geometry.to_numpy(), b.geometry.to_numpy(), 0).all()
    assert (tmp_path / "alone" / "grids.csv").read_bytes() == (tmp_path / "mapped" / "grids.csv").read_bytes()
