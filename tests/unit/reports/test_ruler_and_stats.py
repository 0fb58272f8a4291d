"""The reports' fast working-time ruler agrees with the SLA's arithmetic, and the quantiles
follow the nearest-rank definition the README gives."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

from core.domain.calendars import Holiday, always_open, office_hours
from core.domain.working_time import working_time_between
from core.reports.ruler import WorkingTimeRuler
from core.reports.stats import median, nearest_rank, p90, share


def test_the_ruler_matches_working_time_between_across_dst_and_holidays() -> None:
    rng = random.Random(7)
    for calendar in (
        office_hours("office", "Pacific/Auckland", holidays=[Holiday(10, 26)]),
        office_hours("night", "America/Los_Angeles", start=0, end=24 * 60, weekdays=range(6)),
        always_open("24x7", "Europe/Berlin"),
    ):
        ruler = WorkingTimeRuler(calendar, date(2026, 9, 1), date(2026, 11, 30))
        base = datetime(2026, 9, 2, tzinfo=UTC)
        for _ in range(300):
            a = base + timedelta(seconds=rng.uniform(0, 80 * 86400))
            b = a + timedelta(seconds=rng.uniform(0, 20 * 86400))
            expected = working_time_between(calendar, a, b).total_seconds()
            assert abs(ruler.seconds(a, b) - expected) < 1e-3, (calendar.name, a, b)
        outside = datetime(2027, 3, 1, tzinfo=UTC)  # beyond the prepared span: asked directly
        assert (
            ruler.seconds(base, outside)
            == working_time_between(calendar, base, outside).total_seconds()
        )


def test_nearest_rank_quantiles() -> None:
    assert median([]) is None and p90([]) is None
    assert median([5, 1, 3, 2]) == 2  # the lower middle of an even count
    assert median([3, 1, 2]) == 2
    values = list(range(1, 11))
    assert p90(values) == 9 and nearest_rank(values, 1.0) == 10 and nearest_rank(values, 0.0) == 1
    assert share(1, 3) == 33.3 and share(0, 0) is None
