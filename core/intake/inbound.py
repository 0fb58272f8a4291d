"""Handling one inbound platform event end to end, the same for every channel.

One transaction holds the deduplication record, every change the event causes and the outbox
rows for every reply, so a redelivery, a crash or a refusal never half-applies anything. The
outbox is kicked right after the commit so replies go out without waiting for the next sweep.
"""

from __future__ import annotations

from collections.abc import Callable

from core.intake.events import DeskConfig, InboundEvent, Outcome
from core.intake.handler import handle
from core.intake.rooms import queue_outcome
from core.messages import Reply, Span
from core.ports import UnitOfWorkFactory
from core.services.knowledge_index import KnowledgeBase
from core.services.notify import queue_reply


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
        async with self._uow() as uow:
            outcome = await handle(uow, event, kb=self._kb, config=self.config)
            queue_outcome(uow, outcome)
            await uow.commit()
        if outcome.replies and self._after_commit is not None:
            self._after_commit()
        return outcome

    async def say(self, *, event_key: str, channel: str, chat_ref: str, text: str) -> bool:
        """Answer an event the engine does not take (a file too large, a sticker) with a notice,
        deduplicated like any event. Returns False for a redelivery."""
        async with self._uow() as uow:
            if not await uow.inbound.first_time(channel, event_key, now=uow.clock.now()):
                return False
            queue_reply(uow, channel, chat_ref, Reply(spans=(Span(text),)))
            await uow.commit()
        if self._after_commit is not None:
            self._after_commit()
        return True
