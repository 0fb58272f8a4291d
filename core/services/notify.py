"""Outbox writers: what the requester is told when their ticket changes.

Nothing is sent here: each message becomes an outbox row in the same transaction as the
change that caused it, and the outbox sweep delivers it.
"""

from __future__ import annotations

from collections.abc import Callable

from core.domain.entities import OutboxMessage, Ticket
from core.i18n import gettext as _
from core.messages import Button, Reply, Span, bold, quote, reply_to_payload
from core.ports import UnitOfWork

ReplyBuilder = Callable[[str], Reply]
"""Builds a reply in the recipient's language."""


async def _language_of(uow: UnitOfWork, person_id: int) -> str:
    person = await uow.people.get(person_id)
    return person.language if person else "en"


async def tell_requester(uow: UnitOfWork, ticket: Ticket, build: ReplyBuilder) -> None:
    """Queue a message to the ticket's requester in the conversation the ticket came from."""
    if ticket.conversation_ref is None or ticket.origin_channel in ("admin", "cli"):
        return
    language = await _language_of(uow, ticket.requester_id)
    uow.add(
        OutboxMessage(
            channel=ticket.origin_channel,
            recipient=ticket.conversation_ref,
            payload=reply_to_payload(build(language)),
            ticket_id=ticket.id,
            next_attempt_at=uow.clock.now(),
            created_at=uow.clock.now(),
        )
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
        head = _(language, "{agent} on ticket {ticket}:", agent="\x00", ticket="\x01")
        return Reply(
            spans=(
                *_fill(head, agent=bold(agent_name), ticket=_ticket_span(ticket)),
                Span("\n"),
                quote(body),
            )
        )

    return build


def resolved(ticket: Ticket, resolution: str) -> ReplyBuilder:
    def build(language: str) -> Reply:
        head = _(language, "Ticket {ticket} is resolved.", ticket="\x01")
        spans = [*_fill(head, ticket=_ticket_span(ticket))]
        if resolution:
            spans += [Span("\n"), quote(resolution)]
        spans.append(Span("\n" + _(language, "How did we do? Rate the solution:")))
        stars = tuple(Button("★" * score, f"rate:{ticket.number}:{score}") for score in range(1, 6))
        reopen = (Button(_(language, "Not solved — reopen"), f"reopen:{ticket.number}"),)
        return Reply(spans=tuple(spans), buttons=(stars, reopen))

    return build


def _simple(message: str, ticket: Ticket, **plain: object) -> ReplyBuilder:
    def build(language: str) -> Reply:
        text = _(language, message, ticket="\x01", **{k: str(v) for k, v in plain.items()})
        return Reply(spans=_fill(text, ticket=_ticket_span(ticket)))

    return build


def _fill(text: str, **spans: Span) -> tuple[Span, ...]:
    """Split a translated sentence at placeholder markers and put styled spans in their place."""
    markers = {"\x00": spans.get("agent"), "\x01": spans.get("ticket")}
    out: list[Span] = []
    buffer = ""
    for char in text:
        span = markers.get(char)
        if span is not None:
            if buffer:
                out.append(Span(buffer))
                buffer = ""
            out.append(span)
        else:
            buffer += char
    if buffer:
        out.append(Span(buffer))
    return tuple(out)
