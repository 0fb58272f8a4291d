"""The engine's one entry point: deduplicate, find the person, route, turn refusals into replies."""

from __future__ import annotations

from core.button_data import CARD_ACTS, unpack
from core.errors import ChatdeskError
from core.intake import agent_buttons, employee
from core.intake.desk_commands import COMMANDS
from core.intake.events import DeskConfig, InboundEvent, Outcome, Outgoing
from core.intake.requesters import requester
from core.intake.turn import Turn
from core.messages import Reply
from core.ports import UnitOfWork
from core.services.knowledge_index import KnowledgeBase

EXPIRED = "This button is no longer active."


async def handle(
    uow: UnitOfWork, event: InboundEvent, *, kb: KnowledgeBase, config: DeskConfig
) -> Outcome:
    """Handle one inbound event inside the caller's unit of work and return what to answer.

    The caller queues the replies (:func:`core.intake.rooms.queue_outcome`), answers the toast
    and commits. A redelivered event (same ``event_key``) changes nothing and returns an empty
    outcome with ``duplicate=True``. A refused request (any :class:`ChatdeskError`) writes
    nothing but the dedupe record and comes back as a polite reply (or toast, for a button).
    """
    if not await uow.inbound.first_time(event.channel, event.event_key, now=uow.clock.now()):
        return Outcome(duplicate=True)
    person = await requester(
        uow, event.channel, event.user, default_language=config.default_language
    )
    language = person.language
    turn = Turn(uow, event, person, kb, config, language)
    try:
        async with uow.savepoint():
            await _route(turn)
            await turn.save()
    except ChatdeskError as refused:
        return _refusal(event, language, refused)  # by_agent unknown: the savepoint rolled back
    turn.outcome.by_agent = turn.person.is_agent  # linking may have made them another record
    return turn.outcome


async def _route(turn: Turn) -> None:
    event = turn.event
    if event.kind == "command":
        await COMMANDS.dispatch(turn)
    elif event.kind == "button":
        pressed = unpack(event.action)
        if pressed is None:
            turn.toast(EXPIRED)
        elif pressed.act in CARD_ACTS:
            await agent_buttons.press(turn, pressed)
        elif event.is_private:
            await employee.press(turn, pressed)
        else:
            turn.toast(EXPIRED)
    elif event.kind == "form":
        await employee.form(turn)
    elif event.is_private:
        await employee.message(turn)
    else:
        await agent_buttons.reply_in_room(turn)


def _refusal(event: InboundEvent, language: str, refused: ChatdeskError) -> Outcome:
    if event.kind == "button":
        return Outcome(toast=refused.translated(language))
    reply = Reply(spans=refused.spans(language))
    return Outcome(replies=[Outgoing(event.channel, event.chat_ref, reply)])
