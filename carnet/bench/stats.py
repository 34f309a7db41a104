"""Small, dependency-free statistics for the figures."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence


def median(values: Sequence[float]) -> float:
    if not values:
        return math.nan
    return float(statistics.median(values))


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile (`fraction` in 0..1) of the values; NaN when there are none."""
    if not values:
        return math.nan
    if not 0 <= fraction <= 1:
        raise ValueError("fraction must be between 0 and 1")
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return float(ordered[rank - 1])


def spread(values: Sequence[float]) -> tuple[float, float]:
    """(min, max) of the runs, shown beside a median so that a noisy figure says so."""
    if not values:
        return (math.nan, math.nan)
    return (float(min(values)), float(max(values)))
