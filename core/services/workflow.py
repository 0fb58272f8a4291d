"""Use cases that move a ticket through its life: claim, assign, status, priority, resolve,
reopen, close, rate, escalate, mark duplicate.

Each takes an open unit of work, locks the ticket row it changes, checks permissions and the
transition table before touching anything, audits every change and queues what the requester
must be told. The caller commits.
"""

from __future__ import annotations

from core.domain.entities import Ticket, TicketLink
from core.domain.enums import LinkKind, Priority, Role, SupportLine, TicketStatus
from core.domain.status import REOPEN_FROM, check_transition
from core.errors import AlreadyClaimed, InvalidInput, InvalidTransition, PermissionDenied
from core.ports import UnitOfWork
from core.services import notify
from core.services.context import (
    COMMENT_MAX,
    RESOLUTION_MAX,
    Actor,
    audit,
    clean_text,
    load_ticket,
    load_visible_ticket,
    name_of,
    require_role,
)
from core.services.status_changes import move

_CLAIMABLE = (TicketStatus.NEW, TicketStatus.OPEN)


async def claim(uow: UnitOfWork, *, actor: Actor, number: int) -> Ticket:
    """Take an unassigned ticket. Atomic: of many simultaneous claims exactly one wins."""
    require_role(actor, Role.AGENT, doing="claim tickets")
    ticket = await load_ticket(uow, number, for_update=True)
    if ticket.assignee_id == actor.id:
        raise InvalidInput("You already have ticket #{number}.", number=number)
    if ticket.assignee_id is not None:
        raise AlreadyClaimed(number, await name_of(uow, ticket.assignee_id))
    if ticket.status not in _CLAIMABLE:
        raise InvalidTransition(
            "Ticket #{number} is {status} and cannot be claimed.",
            number=number,
            status=ticket.status,
        )
    _set_assignee(uow, actor, ticket, actor.id, action="claimed")
    move(uow, actor, ticket, TicketStatus.ASSIGNED)
    await notify.tell_requester(uow, ticket, notify.claimed(ticket, actor.person.display_name))
    await notify.ticket_changed(uow, ticket)
    return ticket


async def assign(uow: UnitOfWork, *, actor: Actor, number: int, assignee_id: int | None) -> Ticket:
    """Give a ticket to an agent (or back to the queue with ``None``)."""
    require_role(actor, Role.AGENT, doing="assign tickets")
    ticket = await load_ticket(uow, number, for_update=True)
    if not ticket.status.is_active:
        raise InvalidTransition(
            "Ticket #{number} is {status}; reopen it first.", number=number, status=ticket.status
        )
    if assignee_id == ticket.assignee_id:
        raise InvalidInput(
            "Ticket #{number} is already assigned to {name}.",
            number=number,
            name=await name_of(uow, assignee_id),
        )
    if assignee_id is not None:
        agent = await uow.people.get(assignee_id)
        if agent is None or not agent.is_agent:
            raise InvalidInput("Tickets can only be assigned to active agents.")
        if ticket.assignee_id is not None and ticket.assignee_id != actor.person.id:
            require_role(actor, Role.SUPERVISOR, doing="take a ticket away from another agent")
    _set_assignee(uow, actor, ticket, assignee_id, action="assigned")
    if assignee_id is None:
        if ticket.status != TicketStatus.OPEN:
            move(uow, actor, ticket, TicketStatus.OPEN)
    else:
        if ticket.status in _CLAIMABLE:
            move(uow, actor, ticket, TicketStatus.ASSIGNED)
        agent_name = await name_of(uow, assignee_id)
        await notify.tell_requester(uow, ticket, notify.claimed(ticket, agent_name))
    await notify.ticket_changed(uow, ticket)
    return ticket


async def change_status(
    uow: UnitOfWork, *, actor: Actor, number: int, status: TicketStatus
) -> Ticket:
    """Set a status directly (agents). Resolve, reopen and close have their own use cases."""
    require_role(actor, Role.AGENT, doing="change a ticket's status")
    if status == TicketStatus.RESOLVED:
        return await resolve(uow, actor=actor, number=number, resolution="")
    if status == TicketStatus.CLOSED:
        return await close(uow, actor=actor, number=number)
    ticket = await load_ticket(uow, number, for_update=True)
    if ticket.status in REOPEN_FROM:
        return await reopen(uow, actor=actor, number=number)
    check_transition(ticket.status, status, number=number)
    if (
        status in (TicketStatus.ASSIGNED, TicketStatus.IN_PROGRESS, TicketStatus.WAITING)
        and ticket.assignee_id is None
    ):
        raise InvalidInput(
            "Ticket #{number} has no assignee; claim or assign it first.", number=number
        )
    if status == TicketStatus.OPEN and ticket.assignee_id is not None:
        _set_assignee(uow, actor, ticket, None, action="released")
    move(uow, actor, ticket, status)
    if status == TicketStatus.WAITING:
        await notify.tell_requester(uow, ticket, notify.waiting(ticket))
    await notify.ticket_changed(uow, ticket)
    return ticket


