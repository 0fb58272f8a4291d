"""Small statistics with one definition each, so every report (and the README) agrees."""

from __future__ import annotations

import math
from collections.abc import Sequence


def nearest_rank(values: Sequence[float], share: float) -> float | None:
    """The ``share`` quantile by nearest rank: the smallest value with at least that share of
    the values at or below it (so the median of an even count is the lower middle one)."""
    if not values:
        return None
    return sorted(values)[rank_index(share, len(values))]


def rank_index(share: float, count: int) -> int:
    """Where the ``share`` quantile by nearest rank sits among ``count`` sorted values (0-based;
    ``count`` > 0)."""
    return max(math.ceil(share * count), 1) - 1


def median(values: Sequence[float]) -> float | None:
    return nearest_rank(values, 0.5)


def p90(values: Sequence[float]) -> float | None:
    return nearest_rank(values, 0.9)


def share(part: int, whole: int) -> float | None:
    """``part / whole`` as a percentage rounded to 0.1; None when there is nothing to divide."""
    return round(100.0 * part / whole, 1) if whole else None


def mean_of(total: float, count: int) -> float | None:
    """The mean of ``count`` values that add up to ``total``, rounded to 0.01; None for none."""
    return round(total / count, 2) if count else None


def whole_seconds(value: float | None) -> int | None:
    return None if value is None else round(value)
