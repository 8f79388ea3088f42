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


class RecordingMap(ListOnlyMap):
    """A list-only map that records the order it was handed the tasks in."""

    def __init__(self):
        super().__init__()
        self.order = []

    def map(self, fn, *iterables):
        self.order.extend(iterables[0])
        return super().map(fn, *iterables)


def test_tasks_go_out_largest_first_and_come_back_in_their_order():
    from gridmap._tasks import run_tasks

    tasks = [3, 1, 4, 1, 5, 9, 2, 6]
    sizes = [30, 10, 40, 10, 50, 90, 20, 60]
    recording = RecordingMap()
    out = run_tasks(lambda x: x * x, tasks, executor=recording, sizes=sizes)
    assert list(out) == [x * x for x in tasks]
    assert recording.order == [9, 6, 5, 4, 3, 2, 1, 1]  # largest first, ties in the tasks' order
    # no sizes: the tasks' order; no executor: here, lazily, as map does
    recording = RecordingMap()
    assert list(run_tasks(str, tasks, executor=recording)) == [str(x) for x in tasks]
    assert recording.order == tasks
    ran = []
    lazy = run_tasks(ran.append, tasks, sizes=sizes)
    assert ran == [] and next(lazy) is None and ran == [3]
    try:
        run_tasks(str, tasks, executor=RecordingMap(), sizes=sizes[:-1])
    except ValueError as exc:
        assert "7 sizes for 8 tasks" in str(exc)
    else:
        raise AssertionError("sizes of another length were taken")


def test_results_are_yielded_as_soon_as_they_and_the_earlier_ones_are_in():
    from gridmap._tasks import _in_order

    arrived = []

    def results():  # the results of tasks 2, 0, 1 (the order they were sent in), one at a time
        for value in ("two", "zero", "one"):
            arrived.append(value)
            yield value

    ordered = _in_order(results(), [2, 0, 1])
    assert next(ordered) == "zero" and arrived == ["two", "zero"]
    assert next(ordered) == "one" and arrived == ["two", "zero", "one"]
    assert next(ordered) == "two"
