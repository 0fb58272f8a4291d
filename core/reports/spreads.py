"""Counts, medians and p90s of many values per label at once, with numpy: the exact nearest
rank of :func:`core.reports.stats.nearest_rank`, found by selection (``numpy.partition``, linear
time) within each label's values instead of sorting them all.

A speed report over a year's million tickets needs 4 measures x (all + 4 breakdowns) of these;
sorting in the database took 5-9 s, selecting here takes a few hundred milliseconds.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from core.reports.facts import Spread
from core.reports.stats import rank_index

Floats = npt.NDArray[np.float64]
Codes = npt.NDArray[np.int64]
SHARES = (0.5, 0.9)


def spread(values: Floats, *, scratch: bool = False) -> Spread:
    """How many of ``values`` are numbers (NaN stands for none), their median and p90.
    ``scratch``: ``values`` may be reordered in place (else a copy is)."""
    count = len(values) - int(np.count_nonzero(np.isnan(values)))
    if not count:
        return Spread()
    ranks = [rank_index(share, count) for share in SHARES]
    chosen = values if scratch else values.copy()
    chosen.partition(ranks)  # NaN goes after every number, so ranks below count are numbers
    median, p90 = (float(chosen[rank]) for rank in ranks)
    return Spread(count, median, p90)


class Grouping:
    """Rows grouped by a small code per row (a label's number), ready to be measured."""

    def __init__(self, codes: Codes) -> None:
        # Codes of 16 bits or fewer sort by radix: linear time.
        small = codes.astype(np.min_scalar_type(int(codes.max()) if len(codes) else 0))
        self._order = np.argsort(small, kind="stable")
        ordered = codes[self._order]
        starts = np.flatnonzero(np.diff(ordered)) + 1
        self.codes = ordered[np.r_[0, starts]] if len(ordered) else ordered
        self._bounds = [0, *starts.tolist(), len(ordered)] if len(ordered) else [0]

    def sizes(self) -> dict[int, int]:
        """How many rows have each code."""
        bounds = self._bounds
        return {int(code): bounds[i + 1] - bounds[i] for i, code in enumerate(self.codes)}

    def spreads(self, values: Floats) -> dict[int, Spread]:
        """Each code's :func:`spread` of ``values`` (one per row, in the rows' order)."""
        ordered, bounds = values[self._order], self._bounds  # a copy: each label's part is scratch
        return {
            int(code): spread(ordered[bounds[i] : bounds[i + 1]], scratch=True)
            for i, code in enumerate(self.codes)
        }

    def sums(self, values: Floats) -> dict[int, tuple[int, float]]:
        """Each code's count of numbers among ``values``, and their sum."""
        ordered, bounds = values[self._order], self._bounds
        found = {}
        for i, code in enumerate(self.codes):
            part = ordered[bounds[i] : bounds[i + 1]]
            known = part[~np.isnan(part)]
            found[int(code)] = (len(known), float(known.sum()))
        return found


DENSE_LIMIT = 1 << 24  # ids below this are numbered with a look-up table, larger ones by sorting


def distinct_ids(ids: Codes) -> tuple[Codes, Codes]:
    """The distinct ids (ascending), and each row's index among them."""
    if len(ids) and ids.min() >= -1 and ids.max() < DENSE_LIMIT:
        seen = np.bincount(ids + 1)
        present = np.flatnonzero(seen)
        table = np.zeros(len(seen), dtype=np.int64)
        table[present] = np.arange(len(present))
        return present - 1, table[ids + 1]
    present, index = np.unique(ids, return_inverse=True)
    return present, index.reshape(-1)


def name_codes(
    ids: Codes,
    names: dict[int, str],
    missing: str,
    distinct: tuple[Codes, Codes] | None = None,
) -> tuple[Codes, list[str]]:
    """Each row's label as a code (its index in the returned sorted labels): ``ids`` named by
    ``names``; an id it lacks (and -1, no id) is called ``missing``. Ids that share a name
    share a code, as a ``GROUP BY`` on the name would count them. ``distinct``: what
    :func:`distinct_ids` gave for ``ids``, if the caller has it already."""
    present, index = distinct or distinct_ids(ids)
    called = [names.get(int(i), missing) for i in present]
    labels = sorted(set(called))
    number = {label: n for n, label in enumerate(labels)}
    remap = np.array([number[label] for label in called], dtype=np.int64)
    return remap[index], labels
