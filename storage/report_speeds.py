"""Speed and agents figures from the summary table (``report_tickets``): counts, medians and
p90s of the stored response and resolution times, per priority, group, category and agent.

The database filters the rows and sends the few columns these need as arrays
(:func:`storage.report_columns.read_columns`); :mod:`core.reports.spreads` finds the exact
nearest ranks the README defines (the smallest value with at least that share of values at or
below it) for every label at once. ``percentile_disc`` in PostgreSQL gives the same figures,
but sorts every label's values for every measure: 20 sorts of a year's 920,000 values took
5-9 s at a million tickets.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Table, case
from sqlalchemy.ext.asyncio import AsyncSession

from core.domain.enums import Priority
from core.reports.facts import ALL, MEASURES, NONE_LABEL, AgentFigures, Speeds, Spread
from core.reports.query import ReportQuery
from core.reports.spreads import Codes, Grouping, distinct_ids, name_codes, spread
from storage import tables as t
from storage.report_columns import Kind, read_columns
from storage.report_counts import names_of

R = t.report_tickets
SECONDS = {measure: R.c[f"{measure}_s"] for measure in MEASURES}
PRIORITIES = list(Priority)
# Each breakdown's code per row, and where its codes get their names.
LABELS: dict[str, tuple[ColumnElement[Any], Table | None]] = {
    "priority": (case({p.value: n for n, p in enumerate(PRIORITIES)}, value=R.c.priority), None),
    "group": (R.c.group_id, t.groups),
    "category": (R.c.category_id, t.categories),
    "agent": (R.c.assignee_id, t.people),
}


async def speeds(
    session: AsyncSession,
    query: ReportQuery,
    conditions: list[ColumnElement[bool]],
) -> Speeds:
    """The tickets created in the range, per dimension, label and measure."""
    created = (R.c.created_at >= query.start, R.c.created_at < query.end, *conditions)
    columns = [(code, Kind.ID) for code, _ in LABELS.values()]
    columns += [(column, Kind.NUMBER) for column in SECONDS.values()]
    (
        *codes,
        response_work,
        response_calendar,
        resolution_work,
        resolution_calendar,
    ) = await read_columns(session, columns, created)
    values = dict(
        zip(
            MEASURES,
            (response_work, response_calendar, resolution_work, resolution_calendar),
            strict=True,
        )
    )
    result = Speeds()
    result.by[ALL] = {"": {measure: spread(v) for measure, v in values.items()}}
    for (dimension, (_, table)), ids in zip(LABELS.items(), codes, strict=True):
        labelled, labels = await _labelled(session, ids, table)
        grouping = Grouping(labelled)
        found: dict[str, dict[str, Spread]] = {label: {} for label in labels}
        for measure, v in values.items():
            for code, figures in grouping.spreads(v).items():
                found[labels[code]][measure] = figures
        result.by[dimension] = found
    return result


async def _labelled(
    session: AsyncSession, ids: Codes, table: Table | None
) -> tuple[Codes, list[str]]:
    """Each row's label code, and the labels: priorities by their names; ids by the name
    of what they point at (groups and categories by name, people by display name)."""
    if table is None:
        return name_codes(ids, {n: p.value for n, p in enumerate(PRIORITIES)}, NONE_LABEL)
    distinct = distinct_ids(ids)
    names = await names_of(session, table, [int(i) for i in distinct[0] if i != -1])
    return name_codes(ids, names, NONE_LABEL, distinct)


async def agent_figures(
    session: AsyncSession,
    query: ReportQuery,
    conditions: list[ColumnElement[bool]],
) -> dict[str, AgentFigures]:
    """Per agent, the tickets assigned to them and resolved in the range."""
    resolved = (
        R.c.resolved_at >= query.start,
        R.c.resolved_at < query.end,
        R.c.assignee_id.is_not(None),
        *conditions,
    )
    ids, response, resolution, score = await read_columns(
        session,
        [
            (R.c.assignee_id, Kind.ID),
            (SECONDS["response_work"], Kind.NUMBER),
            (SECONDS["resolution_work"], Kind.NUMBER),
            (R.c.rating_score, Kind.NUMBER),
        ],
        resolved,
    )
    labelled, labels = await _labelled(session, ids, t.people)
    grouping = Grouping(labelled)
    firsts, fixes = grouping.spreads(response), grouping.spreads(resolution)
    ratings = grouping.sums(score)
    return {
        labels[code]: AgentFigures(
            handled,
            firsts[code].median,
            fixes[code].median,
            ratings[code][0],
            round(ratings[code][1]),
        )
        for code, handled in grouping.sizes().items()
    }
