"""The engine's one entry point: deduplicate, find the person, route, turn refusals into replies."""

from __future__ import annotations

from core.errors import ChatdeskError
from core.intake import agent_buttons, agents, employee
from core.intake.events import DeskConfig, InboundEvent, Outcome, Outgoing
from core.intake.turn import Turn
from core.messages import Reply, Span
from core.ports import UnitOfWork
from core.services.knowledge_index import KnowledgeBase
from core.services.people import requester_for
from core.settings import SUPPORTED_LANGUAGES


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
    code = (event.user.language_code or "").split("-")[0].lower()
    person = await requester_for(
        uow,
        channel=event.channel,
        external_id=event.user.external_id,
        display_name=event.user.display_name,
        language=code if code in SUPPORTED_LANGUAGES else config.default_language,
        username=event.user.username,
    )
    language = person.language
    turn = Turn(uow, event, person, kb, config, language)
    try:
        async with uow.savepoint():
            await _route(turn)
            await turn.save()
    except ChatdeskError as refused:
        return _refusal(event, language, refused)
    return turn.outcome


async def _route(turn: Turn) -> None:
    event = turn.event
    if event.kind == "command":
        name = event.command
        agent_view = turn.person.is_agent and name in ("help", "ticket")
        if not event.is_private or name in agents.AGENT_ONLY or agent_view:
            await agents.command(turn)
        else:
            await employee.command(turn)
    elif event.kind == "button":
        if event.action.split(":")[0] in agent_buttons.CARD_VERBS:
            await agent_buttons.press(turn)
        elif event.is_private:
            await employee.press(turn)
        else:
            turn.toast("This button is no longer active.")
    elif event.is_private:
        await employee.message(turn)
    else:
        await agent_buttons.reply_in_room(turn)


def _refusal(event: InboundEvent, language: str, refused: ChatdeskError) -> Outcome:
    text = refused.translated(language)
    if event.kind == "button":
        return Outcome(toast=text)
    return Outcome(replies=[Outgoing(event.channel, event.chat_ref, Reply(spans=(Span(text),)))])
