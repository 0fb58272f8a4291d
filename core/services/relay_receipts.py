"""What an agent sees of a reply they wrote in the agents' room and the desk relayed.

When the relay reaches the requester, the agent's message is marked (Telegram: a 👌 reaction),
by the sender of the room's channel if it can (:class:`core.messages.RelayMarker`); the mark is
a courtesy, so a failure to set it is only logged. When the relay fails for good (the person
blocked the bot, the chat is gone), the room is told, in reply to the agent's message, so the
agent can reach the person another way.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence

from core.domain.entities import OutboxMessage
from core.domain.enums import OutboxState
from core.i18n import gettext
from core.messages import RelayedFrom, RelayMarker, Reply, Sender, Span
from core.ports import UnitOfWork
from core.services.notify import queue_reply

log = logging.getLogger(__name__)


async def mark_delivered(senders: Mapping[str, Sender], message: OutboxMessage) -> None:
    """Mark the message ``message`` relays, if it relays one and its channel can mark."""
    origin = RelayedFrom.of(message.payload)
    if origin is None:
        return
    sender = senders.get(origin.channel)
    if not isinstance(sender, RelayMarker):
        return
    try:
        await sender.mark_relayed(chat_ref=origin.chat_ref, message_ref=origin.message_ref)
    except Exception as failed:  # noqa: BLE001 - the relay is delivered; the mark is a courtesy
        log.warning(
            "could not mark message %s in %s as relayed: %s",
            origin.message_ref,
            origin.chat_ref,
            failed,
        )


async def report_failures(uow: UnitOfWork, messages: Sequence[OutboxMessage]) -> None:
    """Tell the room of each relay among ``messages`` that failed for good."""
    rooms = None
    for message in messages:
        origin = RelayedFrom.of(message.payload)
        if origin is None or message.state is not OutboxState.FAILED:
            continue
        if rooms is None:
            rooms = {(r.channel, r.chat_ref): r.language for r in await uow.rooms.all()}
        language = rooms.get((origin.channel, origin.chat_ref), "en")
        ticket = await uow.tickets.get_by_id(message.ticket_id) if message.ticket_id else None
        text = gettext(
            language,
            "This reply could not be delivered to the requester of ticket #{number}: {error}",
            number=ticket.number if ticket else "?",
            error=message.last_error or "",
        )
        queue_reply(
            uow,
            origin.channel,
            origin.chat_ref,
            Reply(spans=(Span(text),)),
            ticket_id=message.ticket_id,
            reply_to_ref=origin.message_ref,
        )
