"""Speed and agents figures from the summary table (``report_tickets``): counts, medians and
p90s of the stored response and resolution times, per priority, group, category and agent.

PostgreSQL computes the quantiles itself: ``percentile_disc`` is the nearest rank the README
defines (the smallest value with at least that share of values at or below it). SQLite has no
quantile aggregates, so there the values are read and ranked in Python
(:func:`core.reports.stats.nearest_rank`); SQLite serves small desks, so that is few rows.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.reports.facts import ALL, MEASURES, NONE_LABEL, AgentFigures, Speeds, Spread
from core.reports.query import ReportQuery
from core.reports.stats import median, p90
from storage import tables as t

R = t.report_tickets
SECONDS = {measure: R.c[f"{measure}_s"] for measure in MEASURES}
LABELS: dict[str, Any] = {
    "priority": R.c.priority,
    "group": t.groups.c.name,
    "category": t.categories.c.name,
    "agent": t.people.c.display_name,
}


JOINS: dict[str, tuple[Any, ColumnElement[bool]]] = {
    "group": (t.groups, t.groups.c.id == R.c.group_id),
    "category": (t.categories, t.categories.c.id == R.c.category_id),
    "agent": (t.people, t.people.c.id == R.c.assignee_id),
}


def _joined(*dimensions: str) -> Any:
    """The summary table with the tables that name the labels of ``dimensions``."""
    source: Any = R
    for dimension in dimensions:
        if dimension in JOINS:
            source = source.outerjoin(*JOINS[dimension])
    return source


def _label(value: Any) -> str:
    return NONE_LABEL if value is None else str(value)


async def speeds(
    session: AsyncSession,
    query: ReportQuery,
    conditions: list[ColumnElement[bool]],
    *,
    postgres: bool,
) -> Speeds:
    """The tickets created in the range, per dimension, label and measure."""
    created = (R.c.created_at >= query.start, R.c.created_at < query.end, *conditions)
    result = Speeds()
    if postgres:
        for dimension, label in ((ALL, None), *LABELS.items()):
            columns: list[Any] = []
            for column in SECONDS.values():
                columns += [
                    func.count(column),
                    func.percentile_disc(0.5).within_group(column),
                    func.percentile_disc(0.9).within_group(column),
                ]
            statement = select(*([label] if label is not None else []), *columns)
            statement = statement.select_from(_joined(dimension)).where(*created)
            if label is not None:
                statement = statement.group_by(label)
            rows = (await session.execute(statement)).all()
            found: dict[str, dict[str, Spread]] = {}
            for row in rows:
                values = list(row) if label is None else list(row[1:])
                key = "" if label is None else _label(row[0])
                found[key] = {
                    measure: Spread(int(values[3 * i]), values[3 * i + 1], values[3 * i + 2])
                    for i, measure in enumerate(MEASURES)
                }
            result.by[dimension] = found
        return result
    labels = list(LABELS.values())
    rows = (
        await session.execute(
            select(*labels, *SECONDS.values()).select_from(_joined(*LABELS)).where(*created)
        )
    ).all()
    gathered: dict[str, dict[str, dict[str, list[float]]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(list))
    )
    gathered[ALL][""] = defaultdict(list)
    for row in rows:
        keys = [(ALL, "")] + [(dimension, _label(row[i])) for i, dimension in enumerate(LABELS)]
        for offset, measure in enumerate(MEASURES):
            value = row[len(labels) + offset]
            for dimension, key in keys:
                values = gathered[dimension][key][measure]
                if value is not None:
                    values.append(value)
    for dimension, per_label in gathered.items():
        result.by[dimension] = {
            key: {m: _spread(per_measure.get(m, [])) for m in MEASURES}
            for key, per_measure in per_label.items()
        }
    return result


def _spread(values: list[float]) -> Spread:
    return Spread(len(values), median(values), p90(values))


async def agent_figures(
    session: AsyncSession,
    query: ReportQuery,
    conditions: list[ColumnElement[bool]],
    *,
    postgres: bool,
) -> dict[str, AgentFigures]:
    """Per agent, the tickets assigned to them and resolved in the range."""
    agent = t.people.c.display_name
    resolved = (R.c.resolved_at >= query.start, R.c.resolved_at < query.end, *conditions)
    source = R.join(t.people, t.people.c.id == R.c.assignee_id)
    response, resolution = SECONDS["response_work"], SECONDS["resolution_work"]
    ratings = (func.count(R.c.rating_score), func.coalesce(func.sum(R.c.rating_score), 0))
    if postgres:
        rows = await session.execute(
            select(
                agent,
                func.count(),
                func.percentile_disc(0.5).within_group(response),
                func.percentile_disc(0.5).within_group(resolution),
                *ratings,
            )
            .select_from(source)
            .where(*resolved)
            .group_by(agent)
        )
        return {
            name: AgentFigures(int(n), first, fix, int(rated), int(total))
            for name, n, first, fix, rated, total in rows.all()
        }
    found: dict[str, tuple[list[float], list[float], list[int]]] = {}
    handled: dict[str, int] = defaultdict(int)
    plain = await session.execute(
        select(agent, response, resolution, R.c.rating_score).select_from(source).where(*resolved)
    )
    for name, first, fix, score in plain.all():
        firsts, fixes, scores = found.setdefault(name, ([], [], []))
        handled[name] += 1
        if first is not None:
            firsts.append(first)
        if fix is not None:
            fixes.append(fix)
        if score is not None:
            scores.append(score)
    return {
        name: AgentFigures(handled[name], median(firsts), median(fixes), len(scores), sum(scores))
        for name, (firsts, fixes, scores) in found.items()
    }
