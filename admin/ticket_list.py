"""The ticket list's query: filters, text search and one page of rows, in two statements.

Kept fast at 100k tickets and more: the page's ids come from an index in the list's order
(stopping after one page) before names are joined to those rows only; the count stops at
COUNT_CAP ("10,000+"); text search needs three characters, which PostgreSQL's trigram
indexes answer without reading the table; ``#1234`` is a look-up by number.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.domain.enums import Priority, TicketStatus
from storage import tables as t

PAGE_SIZES = (25, 50, 100)
SEARCH_MIN = 3
SEARCH_MAX = 200
COUNT_CAP = 10_000
SEARCH_COUNT_CAP = 500  # "more than 500 tickets mention printer": refine the search
ACTIVE = "active"  # every status but resolved and closed
UNASSIGNED = "none"
CHANNELS = ("telegram", "slack", "admin", "api", "cli")
_STATUSES = {s.value for s in TicketStatus}
_PRIORITIES = {p.value for p in Priority}
SORTS = {
    "updated": (t.tickets.c.updated_at.desc(), t.tickets.c.number.desc()),
    "created": (t.tickets.c.created_at.desc(), t.tickets.c.number.desc()),
    "priority": (t.tickets.c.priority, t.tickets.c.created_at, t.tickets.c.number),
}


@dataclass(frozen=True, slots=True)
class TicketFilter:
    status: str = ""  # "", ACTIVE or a TicketStatus value
    priority: str = ""
    group_id: int | None = None
    assignee: str = ""  # "", UNASSIGNED or a person id
    channel: str = ""
    text: str = ""
    sort: str = "updated"

    def is_empty(self) -> bool:
        return (
            not (self.status or self.priority or self.group_id or self.assignee or self.channel)
            and not self.text.strip()
        )


@dataclass(frozen=True, slots=True)
class ListedTicket:
    number: int
    title: str
    status: TicketStatus
    priority: Priority
    requester: str
    assignee: str | None
    group: str | None
    channel: str
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class TicketPage:
    rows: list[ListedTicket]
    total: int  # at most cap + 1
    page: int
    per_page: int
    cap: int = COUNT_CAP  # counting stopped here

    @property
    def capped(self) -> bool:
        """More than ``cap`` tickets match; ``total`` is a lower bound."""
        return self.total > self.cap

    @property
    def pages(self) -> int:
        return max(1, -(-min(self.total, self.cap) // self.per_page))

    @property
    def has_next(self) -> bool:
        return self.page < self.pages or (self.capped and len(self.rows) == self.per_page)


def search_terms(text: str) -> tuple[int | None, str]:
    """What a search box's text asks for: a ticket number, text to find, or both."""
    text = text.strip()[:SEARCH_MAX]
    if text.startswith("#") and text[1:].isdigit() and len(text) < 18:
        return int(text[1:]), ""
    number = int(text) if text.isdigit() and len(text) < 18 else None
    return number, text if len(text) >= SEARCH_MIN else ""


def _like(text: str) -> str:
    """A LIKE pattern that matches ``text`` literally (its % and _ are not wildcards)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _filtered(query: Select[Any], wanted: TicketFilter) -> Select[Any]:
    c = t.tickets.c
    if wanted.status == ACTIVE:
        query = query.where(c.status.in_([s for s in TicketStatus if s.is_active]))
    elif wanted.status in _STATUSES:
        query = query.where(c.status == TicketStatus(wanted.status))
    if wanted.priority in _PRIORITIES:
        query = query.where(c.priority == Priority(wanted.priority))
    if wanted.group_id is not None:
        query = query.where(c.group_id == wanted.group_id)
    if wanted.assignee == UNASSIGNED:
        query = query.where(c.assignee_id.is_(None))
    elif wanted.assignee.isdigit():
        query = query.where(c.assignee_id == int(wanted.assignee))
    if wanted.channel:
        query = query.where(c.origin_channel == wanted.channel[:20])
    number, text = search_terms(wanted.text)
    matches = []
    if number is not None:
        matches.append(c.number == number)
    if text:
        pattern = _like(text)
        matches += [c.title.ilike(pattern, escape="\\"), c.description.ilike(pattern, escape="\\")]
    if matches:
        query = query.where(or_(*matches))
    return query


def count_cap(wanted: TicketFilter) -> int:
    """Where counting the matches stops: sooner when each one is a text match to check."""
    return SEARCH_COUNT_CAP if search_terms(wanted.text)[1] else COUNT_CAP


def count_statement(wanted: TicketFilter) -> Select[Any]:
    """How many tickets match, counting no further than the cap + 1."""
    matching = _filtered(select(t.tickets.c.id), wanted).limit(count_cap(wanted) + 1)
    return select(func.count()).select_from(matching.subquery())


def ids_statement(wanted: TicketFilter, *, page: int, per_page: int) -> Select[Any]:
    """The ids of one page of matching tickets, in the list's order."""
    order = SORTS.get(wanted.sort, SORTS["updated"])
    return (
        _filtered(select(t.tickets.c.id), wanted)
        .order_by(*order)
        .limit(per_page)
        .offset((page - 1) * per_page)
    )


async def ticket_page(
    session: AsyncSession, wanted: TicketFilter, *, page: int = 1, per_page: int = 50
) -> TicketPage:
    per_page = per_page if per_page in PAGE_SIZES else PAGE_SIZES[1]
    c = t.tickets.c
    total = (await session.execute(count_statement(wanted))).scalar_one()
    cap = count_cap(wanted)
    page = max(1, page)
    if total <= cap:
        page = min(page, max(1, -(-total // per_page)))
    order = SORTS.get(wanted.sort, SORTS["updated"])
    ids = ids_statement(wanted, page=page, per_page=per_page).subquery()
    requester = t.people.alias("requester")
    assignee = t.people.alias("assignee")
    query = (
        select(
            c.number,
            c.title,
            c.status,
            c.priority,
            requester.c.display_name.label("requester"),
            assignee.c.display_name.label("assignee"),
            t.groups.c.name.label("group"),
            c.origin_channel,
            c.updated_at,
        )
        .select_from(ids)
        .join(t.tickets, c.id == ids.c.id)
        .join(requester, requester.c.id == c.requester_id)
        .outerjoin(assignee, assignee.c.id == c.assignee_id)
        .outerjoin(t.groups, t.groups.c.id == c.group_id)
        .order_by(*order)
    )
    rows = [
        ListedTicket(
            number=row.number,
            title=row.title,
            status=row.status,
            priority=row.priority,
            requester=row.requester,
            assignee=row.assignee,
            group=row.group,
            channel=row.origin_channel,
            updated_at=row.updated_at,
        )
        for row in await session.execute(query)
    ]
    return TicketPage(rows, total, page, per_page, cap)
