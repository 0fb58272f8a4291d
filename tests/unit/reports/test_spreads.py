"""The numpy selection of medians and p90s gives exactly the nearest ranks of the plain
definition (core.reports.stats), label by label, with ties, gaps (NaN) and names shared by
several ids."""

from __future__ import annotations

import random

import numpy as np

from core.reports.spreads import Grouping, distinct_ids, name_codes, spread
from core.reports.stats import median, p90


def _plain(values: list[float | None]) -> tuple[int, float | None, float | None]:
    known = [v for v in values if v is not None]
    return len(known), median(known), p90(known)


def _floats(values: list[float | None]) -> np.ndarray:
    return np.array([np.nan if v is None else v for v in values], dtype=np.float64)


def test_a_spread_is_the_nearest_rank_of_the_numbers() -> None:
    rng = random.Random(5)
    for size in (0, 1, 2, 3, 9, 10, 11, 19, 20, 21, 97, 1000):
        values: list[float | None] = [
            None if rng.random() < 0.2 else rng.choice((rng.expovariate(1 / 3600), 60.0, 0.0))
            for _ in range(size)
        ]
        found = spread(_floats(values))
        assert (found.count, found.median, found.p90) == _plain(values), size


def test_grouped_spreads_and_sums_match_each_labels_own() -> None:
    rng = random.Random(7)
    codes = np.array([rng.choice((0, 2, 3, 7)) for _ in range(5000)], dtype=np.int64)
    values: list[float | None] = [
        None if rng.random() < 0.1 else float(rng.randint(0, 400)) for _ in range(5000)
    ]
    grouping = Grouping(codes)
    spreads, sums = grouping.spreads(_floats(values)), grouping.sums(_floats(values))
    sizes = grouping.sizes()
    assert set(spreads) == set(sums) == set(sizes) == {0, 2, 3, 7}
    for code in (0, 2, 3, 7):
        mine = [v for c, v in zip(codes, values, strict=True) if c == code]
        found = spreads[code]
        assert (found.count, found.median, found.p90) == _plain(mine)
        known = [v for v in mine if v is not None]
        assert sums[code] == (len(known), sum(known))
        assert sizes[code] == len(mine)


def test_ids_are_numbered_and_named_as_a_group_by_on_the_name_would() -> None:
    for big in (0, 1 << 40):  # small ids use a look-up table, large ones a sort
        ids = np.array([5 + big, -1, 9 + big, 5 + big, 12 + big, 9 + big], dtype=np.int64)
        present, index = distinct_ids(ids)
        assert present.tolist() == [-1, 5 + big, 9 + big, 12 + big]
        assert present[index].tolist() == ids.tolist()
        codes, labels = name_codes(ids, {5 + big: "Ann", 9 + big: "Bob", 12 + big: "Ann"}, "—")
        assert labels == ["Ann", "Bob", "—"]
        assert [labels[c] for c in codes] == ["Ann", "—", "Bob", "Ann", "Ann", "Bob"]


def test_nothing_to_group_gives_nothing() -> None:
    grouping = Grouping(np.array([], dtype=np.int64))
    assert grouping.spreads(np.array([], dtype=np.float64)) == {}
    assert name_codes(np.array([], dtype=np.int64), {}, "—")[1] == []