async def set_priority(uow: UnitOfWork, *, actor: Actor, number: int, priority: Priority) -> Ticket:
    require_role(actor, Role.AGENT, doing="change priorities")
    ticket = await load_ticket(uow, number, for_update=True)
    if not ticket.status.is_active:
        raise InvalidTransition(
            "Ticket #{number} is {status}; its priority is final.",
            number=number,
            status=ticket.status,
        )
    if ticket.priority == priority:
        raise InvalidInput(
            "Ticket #{number} is already {priority}.", number=number, priority=priority
        )
    audit(
        uow,
        actor,
        ticket,
        "priority_changed",
        field="priority",
        old=ticket.priority.value,
        new=priority.value,
    )
    ticket.priority = priority
    ticket.updated_at = uow.clock.now()
    await notify.ticket_changed(uow, ticket)
    return ticket


async def resolve(uow: UnitOfWork, *, actor: Actor, number: int, resolution: str) -> Ticket:
    """Mark solved with a resolution note; the requester is asked to rate or reopen."""
    require_role(actor, Role.AGENT, doing="resolve tickets")
    note = clean_text(resolution, what="resolution", limit=RESOLUTION_MAX, required=False)
    ticket = await load_ticket(uow, number, for_update=True)
    check_transition(ticket.status, TicketStatus.RESOLVED, number=number)
    if ticket.assignee_id is None:
        _set_assignee(uow, actor, ticket, actor.id, action="claimed")
    if ticket.first_response_at is None:
        ticket.first_response_at = uow.clock.now()
    if note != (ticket.resolution or ""):
        audit(
            uow,
            actor,
            ticket,
            "resolution_set",
            field="resolution",
            old=ticket.resolution,
            new=note,
        )
    ticket.resolution = note or None
    move(uow, actor, ticket, TicketStatus.RESOLVED)
    await notify.tell_requester(uow, ticket, notify.resolved(ticket, note))
    await notify.ticket_changed(uow, ticket)
    return ticket


async def reopen(uow: UnitOfWork, *, actor: Actor, number: int, reason: str = "") -> Ticket:
    """Back to work: a resolved ticket (its requester or an agent), or a closed one (agents
    only: for the requester a closed ticket is final, and a new problem is a new request)."""
    why = clean_text(reason, what="reason", limit=COMMENT_MAX, required=False)
    ticket = await load_visible_ticket(uow, actor, number, for_update=True)
    if ticket.status not in REOPEN_FROM:
        raise InvalidTransition(
            "Ticket #{number} is {status}; only resolved or closed tickets can be reopened.",
            number=number,
            status=ticket.status,
        )
    if ticket.status == TicketStatus.CLOSED:
        require_role(actor, Role.AGENT, doing="reopen closed tickets")
    target = TicketStatus.IN_PROGRESS if ticket.assignee_id else TicketStatus.OPEN
    move(uow, actor, ticket, target, action="reopened")
    if why:
        audit(uow, actor, ticket, "reopen_reason", new=why)
    await notify.tell_requester(uow, ticket, notify.reopened(ticket))
    await notify.ticket_changed(uow, ticket)
    return ticket


async def close(uow: UnitOfWork, *, actor: Actor, number: int) -> Ticket:
    """Close for good. Agents close any ticket; a requester may close (cancel) their own."""
    ticket = await load_visible_ticket(uow, actor, number, for_update=True)
    move(uow, actor, ticket, TicketStatus.CLOSED)
    await notify.tell_requester(uow, ticket, notify.closed(ticket))
    await notify.ticket_changed(uow, ticket)
    return ticket


