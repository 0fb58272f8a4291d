"""Repositories for the desk's clockwork: calendars, SLA policies, automation options, routing
rules, due ticket clocks and once-per-period jobs.

Calendars, policies and rules are value objects in the core; here they become rows (categories by
id, groups by id) and back (categories by slug, groups by name).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, delete, func, or_, select, update

from core.domain.calendar_text import format_hours, parse_holiday, parse_hours
from core.domain.calendars import BusinessCalendar
from core.domain.digest import DigestDay, DigestFigures
from core.domain.durations import parse_duration
from core.domain.entities import Person, Ticket
from core.domain.enums import TicketStatus
from core.domain.routing import RoutingRule
from core.domain.sla import SlaPolicy, SlaState
from storage import tables as t
from storage.repositories import _insert, _Repo, _upsert_ignore, earliest_running_due

_ACTIVE = [s.value for s in TicketStatus if s.is_active]


class SqlSlaRepository(_Repo):
    _people: list[Person] = []

    async def calendars(self) -> list[BusinessCalendar]:
        rows = await self.session.execute(select(t.calendars).order_by(t.calendars.c.name))
        return [_calendar(row) for row in rows.mappings()]

    async def save_calendar(self, calendar: BusinessCalendar) -> BusinessCalendar:
        values = {
            "name": calendar.name,
            "timezone": calendar.timezone,
            "hours": format_hours(calendar.periods),
            "holidays": [{"date": str(h), "name": h.name} for h in calendar.holidays],
            "is_default": calendar.is_default,
        }
        if calendar.is_default:
            await self.session.execute(update(t.calendars).values(is_default=False))
        statement = _insert(self.is_postgres, t.calendars, values).on_conflict_do_update(
            index_elements=["name"], set_={k: v for k, v in values.items() if k != "name"}
        )
        await self.session.execute(statement)
        saved = await self.session.execute(
            select(t.calendars).where(t.calendars.c.name == calendar.name)
        )
        return _calendar(saved.mappings().one())

    async def delete_calendar(self, name: str) -> None:
        await self.session.execute(delete(t.calendars).where(t.calendars.c.name == name))

    async def policies(self) -> list[SlaPolicy]:
        query = (
            select(t.sla_policies, t.categories.c.slug)
            .outerjoin(t.categories, t.categories.c.id == t.sla_policies.c.category_id)
            .order_by(t.sla_policies.c.priority, t.sla_policies.c.scope)
        )
        return [_policy(row) for row in (await self.session.execute(query)).mappings()]

    async def save_policy(self, policy: SlaPolicy) -> None:
        category_id = await self._category_id(policy.category)
        values = {
            "scope": f"{policy.priority.value}|{policy.ticket_type or ''}|{category_id or ''}",
            "priority": policy.priority,
            "ticket_type": policy.ticket_type,
            "category_id": category_id,
            "response": str(policy.response),
            "resolution": str(policy.resolution),
            "warn_share": policy.warn_share,
            "escalation": policy.escalation,
        }
        statement = _insert(self.is_postgres, t.sla_policies, values).on_conflict_do_update(
            index_elements=["scope"], set_={k: v for k, v in values.items() if k != "scope"}
        )
        await self.session.execute(statement)

    async def delete_policy(self, policy_id: int) -> None:
        await self.session.execute(delete(t.sla_policies).where(t.sla_policies.c.id == policy_id))

    async def options(self) -> dict[str, Any]:
        rows = await self.session.execute(select(t.desk_options))
        return {key: value for key, value in rows}

    async def set_option(self, key: str, value: Any) -> None:
        statement = _insert(
            self.is_postgres, t.desk_options, {"key": key, "value": value}
        ).on_conflict_do_update(index_elements=["key"], set_={"value": value})
        await self.session.execute(statement)

    async def claim_due(self, *, now: datetime, limit: int) -> list[Ticket]:
        """Tickets whose clock has something due, locked (others skip them on PostgreSQL).

        Their requesters and assignees are loaded too, in one query: the notices and cards the
        sweep writes name them, and ``people.get`` then finds them in the session."""
        query = due_clocks(now=now, limit=limit, postgres=self.is_postgres)
        tickets = list((await self.session.execute(query)).scalars())
        people = {ticket.requester_id for ticket in tickets}
        people |= {ticket.assignee_id for ticket in tickets if ticket.assignee_id is not None}
        if people:
            persons = select(Person).where(t.people.c.id.in_(people))
            # The session's identity map holds entities weakly: keep them for the sweep.
            self._people = list((await self.session.execute(persons)).scalars())
        return tickets

    async def active_ticket_ids(self, *, after_id: int, limit: int) -> list[int]:
        """Ids of active tickets in id order, a page at a time (to recompute their clocks)."""
        query = (
            select(t.tickets.c.id)
            .where(t.tickets.c.status.in_(_ACTIVE), t.tickets.c.id > after_id)
            .order_by(t.tickets.c.id)
            .limit(limit)
        )
        return list((await self.session.execute(query)).scalars())

    async def digest_figures(self, *, now: datetime, day: DigestDay) -> DigestFigures:
        c = t.tickets.c
        active = c.status.in_(_ACTIVE)
        due = earliest_running_due()
        breached = SlaState.BREACHED.value
        rated = and_(c.rated_at >= day.previous_start, c.rated_at < day.previous_end)
        query = select(
            func.count().filter(active),
            func.count().filter(active, c.assignee_id.is_(None)),
            func.count().filter(active, due >= now, due < day.day_end),
            func.count().filter(  # the sweep may not have marked it yet
                active,
                or_(c.response_state == breached, c.resolution_state == breached, due < now),
            ),
            func.count().filter(
                c.resolved_at >= day.previous_start, c.resolved_at < day.previous_end
            ),
            func.count().filter(c.closed_at >= day.previous_start, c.closed_at < day.previous_end),
            func.count().filter(rated, c.rating_score.is_not(None)),
            func.avg(c.rating_score).filter(rated),
        ).select_from(t.tickets)
        row = (await self.session.execute(query)).one()
        opened, unassigned, due_today, late, resolved, closed, ratings = (
            int(value or 0) for value in row[:7]
        )
        return DigestFigures(
            open=opened,
            unassigned=unassigned,
            due_today=due_today,
            breached=late,
            resolved=resolved,
            closed=closed,
            ratings=ratings,
            csat=float(row[7]) if row[7] is not None else None,
        )

    async def _category_id(self, slug: str | None) -> int | None:
        if slug is None:
            return None
        found = await self.session.execute(
            select(t.categories.c.id).where(t.categories.c.slug == slug)
        )
        return found.scalar_one_or_none()


class SqlRoutingRepository(_Repo):
    async def rules(self) -> list[RoutingRule]:
        query = (
            select(t.routing_rules, t.categories.c.slug, t.groups.c.name.label("group_name"))
            .outerjoin(t.categories, t.categories.c.id == t.routing_rules.c.category_id)
            .outerjoin(t.groups, t.groups.c.id == t.routing_rules.c.group_id)
            .order_by(t.routing_rules.c.position, t.routing_rules.c.id)
        )
        return [_rule(row) for row in (await self.session.execute(query)).mappings()]

    async def save_rule(self, rule: RoutingRule) -> None:
        category = await self.session.execute(
            select(t.categories.c.id).where(t.categories.c.slug == rule.category)
        )
        group = await self.session.execute(
            select(t.groups.c.id).where(t.groups.c.name == rule.group)
        )
        values = {
            "name": rule.name,
            "position": rule.position,
            "kind": rule.kind,
            "pattern": rule.pattern,
            "category_id": category.scalar_one_or_none() if rule.category else None,
            "group_id": group.scalar_one_or_none() if rule.group else None,
            "priority": rule.priority,
            "ticket_type": rule.ticket_type,
            "stop_reply": rule.stop_reply,
            "stop_replies": dict(rule.stop_replies),
            "is_active": rule.is_active,
        }
        statement = _insert(self.is_postgres, t.routing_rules, values).on_conflict_do_update(
            index_elements=["name"], set_={k: v for k, v in values.items() if k != "name"}
        )
        await self.session.execute(statement)

    async def delete_rule(self, name: str) -> None:
        await self.session.execute(delete(t.routing_rules).where(t.routing_rules.c.name == name))

    async def active_ticket_counts(self, person_ids: Sequence[int]) -> dict[int, int]:
        """Active tickets per assignee, for least-loaded assignment (absent: none)."""
        if not person_ids:
            return {}
        query = (
            select(t.tickets.c.assignee_id, func.count())
            .where(t.tickets.c.assignee_id.in_(list(person_ids)), t.tickets.c.status.in_(_ACTIVE))
            .group_by(t.tickets.c.assignee_id)
        )
        return {pid: int(count) for pid, count in await self.session.execute(query)}


class SqlJobRunRepository(_Repo):
    async def claim(self, job: str, period: str, *, now: datetime) -> bool:
        statement = _upsert_ignore(
            self.is_postgres, t.job_runs, {"job": job, "period": period, "ran_at": now}
        )
        result = await self.session.execute(statement.returning(t.job_runs.c.job))
        return result.first() is not None


def due_clocks(*, now: datetime, limit: int, postgres: bool) -> Select[Ticket]:
    """The sweep's query: the earliest due clocks, through the ``sla_next_at`` index.

    On PostgreSQL the rows are locked and rows another sweep holds are skipped, so concurrent
    sweeps share the work; SQLite has one writer at a time (``BEGIN IMMEDIATE``)."""
    query = (
        select(Ticket)
        .where(t.tickets.c.sla_next_at <= now)
        .order_by(t.tickets.c.sla_next_at, t.tickets.c.id)
        .limit(limit)
    )
    return query.with_for_update(skip_locked=True) if postgres else query


def _calendar(row: Any) -> BusinessCalendar:
    return BusinessCalendar(
        row["name"],
        row["timezone"],
        parse_hours(row["hours"]),
        tuple(parse_holiday(h["date"], h.get("name", "")) for h in row["holidays"]),
        is_default=row["is_default"],
        id=row["id"],
    )


def _policy(row: Any) -> SlaPolicy:
    return SlaPolicy(
        row["priority"],
        parse_duration(row["response"]),
        parse_duration(row["resolution"]),
        ticket_type=row["ticket_type"],
        category=row["slug"],
        warn_share=row["warn_share"],
        escalation=row["escalation"],
        id=row["id"],
    )


def _rule(row: Any) -> RoutingRule:
    return RoutingRule(
        row["name"],
        row["kind"],
        row["pattern"],
        category=row["slug"],
        group=row["group_name"],
        priority=row["priority"],
        ticket_type=row["ticket_type"],
        stop_reply=row["stop_reply"],
        stop_replies=dict(row["stop_replies"] or {}),
        position=row["position"],
        is_active=row["is_active"],
        id=row["id"],
    )
