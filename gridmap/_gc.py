"""Python's cyclic garbage collector, run less often while gridmap works.

The imports alone (geopandas, pandas, scipy, folium) leave some 100,000 objects that every
full collection walks again, with the plan's own, also in each forked worker (which then
copies the pages it touches). Almost all of gridmap's garbage is freed by reference
counting, not by these collections. On the demo run, 0.37 s of collections in the main
process (5 full ones) and 0.09 s in each worker became 0.07 s and 0.01-0.03 s with
:data:`THRESHOLDS` (measured with ``gc.callbacks``).
"""
from __future__ import annotations

import gc
from contextlib import contextmanager

#: A collection of the youngest objects every 50,000 allocations (Python's default: 700), and
#: hardly ever a full one (see :func:`gc.set_threshold`).
THRESHOLDS = (50_000, 20, 100)


@contextmanager
def fewer_collections():
    """Collect with :data:`THRESHOLDS` inside the block (and in the processes forked in it); the
    caller's thresholds are restored after it."""
    before = gc.get_threshold()
    gc.set_threshold(*THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*before)
