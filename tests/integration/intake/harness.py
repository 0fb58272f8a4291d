"""A chat desk in a test: people send events through the engine, the outbox is delivered to a
fake sender that hands out message ids, so edits and replies-to resolve as in production."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from core.domain.knowledge import Article
from core.intake.events import ChannelUser, DeskConfig, InboundEvent, Outcome
from core.intake.handler import handle
from core.intake.rooms import queue_outcome, sync_agent_rooms
from core.messages import Attachment, Reply
from core.ports import AgentRoom
from core.services import article_curation, knowledge_index
from core.services.context import operator
from core.services.outbox import OutboxWorker
from storage.unit_of_work import Database

ROOM = "-100500"
_keys = itertools.count(1)


@dataclass
class Delivered:
    recipient: str
    reply: Reply
    ref: str
    edited: str | None = None
    reply_to: str | None = None

    @property
    def text(self) -> str:
        return self.reply.plain_text()


@dataclass
class FakeSender:
    channel: str = "telegram"
    log: list[Delivered] = field(default_factory=list)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(500))

    async def deliver(
        self,
        *,
        recipient: str,
        reply: Reply,
        edit_message_ref: str | None = None,
        reply_to_ref: str | None = None,
    ) -> str:
        ref = edit_message_ref or str(next(self._ids))
        self.log.append(Delivered(recipient, reply, ref, edit_message_ref, reply_to_ref))
        return ref

    def to(self, recipient: str) -> list[Delivered]:
        return [d for d in self.log if d.recipient == recipient]


class Desk:
    def __init__(self, db: Database, *, rooms: tuple[AgentRoom, ...] = ()) -> None:
        self.db = db
        self.kb = knowledge_index.KnowledgeBase()
        self.config = DeskConfig(default_language="en", agent_rooms=rooms)
        self.sender = FakeSender()
        self.worker = OutboxWorker(db.uow, {"telegram": self.sender})

    async def start(self, articles: list[Article] = ()) -> Desk:  # type: ignore[assignment]
        async with self.db.uow() as uow:
            await sync_agent_rooms(uow, self.config.agent_rooms)
            for article in articles:
                await article_curation.save_article(uow, self.kb, actor=operator(), article=article)
            await uow.commit()
        return self

    async def send(self, event: InboundEvent) -> Outcome:
        async with self.db.uow() as uow:
            outcome = await handle(uow, event, kb=self.kb, config=self.config)
            queue_outcome(uow, outcome)
            await uow.commit()
        await self.worker.sweep()
        return outcome

    def user(
        self,
        name: str,
        external_id: str,
        *,
        language: str | None = "en",
        username: str | None = None,
    ) -> ChatUser:
        return ChatUser(
            self, ChannelUser(external_id, name, username, language), chat_ref=external_id
        )


@dataclass
class ChatUser:
    desk: Desk
    user: ChannelUser
    chat_ref: str

    def event(self, kind: str, *, private: bool = True, **fields: object) -> InboundEvent:
        return InboundEvent(
            channel="telegram",
            chat_ref=self.chat_ref if private else ROOM,
            user=self.user,
            kind=kind,  # type: ignore[arg-type]
            event_key=f"update:{next(_keys)}",
            is_private=private,
            **fields,  # type: ignore[arg-type]
        )

    async def says(self, text: str, **fields: object) -> Outcome:
        return await self.desk.send(self.event("text", text=text, **fields))

    async def command(self, line: str, *, private: bool = True) -> Outcome:
        name, _, args = line.lstrip("/").partition(" ")
        return await self.desk.send(self.event("command", private=private, command=name, args=args))

    async def press(self, action: str, *, private: bool = True, message_ref: str = "1") -> Outcome:
        return await self.desk.send(
            self.event("button", private=private, action=action, message_ref=message_ref)
        )

    async def sends_file(self, name: str, caption: str = "") -> Outcome:
        file = Attachment("telegram", f"file-{name}", name, "image/png", 1234)
        return await self.desk.send(self.event("attachment", text=caption, attachments=(file,)))

    def inbox(self) -> list[str]:
        return [d.text for d in self.desk.sender.to(self.chat_ref)]


def buttons(outcome: Outcome, index: int = -1) -> dict[str, str]:
    """label → action of one reply's buttons."""
    reply = outcome.replies[index].reply
    return {b.label: b.action for row in reply.buttons for b in row}


def article(id: str, title: str, body: str, *, language: str = "en", **extra: object) -> Article:
    return Article(id=id, title=title, body=body, language=language, **extra)  # type: ignore[arg-type]


def articles() -> list[Article]:
    """Fresh articles (entities must be built after the storage mapping is set up)."""
    return [
        article(
            "vpn-drops",
            "VPN keeps disconnecting",
            "Switch the VPN protocol to TCP and turn off Wi-Fi power saving.",
            category="network",
            tags=["vpn", "wifi"],
            phrasings=["vpn drops every few minutes"],
        ),
        article(
            "vpn-connect",
            "Connecting to the corporate VPN",
            "Open the VPN client, choose the gateway and sign in.",
            category="network",
            tags=["vpn", "remote"],
            phrasings=["vpn does not connect"],
        ),
        article(
            "printer-offline",
            "Printer shows offline",
            "Turn the printer off and on.",
            tags=["printer"],
        ),
        article(
            "vpn-ru",
            "Подключение к VPN",
            "Откройте VPN-клиент и войдите.",
            language="ru",
            tags=["vpn"],
            phrasings=["не подключается впн"],
        ),
    ]
