"""Seconds spent per step, for the timings a plan records in its metadata."""
from __future__ import annotations

import time


class Laps:
    """``laps.lap("atoms")`` records the seconds since the previous lap under that name."""

    def __init__(self):
        self.seconds: dict[str, float] = {}
        self._clock = time.perf_counter()

    def lap(self, name: str) -> float:
        now = time.perf_counter()
        self.seconds[name] = round(now - self._clock, 3)
        self._clock = now
        return self.seconds[name]
