"""Handling one inbound platform event end to end, the same for every channel.

One transaction holds the deduplication record, every change the event causes and the outbox
rows for every reply, so a redelivery, a crash or a refusal never half-applies anything. The
outbox is kicked right after the commit so replies go out without waiting for the next sweep.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace

from core.i18n import N_, gettext
from core.intake.events import ChannelUser, DeskConfig, InboundEvent, Outcome
from core.intake.forms import with_texts
from core.intake.from_message import MessageToTicket, ticket_from_message
from core.intake.handler import handle
from core.intake.rooms import queue_outcome
from core.messages import Reply, Span
from core.ports import UnitOfWorkFactory
from core.services.knowledge_index import KnowledgeBase
from core.services.notify import queue_reply
from core.text_hygiene import scrub, scrub_or_empty

FAILED_TURN = N_("Sorry, something went wrong. Please try again in a minute.")
"""What a person is told when handling their message or button press failed unexpectedly."""
log = logging.getLogger(__name__)


class InboundProcessor:
    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        *,
        kb: KnowledgeBase,
        config: DeskConfig,
        after_commit: Callable[[], None] | None = None,
    ) -> None:
        self._uow = uow_factory
        self._kb = kb
        self.config = config
        self._after_commit = after_commit

    async def process(self, event: InboundEvent) -> Outcome:
        """Handle one event from a channel adapter: its text is scrubbed first
        (:func:`scrub_event`), the engine runs in one transaction, replies are kicked out.

        When handling fails unexpectedly, nothing of it is written; the person is told so
        (once per event, even if it is delivered again and fails again), and the error
        propagates to the adapter. A button press is left to the adapter, which answers it."""
        event = scrub_event(event)
        try:
            async with self._uow() as uow:
                outcome = await handle(uow, event, kb=self._kb, config=self.config)
                queue_outcome(uow, outcome)
                await uow.commit()
        except Exception:
            if event.kind != "button":
                await self._apologise(event)
            raise
        if outcome.replies and self._after_commit is not None:
            self._after_commit()
        return outcome

    async def say(self, *, event_key: str, channel: str, chat_ref: str, text: str) -> bool:
        """Answer an event the engine does not take (a file too large, a sticker) with a notice,
        deduplicated like any event. Returns False for a redelivery."""
        async with self._uow() as uow:
            if not await uow.inbound.first_time(channel, scrub(event_key), now=uow.clock.now()):
                return False
            queue_reply(uow, channel, scrub(chat_ref), Reply(spans=(Span(scrub(text)),)))
            await uow.commit()
        if self._after_commit is not None:
            self._after_commit()
        return True

    async def ticket_from_message(self, request: MessageToTicket) -> int | None:
        """Open a ticket from a message (see :mod:`core.intake.from_message`); its number, or
        None when that message already made one."""
        async with self._uow() as uow:
            ticket = await ticket_from_message(
                uow, request, default_language=self.config.default_language
            )
            await uow.commit()
        if ticket is not None and self._after_commit is not None:
            self._after_commit()
        return ticket.number if ticket else None

    async def _apologise(self, event: InboundEvent) -> None:
        language = (event.user.language_code or self.config.default_language).split("-")[0]
        try:
            await self.say(
                # Its own key: a redelivery of the event is still handled afresh.
                event_key=f"{event.event_key}:failed",
                channel=event.channel,
                chat_ref=event.chat_ref,
                text=gettext(language.lower(), FAILED_TURN),
            )
        except Exception:  # noqa: BLE001 - the storage itself may be what failed
            log.warning("could not tell %s that handling failed", event.chat_ref, exc_info=True)


def scrub_event(event: InboundEvent) -> InboundEvent:
    """The event with every string a person (or their client) chose made storable
    (:mod:`core.text_hygiene`): NUL removed, lone surrogates replaced; a text, caption or
    command argument that shows nothing becomes "" (so it is read as no text at all)."""
    user = event.user
    return replace(
        event,
        chat_ref=scrub(event.chat_ref),
        event_key=scrub(event.event_key),
        user=ChannelUser(
            external_id=scrub(user.external_id),
            display_name=scrub_or_empty(user.display_name) or scrub(user.external_id),
            username=_scrub_optional(user.username),
            language_code=_scrub_optional(user.language_code),
            email=_scrub_optional(user.email),
            time_zone=_scrub_optional(user.time_zone),
        ),
        text=scrub_or_empty(event.text),
        action=scrub(event.action),
        command=scrub(event.command),
        args=scrub_or_empty(event.args),
        attachments=tuple(
            replace(
                item,
                file_ref=scrub(item.file_ref),
                name=scrub(item.name),
                mime_type=scrub(item.mime_type),
            )
            for item in event.attachments
        ),
        message_ref=None if event.message_ref is None else scrub(event.message_ref),
        reply_to_ref=None if event.reply_to_ref is None else scrub(event.reply_to_ref),
        form=None if event.form is None else with_texts(event.form, scrub_or_empty),
    )


def _scrub_optional(value: str | None) -> str | None:
    return None if value is None else scrub(value)
