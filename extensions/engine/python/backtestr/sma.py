"""Exact simple moving average, the twin of the TypeScript SDK's SmaCalculation."""

import math
from collections import deque
from typing import Optional

SCALE = 100_000_000


def js_round(x: float) -> int:
    """JavaScript's Math.round: the nearest integer, halves towards +infinity (Python's round() rounds halves to even)."""
    r = math.floor(x)
    return int(r) + 1 if x - r >= 0.5 else int(r)


class SmaCalculation:
    """
    Simple moving average over the last `period` values, O(1) per update.

    The running sum is an exact integer count of 1e-8 units (prices are decimal numbers on a
    tick grid), so two equal windows always give equal sums: compare `exact_sum`s (scaled by
    the other period) to detect ties, exactly as the TypeScript `SmaCalculation` does.
    """

    __slots__ = ('period', '_window', '_sum')

    SCALE = SCALE

    def __init__(self, period: int):
        if not isinstance(period, int) or isinstance(period, bool) or period < 1:
            raise ValueError(f'SMA period must be a positive integer, got {period}.')
        self.period = period
        self._window: deque = deque()
        self._sum = 0

    def update(self, value: float) -> Optional[float]:
        """Adds a value; returns the average, or None while warming up."""
        if not isinstance(value, (int, float)) or not math.isfinite(value):
            raise ValueError(f'SMA input must be a finite number, got {value}.')
        scaled = js_round(value * SCALE)
        window = self._window
        window.append(scaled)
        self._sum += scaled
        if len(window) > self.period:
            self._sum -= window.popleft()
        if len(window) < self.period:
            return None
        return float(self._sum) / SCALE / self.period

    @property
    def exact_sum(self) -> int:
        """Exact sum of the window in 1e-8 units."""
        return self._sum
