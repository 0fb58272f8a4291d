"""One event being handled: who, where, in what language, the chat's state, and the replies."""

from __future__ import annotations

from dataclasses import dataclass, field

from core.button_data import Act, button
from core.domain.conversation import Conversation
from core.domain.entities import Person
from core.i18n import gettext
from core.intake.events import DeskConfig, InboundEvent, Outcome, Outgoing
from core.messages import Button, Reply, Span, fill
from core.ports import UnitOfWork
from core.services.context import Actor
from core.services.knowledge_index import KnowledgeBase

Buttons = tuple[tuple[Button, ...], ...]


@dataclass
class Turn:
    uow: UnitOfWork
    event: InboundEvent
    person: Person
    kb: KnowledgeBase
    config: DeskConfig
    language: str
    outcome: Outcome = field(default_factory=Outcome)
    _conversation: Conversation | None = None
    _loaded: tuple[str, object] | None = None

    @property
    def actor(self) -> Actor:
        return Actor(self.person, self.event.channel)

    @property
    def person_id(self) -> int:
        assert self.person.id is not None
        return self.person.id

    def _(self, message: str, **values: object) -> str:
        return gettext(self.language, message, **values)

    def spans(self, message: str, **values: object) -> tuple[Span, ...]:
        """Translate ``message`` and fill it; :class:`Span` values (command hints, names in
        bold) keep their style."""
        return fill(gettext(self.language, message), values)

    def send(self, reply: Reply, *, edit: bool = False) -> None:
        """Reply in this chat; ``edit`` replaces the message whose button was pressed."""
        edit_ref = self.event.message_ref if edit and self.event.kind == "button" else None
        self.outcome.replies.append(
            Outgoing(self.event.channel, self.event.chat_ref, reply, edit_ref=edit_ref)
        )

    def say(
        self, message: str, *, buttons: Buttons = (), edit: bool = False, **values: object
    ) -> None:
        """Translate ``message``, fill it and send it with optional buttons."""
        self.send(Reply(spans=self.spans(message, **values), buttons=buttons), edit=edit)

    def toast(self, message: str, **values: object) -> None:
        self.outcome.toast = self._(message, **values)

    def button(self, label: str, act: Act, *args: int | str) -> Button:
        """A button with a translated label."""
        return button(self._(label), act, *args)

    async def conversation(self) -> Conversation:
        """This chat's dialogue state, loaded once per turn (a fresh idle one if none)."""
        if self._conversation is None:
            found = await self.uow.conversations.get(self.event.channel, self.event.chat_ref)
            self._conversation = found or Conversation(
                self.event.channel, self.event.chat_ref, self.person_id
            )
            self._loaded = self._snapshot(self._conversation)
        return self._conversation

    async def stale(self) -> bool:
        """True when the chat has waited in its step longer than that step's limit."""
        talk = await self.conversation()
        return talk.expired(self.uow.clock.now(), self.config.limits)

    async def save(self) -> None:
        """Store the dialogue state if this turn changed it."""
        talk = self._conversation
        if talk is None or self._loaded == self._snapshot(talk):
            return
        talk.person_id = self.person_id
        talk.updated_at = self.uow.clock.now()
        await self.uow.conversations.save(talk)

    @staticmethod
    def _snapshot(talk: Conversation) -> tuple[str, object]:
        return (talk.step.value, repr(talk.draft))
