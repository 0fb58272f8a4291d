"""Canned replies: supervisors keep them (from the panel), agents send them to a ticket's
requester (``canned`` in chat, the card's "Canned…" button, or the panel), with the macros
filled in for that ticket and that agent."""

from __future__ import annotations

from dataclasses import dataclass

from core.domain.canned import BODY_MAX, CannedReply, check_name, first_name, render
from core.domain.entities import Ticket, TicketMessage
from core.domain.enums import Role
from core.errors import InvalidInput, NotFound
from core.ports import UnitOfWork
from core.services import tickets
from core.services.context import Actor, clean_text, load_ticket, require_role

# What a preview fills in when no ticket is named.
SAMPLE_REQUESTER = "Erin Example"
SAMPLE_NUMBER = 1001
SAMPLE_TITLE = "The VPN disconnects every hour"


async def save(
    uow: UnitOfWork, *, actor: Actor, name: str, body: str, reply_id: int | None = None
) -> CannedReply:
    """Create a canned reply, or change (and maybe rename) the one with ``reply_id``. The text
    is checked as a template first, so an unknown macro is refused here, not when sent."""
    require_role(actor, Role.SUPERVISOR, doing="manage canned replies")
    cleaned_name = check_name(name)
    text = clean_text(body, what="text", limit=BODY_MAX)
    render(text, _sample_values(actor))
    same_name = await uow.canned.get(cleaned_name)
    if reply_id is None:
        reply = None
    else:
        reply = await uow.canned.by_id(reply_id)
        if reply is None:
            raise NotFound("There is no canned reply '{name}'.", name=name[:40])
    if same_name is not None and same_name is not reply:
        raise InvalidInput("A canned reply named '{name}' already exists.", name=cleaned_name)
    if reply is None:
        reply = CannedReply(name=cleaned_name, body=text)
        uow.add(reply)
    reply.name, reply.body = cleaned_name, text
    reply.author_name = actor.person.display_name
    reply.updated_at = uow.clock.now()
    await uow.flush()
    return reply


async def delete(uow: UnitOfWork, *, actor: Actor, name: str) -> None:
    require_role(actor, Role.SUPERVISOR, doing="manage canned replies")
    await uow.canned.delete(await find(uow, name))


async def find(uow: UnitOfWork, name: str) -> CannedReply:
    reply = await uow.canned.get(name.strip().lower())
    if reply is None:
        raise NotFound("There is no canned reply '{name}'.", name=name[:40])
    return reply


@dataclass(frozen=True, slots=True)
class Sent:
    reply: CannedReply
    message: TicketMessage


async def send(
    uow: UnitOfWork,
    *,
    actor: Actor,
    name: str | None = None,
    reply_id: int | None = None,
    number: int,
    external_ref: str | None = None,
) -> Sent:
    """Send the canned reply (by name, or by id from a button) to the ticket's requester as this
    agent's reply, macros filled in; it goes through :func:`tickets.reply` like any reply."""
    require_role(actor, Role.AGENT, doing="send canned replies")
    if reply_id is not None:
        reply = await uow.canned.by_id(reply_id)
        if reply is None:
            raise NotFound("There is no canned reply '{name}'.", name=str(reply_id))
    else:
        reply = await find(uow, name or "")
    ticket = await load_ticket(uow, number)
    body = render(reply.body, await ticket_values(uow, ticket, actor))
    message = await tickets.reply(
        uow, actor=actor, number=number, body=body, external_ref=external_ref
    )
    return Sent(reply, message)


async def preview(uow: UnitOfWork, *, actor: Actor, body: str, number: int | None = None) -> str:
    """The text as it would be sent on ticket ``number`` by ``actor`` (or on a sample ticket)."""
    if number is None:
        return render(body, _sample_values(actor))
    ticket = await load_ticket(uow, number)
    return render(body, await ticket_values(uow, ticket, actor))


async def ticket_values(uow: UnitOfWork, ticket: Ticket, actor: Actor) -> dict[str, str]:
    requester = await uow.people.get(ticket.requester_id)
    requester_name = requester.display_name if requester else ""
    return _values(
        requester_name=requester_name,
        number=ticket.number,
        title=ticket.title,
        priority=ticket.priority.value,
        agent_name=actor.person.display_name,
    )


def _sample_values(actor: Actor) -> dict[str, str]:
    return _values(
        requester_name=SAMPLE_REQUESTER,
        number=SAMPLE_NUMBER,
        title=SAMPLE_TITLE,
        priority="P3",
        agent_name=actor.person.display_name,
    )


def _values(
    *, requester_name: str, number: int, title: str, priority: str, agent_name: str
) -> dict[str, str]:
    return {
        "requester.first_name": first_name(requester_name),
        "requester.name": requester_name,
        "ticket.number": str(number),
        "ticket.title": title,
        "ticket.priority": priority,
        "agent.name": agent_name,
        "agent.first_name": first_name(agent_name),
    }
