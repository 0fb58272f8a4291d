"""Agents' rooms: configured per process, kept in storage so every use case can post cards."""

from __future__ import annotations

from collections.abc import Iterable

from core.intake.events import Outcome
from core.ports import AgentRoom, UnitOfWork
from core.services.notify import queue_reply


async def sync_agent_rooms(uow: UnitOfWork, rooms: Iterable[AgentRoom]) -> None:
    """Store exactly these rooms (call at start-up with the rooms from settings; caller commits)."""
    await uow.rooms.replace(list(rooms))


def queue_outcome(uow: UnitOfWork, outcome: Outcome) -> None:
    """Put an outcome's replies in the outbox, in the unit of work that handled the event."""
    for item in outcome.replies:
        queue_reply(
            uow,
            item.channel,
            item.recipient,
            item.reply,
            edit_ref=item.edit_ref,
            reply_to_ref=item.reply_to_ref,
        )
