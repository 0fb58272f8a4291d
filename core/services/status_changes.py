"""The one place a ticket's status changes: checks the transition table, stamps times, audits."""

from __future__ import annotations

from core.domain.entities import Ticket
from core.domain.enums import TicketStatus
from core.domain.status import check_transition
from core.ports import UnitOfWork
from core.services.context import Actor, audit


def move(
    uow: UnitOfWork,
    actor: Actor | None,
    ticket: Ticket,
    target: TicketStatus,
    *,
    action: str = "status_changed",
) -> None:
    check_transition(ticket.status, target, number=ticket.number)
    now = uow.clock.now()
    old = ticket.status
    ticket.status = target
    ticket.updated_at = now
    if target == TicketStatus.RESOLVED:
        ticket.resolved_at = now
    elif target == TicketStatus.CLOSED:
        ticket.closed_at = now
    else:  # reopened: no longer resolved nor closed
        ticket.resolved_at = ticket.closed_at = None
    audit(uow, actor, ticket, action, field="status", old=old.value, new=target.value)
