"""Use cases that create tickets and add to their conversation.

Every function takes an open unit of work and leaves the commit to its caller; each checks
everything before it changes anything, so a refused request writes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from core.domain.entities import Ticket, TicketAttachment, TicketMessage
from core.domain.enums import (
    Level,
    MessageKind,
    Priority,
    Role,
    SupportLine,
    TicketStatus,
    TicketType,
)
from core.domain.priority import priority_for
from core.errors import InvalidInput
from core.messages import Attachment, RelayedFrom
from core.ports import UnitOfWork
from core.services import auto_assignment, notify, ticket_routing
from core.services.context import (
    TEXT_MAX,
    TITLE_MAX,
    Actor,
    audit,
    clean_text,
    load_visible_ticket,
    require_role,
)
from core.services.status_changes import move

MAX_ATTACHMENTS = 20
MAX_ATTACHMENT_BYTES = 2 * 1024**3


@dataclass(frozen=True, slots=True)
class NewTicket:
    """What a requester (or an agent on their behalf) asks for."""

    title: str
    description: str
    category: str | None = None
    type: TicketType | None = None
    impact: Level = Level.MEDIUM
    urgency: Level = Level.MEDIUM
    priority: Priority | None = None  # an agent may set it directly
    conversation_ref: str | None = None
    attachments: Sequence[Attachment] = ()


async def open_ticket(
    uow: UnitOfWork,
    *,
    actor: Actor,
    request: NewTicket,
    requester_id: int | None = None,
    announce: bool = True,
) -> Ticket:
    """Register a request. Agents may open a ticket on someone else's behalf.

    The routing rules run first (:mod:`core.services.ticket_routing`): a stop-list rule refuses
    the request (:class:`~core.services.ticket_routing.StopListed`, nothing written); others fill
    in category, group, priority and type. Then the group's assignment mode may give the ticket
    to an agent (:mod:`core.services.auto_assignment`).

    ``announce=False`` leaves telling the requester to the caller (the chat dialogue confirms
    in its own words), so they get one confirmation, not two.
    """
    title = clean_text(request.title, what="title", limit=TITLE_MAX)
    description = clean_text(request.description, what="description", limit=TEXT_MAX)
    _check_attachments(request.attachments)
    if requester_id is not None and requester_id != actor.id:
        require_role(actor, Role.AGENT, doing="open tickets for other people")
        if await uow.people.get(requester_id) is None:
            raise InvalidInput("There is no person {id}.", id=requester_id)
    if request.priority is not None and not actor.person.is_agent:
        raise InvalidInput(
            "Only agents can set a priority directly; describe impact and urgency instead."
        )

    decision = await ticket_routing.decide(uow, f"{title}\n{description}")
    category = None
    if request.category:
        category = await uow.catalog.category(request.category)
        if category is None or not category.is_active:
            raise InvalidInput("Unknown category '{category}'.", category=request.category)
    routed_category = None if category else await ticket_routing.routed_category(uow, decision)
    category = category or routed_category
    group = await ticket_routing.routed_group(uow, decision, category)
    ticket_type = request.type or decision.ticket_type
    priority = request.priority or decision.priority

    now = uow.clock.now()
    ticket = Ticket(
        number=await uow.tickets.next_number(),
        title=title,
        description=description,
        requester_id=requester_id or actor.id,
        type=ticket_type or (category.default_type if category else TicketType.INCIDENT),
        category_id=category.id if category else None,
        priority=priority or priority_for(request.impact, request.urgency),
        group_id=group.id if group else None,
        line=group.line if group else SupportLine.FIRST,
        origin_channel=actor.channel,
        conversation_ref=request.conversation_ref,
        created_at=now,
        updated_at=now,
    )
    uow.add(ticket)
    await uow.flush()
    assert ticket.id is not None
    for item in request.attachments:
        uow.add(_attachment(ticket, item, now=now))
    audit(
        uow,
        actor,
        ticket,
        "opened",
        number=ticket.number,
        priority=ticket.priority.value,
        category=request.category,
        type=ticket.type.value,
        attachments=len(request.attachments),
    )
    applied = {
        "category": routed_category.slug if routed_category else None,
        "group": group.name if group and group.name == decision.group else None,
        "priority": ticket.priority.value if priority and not request.priority else None,
        "type": ticket.type.value if ticket_type and not request.type else None,
    }
    ticket_routing.audit_routing(
        uow, ticket, decision, {k: v for k, v in applied.items() if v is not None}
    )
    agent = await auto_assignment.assign_new(uow, ticket, group)
    if announce:
        await notify.tell_requester(uow, ticket, notify.registered(ticket))
        if agent is not None:
            await notify.tell_requester(uow, ticket, notify.claimed(ticket, agent.display_name))
    await notify.ticket_changed(uow, ticket)
    await notify.files_to_agents(uow, ticket, request.attachments)
    return ticket


async def reply(
    uow: UnitOfWork,
    *,
    actor: Actor,
    number: int,
    body: str,
    attachments: Sequence[Attachment] = (),
    external_ref: str | None = None,
    relayed_from: RelayedFrom | None = None,
) -> TicketMessage:
    """A public message on the ticket: agent → requester, or requester → agents.

    ``relayed_from``: the agent's own chat message this reply came from, marked once the
    requester has it (and answered in its chat if it cannot be delivered).

    An agent's reply starts work on an assigned ticket; a requester's reply takes a ticket out of
    "waiting" and reopens a resolved one. A closed ticket takes no more replies.
    """
    text = clean_text(body, what="message", limit=TEXT_MAX)
    _check_attachments(attachments)
    ticket = await load_visible_ticket(uow, actor, number, for_update=True)
    if ticket.status == TicketStatus.CLOSED:
        raise InvalidInput("Ticket #{number} is closed; please open a new request.", number=number)
    now = uow.clock.now()
    from_agent = actor.person.is_agent and ticket.requester_id != actor.id
    status_before = ticket.status
    message = TicketMessage(
        ticket_id=_id(ticket),
        author_id=actor.id,
        kind=MessageKind.PUBLIC,
        body=text,
        channel=actor.channel,
        created_at=now,
        external_ref=external_ref,
    )
    uow.add(message)
    await uow.flush()
    for item in attachments:
        uow.add(_attachment(ticket, item, now=now, message_id=message.id))
    audit(uow, actor, ticket, "replied", message_id=message.id, attachments=len(attachments))
    if from_agent:
        if ticket.first_response_at is None:
            ticket.first_response_at = now
        if ticket.status == TicketStatus.ASSIGNED and ticket.assignee_id == actor.id:
            move(uow, actor, ticket, TicketStatus.IN_PROGRESS)
        await notify.tell_requester(
            uow,
            ticket,
            notify.agent_reply(ticket, actor.person.display_name, text),
            relayed_from=relayed_from,
        )
    else:
        await notify.relay_to_agents(
            uow, ticket, author=actor.person.display_name, body=text, attachments=attachments
        )
        if ticket.status in (TicketStatus.WAITING, TicketStatus.RESOLVED):
            move(
                uow,
                actor,
                ticket,
                TicketStatus.IN_PROGRESS if ticket.assignee_id else TicketStatus.OPEN,
                action="reopened" if ticket.status == TicketStatus.RESOLVED else "status_changed",
            )
    ticket.updated_at = now
    if ticket.status != status_before:
        await notify.ticket_changed(uow, ticket)
    return message


async def add_note(uow: UnitOfWork, *, actor: Actor, number: int, body: str) -> TicketMessage:
    """An internal note: agents only, never shown to the requester."""
    require_role(actor, Role.AGENT, doing="add internal notes")
    text = clean_text(body, what="note", limit=TEXT_MAX)
    ticket = await load_visible_ticket(uow, actor, number)
    note = TicketMessage(
        ticket_id=_id(ticket),
        author_id=actor.id,
        kind=MessageKind.INTERNAL,
        body=text,
        channel=actor.channel,
        created_at=uow.clock.now(),
    )
    uow.add(note)
    await uow.flush()
    audit(uow, actor, ticket, "noted", message_id=note.id)
    return note


async def view_ticket(uow: UnitOfWork, *, actor: Actor, number: int) -> Ticket:
    """A ticket the actor may see (agents: any; requesters: their own)."""
    return await load_visible_ticket(uow, actor, number)


def _check_attachments(items: Sequence[Attachment]) -> None:
    if len(items) > MAX_ATTACHMENTS:
        raise InvalidInput(
            "At most {limit} attachments per message, got {count}.",
            limit=MAX_ATTACHMENTS,
            count=len(items),
        )
    for item in items:
        if not item.file_ref:
            raise InvalidInput("An attachment has no file reference.")
        if item.size < 0 or item.size > MAX_ATTACHMENT_BYTES:
            raise InvalidInput(
                "Attachment '{name}' has an impossible size.", name=item.name or item.file_ref
            )


def _attachment(
    ticket: Ticket, item: Attachment, *, now: datetime, message_id: int | None = None
) -> TicketAttachment:
    return TicketAttachment(
        ticket_id=_id(ticket),
        channel=item.channel,
        file_ref=item.file_ref,
        name=item.name[:255],
        size=item.size,
        mime_type=item.mime_type[:127],
        message_id=message_id,
        created_at=now,
    )


def _id(ticket: Ticket) -> int:
    assert ticket.id is not None
    return ticket.id
