"""Pure tasks run here or on an executor, the largest sent first.

:func:`run_tasks` is how the pipeline hands its per-unit work (cutting a unit into atoms,
partitioning a unit) to a :class:`concurrent.futures.Executor`: the tasks go out in
decreasing order of an estimate of their size (longest processing time first), so the last
task a worker starts is a small one and the workers finish close together; the results
come back in the tasks' own order, as from :func:`map`. A task is a pure function of its
arguments, so the order the workers take them in changes no result.
"""
from __future__ import annotations

from typing import Callable, Iterable, Iterator, Sequence

import numpy as np


def run_tasks(fn: Callable, tasks: Iterable, *, executor=None, sizes: Sequence[float] | None = None) -> Iterator:
    """``fn`` over ``tasks``, results in the tasks' order (an iterator).

    Without an executor the tasks run here, one by one as the results are taken. With one,
    every task is submitted at once (``executor.map``), the largest ``sizes`` first (ties in
    the tasks' order); without ``sizes``, in the tasks' order.
    """
    tasks = list(tasks)
    if executor is None:
        return map(fn, tasks)
    if sizes is None or len(tasks) < 2:
        return executor.map(fn, tasks)
    if len(sizes) != len(tasks):
        raise ValueError(f"run_tasks: {len(sizes)} sizes for {len(tasks)} tasks")
    order = np.argsort(-np.asarray(sizes, dtype=float), kind="stable")
    # a cluster's map (gridmap batch) takes lists, not iterators
    return _in_order(executor.map(fn, [tasks[i] for i in order]), order.tolist())


def _in_order(results: Iterable, order: list[int]) -> Iterator:
    """``results`` (of the tasks ``order[0], order[1], ...``) yielded in task order 0, 1, ...,
    each as soon as it and every earlier one are in."""
    arrived: dict[int, object] = {}
    incoming = iter(results)
    taken = 0
    for task in range(len(order)):
        while task not in arrived:
            arrived[order[taken]] = next(incoming)
            taken += 1
        yield arrived.pop(task)
