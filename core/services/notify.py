"""Outbox writers: what the requester is told when their ticket changes.

Nothing is sent here: each message becomes an outbox row in the same transaction as the
change that caused it, and the outbox sweep delivers it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from core.button_data import Act, button
from core.domain.entities import Category, OutboxMessage, Ticket
from core.i18n import gettext as _
from core.messages import (
    Attachment,
    Button,
    RelayedFrom,
    Reply,
    Span,
    bold,
    fill,
    quote,
    reply_to_payload,
)
from core.ports import UnitOfWork
from core.services.cards import CardFacts, card_key, render_card
from core.services.clocks import desk_zone, refresh_clock
from core.services.context import display_name
from core.services.time_left import sla_lines

ReplyBuilder = Callable[[str], Reply]
"""Builds a reply in the recipient's language."""


async def _language_of(uow: UnitOfWork, person_id: int) -> str:
    person = await uow.people.get(person_id)
    return person.language if person else "en"


def queue_reply(
    uow: UnitOfWork,
    channel: str,
    recipient: str,
    reply: Reply,
    *,
    ticket_id: int | None = None,
    edit_key: str | None = None,
    edit_ref: str | None = None,
    reply_to_ref: str | None = None,
    reply_to_key: str | None = None,
    relayed_from: RelayedFrom | None = None,
) -> None:
    """Put one message in the outbox, due now. The one place outbox rows are written.

    ``edit_key``: send under this key, editing the message last sent under it.
    ``edit_ref``: edit this platform message. ``reply_to_key``: reply to the message last sent
    under that key (resolved at delivery, when it has been sent). ``relayed_from``: the message
    this one relays, marked on delivery (:mod:`core.services.relay_receipts`).
    """
    now = uow.clock.now()
    payload = reply_to_payload(reply)
    if relayed_from is not None:
        relayed_from.add_to(payload)
    uow.add(
        OutboxMessage(
            channel=channel,
            recipient=recipient,
            payload=payload,
            ticket_id=ticket_id,
            edit_key=edit_key,
            edit_ref=edit_ref,
            reply_to_ref=reply_to_ref,
            reply_to_key=reply_to_key,
            next_attempt_at=now,
            created_at=now,
        )
    )


async def tell_requester(
    uow: UnitOfWork, ticket: Ticket, build: ReplyBuilder, *, relayed_from: RelayedFrom | None = None
) -> None:
    """Queue a message to the ticket's requester in the conversation the ticket came from."""
    if ticket.conversation_ref is None or ticket.origin_channel in ("admin", "cli"):
        return
    language = await _language_of(uow, ticket.requester_id)
    queue_reply(
        uow,
        ticket.origin_channel,
        ticket.conversation_ref,
        build(language),
        ticket_id=ticket.id,
        relayed_from=relayed_from,
    )


async def ticket_changed(uow: UnitOfWork, ticket: Ticket) -> None:
    """Post or refresh the ticket's card in every agents' room (a no-op when none is set up).

    Every use case that changes what a card shows calls this once, after its change. The card
    shows the ticket's SLA clock, so the clock is brought up to date first.
    """
    await refresh_clock(uow, ticket)
    await cards_changed(uow, [ticket])


async def cards_changed(uow: UnitOfWork, tickets: Sequence[Ticket]) -> None:
    """Post or refresh the cards of ``tickets``, whose SLA clocks are already current: what
    the cards show is read for all of them at once (a clock sweep changes hundreds)."""
    rooms = await uow.rooms.all()
    if not rooms or not tickets:
        return
    await uow.flush()  # the card counts what this unit of work added (a new ticket's files)
    ids = [ticket.id for ticket in tickets if ticket.id is not None]
    assert len(ids) == len(tickets)
    requesters = {ticket.requester_id for ticket in tickets}
    people = await uow.people.get_many(
        requesters | {t.assignee_id for t in tickets if t.assignee_id is not None}
    )
    attachments = await uow.history.attachment_counts(ids)
    identities = await uow.people.identities_of(requesters)
    categories: dict[int, Category | None] = {}
    for category_id in {t.category_id for t in tickets if t.category_id is not None}:
        categories[category_id] = await uow.catalog.category_by_id(category_id)
    now = uow.clock.now()
    for ticket_id, ticket in zip(ids, tickets, strict=True):
        category = categories.get(ticket.category_id) if ticket.category_id else None
        requester_refs = {i.channel: i.external_id for i in identities.get(ticket.requester_id, [])}
        zone = await desk_zone(uow, ticket.group_id)
        assignee_id = ticket.assignee_id
        assignee = (
            None if assignee_id is None else display_name(people.get(assignee_id), assignee_id)
        )
        for room in rooms:
            facts = CardFacts(
                requester=display_name(people.get(ticket.requester_id), ticket.requester_id),
                assignee=assignee,
                category=category.label(room.language) if category else None,
                attachments=attachments.get(ticket_id, 0),
                now=now,
                requester_ref=requester_refs.get(room.channel),
                deadlines=tuple(sla_lines(room.language, ticket.sla, zone=zone, now=now)),
            )
            queue_reply(
                uow,
                room.channel,
                room.chat_ref,
                render_card(ticket, facts, room.language),
                ticket_id=ticket.id,
                edit_key=card_key(room.channel, room.chat_ref, ticket.number),
            )


