"""Class statistics of a set of marks or averages: count, mean, median, minimum, maximum and a
distribution by bands of /20. Mean and median are rounded at 2 decimals (half-up); the median of an
even count is the mean of the two middle values."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from decimal import Decimal

from carnet.grades.engine.numbers import TWENTY, ZERO, round2
from carnet.grades.engine.types import Stats

#: [low, high) on /20, the last band closed: [16, 20].
BANDS: tuple[tuple[Decimal, Decimal, str], ...] = tuple(
    (Decimal(low), Decimal(high), f"{low}–{high}")
    for low, high in ((0, 5), (5, 8), (8, 10), (10, 12), (12, 14), (14, 16), (16, 20))
)


#: The bands follow one another (each one's high is the next one's low), so a value's band is the
#: last whose low is <= the value; below 0 the first band, from 20 the last.
_LOWS = tuple(low for low, _high, _label in BANDS)
_LABELS = tuple(label for _low, _high, label in BANDS)
assert all(BANDS[n][1] == BANDS[n + 1][0] for n in range(len(BANDS) - 1))  # noqa: S101 (a module constant's shape)


def band_label(value_on_twenty: Decimal) -> str:
    return _LABELS[max(bisect_right(_LOWS, value_on_twenty) - 1, 0)]


def statistics(values: Iterable[Decimal | None], scale: Decimal = TWENTY) -> Stats:
    """Statistics of the values (None ignored), which are on `scale`; the distribution places each
    value by its /20 equivalent."""
    numbers = sorted(Decimal(v) for v in values if v is not None)
    scale = Decimal(scale)
    counts = {label: 0 for _low, _high, label in BANDS}
    on_twenty = scale == TWENTY  # then number × 20 / 20 is the number itself
    for number in numbers:
        counts[band_label(number if on_twenty else number * TWENTY / scale)] += 1
    distribution = tuple((label, counts[label]) for _low, _high, label in BANDS)
    if not numbers:
        return Stats(count=0, mean=None, median=None, minimum=None, maximum=None, distribution=distribution, scale=scale)
    count = len(numbers)
    middle = count // 2
    median = numbers[middle] if count % 2 else (numbers[middle - 1] + numbers[middle]) / 2
    return Stats(
        count=count,
        mean=round2(sum(numbers, ZERO) / count),
        median=round2(median),
        minimum=numbers[0],
        maximum=numbers[-1],
        distribution=distribution,
        scale=scale,
    )
