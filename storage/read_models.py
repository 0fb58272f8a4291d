"""Read models: display queries shared by the admin panel and the command line.

Read-only (every write goes through core.services); they read the tables directly, so a list
page costs one query rather than one per row.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from core.domain.entities import AuditEntry, Person, Ticket, TicketMessage
from storage import tables as t
from storage.unit_of_work import SqlUnitOfWork


@dataclass(frozen=True, slots=True)
class TicketRow:
    ticket: Ticket
    requester: str
    assignee: str | None


async def status_counts(uow: SqlUnitOfWork) -> dict[str, int]:
    rows = await uow.session.execute(
        select(t.tickets.c.status, func.count()).group_by(t.tickets.c.status)
    )
    return {status: count for status, count in rows.all()}


async def recent_tickets(uow: SqlUnitOfWork, *, limit: int = 50) -> list[TicketRow]:
    tickets = (
        (
            await uow.session.execute(
                select(Ticket)
                .order_by(t.tickets.c.updated_at.desc(), t.tickets.c.number.desc())
                .limit(limit)
            )
        )
        .scalars()
        .all()
    )
    names = await _names(uow, {p for tk in tickets for p in (tk.requester_id, tk.assignee_id) if p})
    return [
        TicketRow(
            tk,
            names.get(tk.requester_id, "?"),
            names.get(tk.assignee_id) if tk.assignee_id else None,
        )
        for tk in tickets
    ]


TicketDetail = tuple[TicketRow, list[TicketMessage], list[AuditEntry], dict[int, str]]
"""A ticket, its conversation, its audit trail and the names of everyone in them."""


async def ticket_detail(uow: SqlUnitOfWork, number: int) -> TicketDetail | None:
    ticket = await uow.tickets.get(number)
    if ticket is None or ticket.id is None:
        return None
    messages = await uow.history.messages(ticket.id)
    audit = await uow.history.audit(ticket.id)
    ids = {ticket.requester_id, *(p for p in (ticket.assignee_id,) if p)}
    ids |= {m.author_id for m in messages if m.author_id} | {
        a.actor_id for a in audit if a.actor_id
    }
    ids |= {int(v) for a in audit if a.field == "assignee" for v in (a.old_value, a.new_value) if v}
    names = await _names(uow, ids)
    row = TicketRow(
        ticket,
        names.get(ticket.requester_id, "?"),
        names.get(ticket.assignee_id) if ticket.assignee_id else None,
    )
    return row, messages, audit, names


async def _names(uow: SqlUnitOfWork, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    people = (await uow.session.execute(select(Person).where(t.people.c.id.in_(ids)))).scalars()
    return {p.id: p.display_name for p in people if p.id is not None}


def describe_change(entry: AuditEntry, names: dict[int, str]) -> str:
    """One audit entry's change in words, with people's names instead of their ids."""

    def show(value: str | None) -> str:
        if value is None or value == "":
            return "—"
        if entry.field == "assignee":
            return names.get(int(value), f"person {value}")
        return value

    if entry.field:
        return f"{entry.field}: {show(entry.old_value)} → {show(entry.new_value)}"
    return entry.new_value or ""