async def relay_to_agents(
    uow: UnitOfWork,
    ticket: Ticket,
    *,
    author: str,
    body: str,
    attachments: Sequence[Attachment] = (),
) -> None:
    """Show a requester's message in every agents' room, as a reply to the ticket's card."""
    for room in await uow.rooms.all():
        reply = replace(
            agent_reply(ticket, author, body)(room.language),
            attachments=tuple(a for a in attachments if a.channel == room.channel),
        )
        queue_reply(
            uow,
            room.channel,
            room.chat_ref,
            reply,
            ticket_id=ticket.id,
            reply_to_key=card_key(room.channel, room.chat_ref, ticket.number),
        )


async def files_to_agents(
    uow: UnitOfWork, ticket: Ticket, attachments: Sequence[Attachment]
) -> None:
    """Show the files a request came with in every agents' room on the messenger they are on
    (a file lives on one messenger), as a reply to the ticket's card."""
    for room in await uow.rooms.all():
        here = tuple(a for a in attachments if a.channel == room.channel)
        if not here:
            continue
        text = _(room.language, "Files attached to ticket #{number}:", number=ticket.number)
        queue_reply(
            uow,
            room.channel,
            room.chat_ref,
            Reply(spans=(Span(text),), attachments=here),
            ticket_id=ticket.id,
            reply_to_key=card_key(room.channel, room.chat_ref, ticket.number),
        )


def _ticket_span(ticket: Ticket) -> Span:
    return bold(f"#{ticket.number}")


def registered(ticket: Ticket) -> ReplyBuilder:
    return _simple("Your request is registered as ticket {ticket}.", ticket)


def claimed(ticket: Ticket, agent_name: str) -> ReplyBuilder:
    return _simple("{agent} is now working on your ticket {ticket}.", ticket, agent=agent_name)


def waiting(ticket: Ticket) -> ReplyBuilder:
    return _simple("Ticket {ticket} is waiting for your answer. Just reply here.", ticket)


def reopened(ticket: Ticket) -> ReplyBuilder:
    return _simple("Ticket {ticket} was reopened.", ticket)


def closed(ticket: Ticket) -> ReplyBuilder:
    return _simple("Ticket {ticket} is closed.", ticket)


def escalated(ticket: Ticket) -> ReplyBuilder:
    return _simple("Ticket {ticket} was passed to second-line support.", ticket)


def merged(ticket: Ticket, into_number: int) -> ReplyBuilder:
    return _simple(
        "Ticket {ticket} duplicates ticket #{other} and was closed; we continue there.",
        ticket,
        other=into_number,
    )


def agent_reply(ticket: Ticket, agent_name: str, body: str) -> ReplyBuilder:
    def build(language: str) -> Reply:
        head = fill(
            _(language, "{agent} on ticket {ticket}:"),
            {"agent": bold(agent_name), "ticket": _ticket_span(ticket)},
        )
        return Reply(spans=(*head, Span("\n"), quote(body)))

    return build


def resolved(ticket: Ticket, resolution: str) -> ReplyBuilder:
    def build(language: str) -> Reply:
        spans = [
            *fill(_(language, "Ticket {ticket} is resolved."), {"ticket": _ticket_span(ticket)})
        ]
        if resolution:
            spans += [Span("\n"), quote(resolution)]
        spans.append(Span("\n" + _(language, "How did we do? Rate the solution:")))
        return Reply(spans=tuple(spans), buttons=rating_buttons(ticket, language))

    return build


def rating_buttons(ticket: Ticket, language: str) -> tuple[tuple[Button, ...], ...]:
    """One to five stars, and "not solved — reopen"."""
    stars = tuple(button("★" * score, Act.RATE, ticket.number, score) for score in range(1, 6))
    return stars, (button(_(language, "Not solved — reopen"), Act.REOPEN, ticket.number),)


def _simple(message: str, ticket: Ticket, **plain: object) -> ReplyBuilder:
    def build(language: str) -> Reply:
        return Reply(spans=fill(_(language, message), {**plain, "ticket": _ticket_span(ticket)}))

    return build
