"""A ticket made from a message someone wrote elsewhere (Slack's 🎫 reaction or its "Create
ticket" shortcut): the message's author is the requester, the ticket keeps a link to the
message, and the author is told in the conversation the message belongs to (its thread)."""

from __future__ import annotations

from dataclasses import dataclass

from core.domain.entities import Ticket
from core.i18n import N_
from core.intake.events import ChannelUser
from core.intake.requesters import requester
from core.ports import UnitOfWork
from core.services import tickets
from core.services.context import Actor

TITLE_MAX = 120
# What the person who asked for the ticket (Slack's "Create ticket" shortcut) is told.
MADE = N_("Ticket #{number} was created from this message; its author will hear about it.")
ALREADY = N_("A ticket was already created from this message.")
NOT_HERE = N_(
    "Only a person's message in a channel can become a ticket this way (not one in a direct "
    "conversation, in the agents' channel or from a bot)."
)


@dataclass(frozen=True, slots=True)
class MessageToTicket:
    channel: str
    key: str  # one ticket per message: the same key again changes nothing
    author: ChannelUser
    text: str
    link: str  # where the message is (a permalink)
    conversation_ref: str  # where the author hears about the ticket


async def ticket_from_message(
    uow: UnitOfWork, request: MessageToTicket, *, default_language: str
) -> Ticket | None:
    """Open the ticket in the caller's unit of work; None when this message already made one."""
    if not await uow.inbound.first_time(request.channel, request.key, now=uow.clock.now()):
        return None
    person = await requester(
        uow, request.channel, request.author, default_language=default_language
    )
    text = request.text.strip() or request.link
    title = text.split("\n", 1)[0]
    if len(title) > TITLE_MAX:
        title = title[: TITLE_MAX - 1].rstrip() + "…"
    return await tickets.open_ticket(
        uow,
        actor=Actor(person, request.channel),
        request=tickets.NewTicket(
            title=title,
            description=f"{text}\n\n{request.link}",
            conversation_ref=request.conversation_ref,
        ),
    )