async def rate(
    uow: UnitOfWork,
    *,
    actor: Actor,
    number: int,
    score: int | None = None,
    comment: str | None = None,
) -> Ticket:
    """The requester rates a resolved (or closed) ticket 1–5, optionally with a comment.

    Rating a resolved ticket accepts the solution and closes it. A later call may add the comment
    or change the score; both changes are audited.
    """
    if score is None and comment is None:
        raise InvalidInput("Give a score from 1 to 5, a comment, or both.")
    if score is not None and not 1 <= score <= 5:
        raise InvalidInput("A rating is a whole number from 1 to 5, not {score}.", score=score)
    text = (
        clean_text(comment, what="comment", limit=COMMENT_MAX, required=False)
        if comment is not None
        else None
    )
    ticket = await load_visible_ticket(uow, actor, number, for_update=True)
    if ticket.requester_id != actor.id:
        raise PermissionDenied("Only the requester can rate ticket #{number}.", number=number)
    if ticket.status not in (TicketStatus.RESOLVED, TicketStatus.CLOSED):
        raise InvalidTransition(
            "Ticket #{number} is not resolved yet, so it cannot be rated.", number=number
        )
    now = uow.clock.now()
    if score is not None and score != ticket.rating_score:
        audit(uow, actor, ticket, "rated", field="rating_score", old=ticket.rating_score, new=score)
        ticket.rating_score = score
        ticket.rated_at = now
    if text and text != ticket.rating_comment:
        audit(
            uow,
            actor,
            ticket,
            "rating_commented",
            field="rating_comment",
            old=ticket.rating_comment,
            new=text,
        )
        ticket.rating_comment = text
    if ticket.status == TicketStatus.RESOLVED:
        move(uow, actor, ticket, TicketStatus.CLOSED)
        await notify.ticket_changed(uow, ticket)
    ticket.updated_at = now
    return ticket


async def escalate(uow: UnitOfWork, *, actor: Actor, number: int, reason: str = "") -> Ticket:
    """Pass to the next support line: the group's escalation group, unassigned, back in a queue."""
    require_role(actor, Role.AGENT, doing="escalate tickets")
    why = clean_text(reason, what="reason", limit=COMMENT_MAX, required=False)
    ticket = await load_ticket(uow, number, for_update=True)
    if not ticket.status.is_active:
        raise InvalidTransition(
            "Ticket #{number} is {status}; reopen it first.", number=number, status=ticket.status
        )
    if ticket.line >= SupportLine.SECOND:
        raise InvalidInput("Ticket #{number} is already with second-line support.", number=number)
    group = await uow.catalog.group_by_id(ticket.group_id) if ticket.group_id else None
    target = (
        await uow.catalog.group_by_id(group.escalation_group_id)
        if group and group.escalation_group_id
        else None
    )
    if target is None:
        target = next((g for g in await uow.catalog.groups() if g.line == SupportLine.SECOND), None)
    if target is None:
        raise InvalidInput("No second-line group is configured to escalate to.")
    audit(
        uow,
        actor,
        ticket,
        "escalated",
        field="line",
        old=int(ticket.line),
        new=int(SupportLine.SECOND),
        reason=why,
        group=target.name,
    )
    if ticket.group_id != target.id:
        audit(
            uow,
            actor,
            ticket,
            "group_changed",
            field="group",
            old=group.name if group else None,
            new=target.name,
        )
    ticket.line = SupportLine.SECOND
    ticket.group_id = target.id
    if ticket.assignee_id is not None:
        _set_assignee(uow, actor, ticket, None, action="released")
    if ticket.status != TicketStatus.OPEN:
        move(uow, actor, ticket, TicketStatus.OPEN)
    await notify.tell_requester(uow, ticket, notify.escalated(ticket))
    await notify.ticket_changed(uow, ticket)
    return ticket


async def mark_duplicate(uow: UnitOfWork, *, actor: Actor, number: int, of_number: int) -> Ticket:
    """Close ``number`` as a duplicate of ``of_number`` and link the two."""
    require_role(actor, Role.AGENT, doing="mark duplicates")
    if number == of_number:
        raise InvalidInput("A ticket cannot duplicate itself.")
    ticket = await load_ticket(uow, number, for_update=True)
    original = await load_ticket(uow, of_number)
    if original.status == TicketStatus.CLOSED:
        raise InvalidInput(
            "Ticket #{number} is closed; link to an active ticket instead.", number=of_number
        )
    if not ticket.status.is_active:
        raise InvalidTransition(
            "Ticket #{number} is {status} already.", number=number, status=ticket.status
        )
    assert ticket.id is not None and original.id is not None
    uow.add(
        TicketLink(
            ticket_id=ticket.id,
            kind=LinkKind.DUPLICATE_OF,
            target_ticket_id=original.id,
            created_at=uow.clock.now(),
        )
    )
    audit(uow, actor, ticket, "marked_duplicate", field="duplicate_of", new=f"#{of_number}")
    move(uow, actor, ticket, TicketStatus.CLOSED)
    await notify.tell_requester(uow, ticket, notify.merged(ticket, of_number))
    await notify.ticket_changed(uow, ticket)
    return ticket


def _set_assignee(
    uow: UnitOfWork, actor: Actor, ticket: Ticket, assignee_id: int | None, *, action: str
) -> None:
    audit(uow, actor, ticket, action, field="assignee", old=ticket.assignee_id, new=assignee_id)
    ticket.assignee_id = assignee_id
    ticket.updated_at = uow.clock.now()
