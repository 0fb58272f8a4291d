"""A chat desk in a test: people send events through the engine, the outbox is delivered to a
fake sender that hands out message ids, so edits and replies-to resolve as in production.

The same desk runs under any channel name: ids and chats take that messenger's shape, and
texts show command hints in its syntax, so one transcript test covers every messenger."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from bots.slack.profile import SLACK_PROFILE
from bots.telegram.profile import TELEGRAM_PROFILE
from core.domain.knowledge import Article
from core.intake.events import ChannelUser, DeskConfig, InboundEvent, Outcome
from core.intake.handler import handle
from core.intake.rooms import queue_outcome, sync_agent_rooms
from core.messages import Attachment, Reply
from core.ports import AgentRoom
from core.services import article_curation, knowledge_index, people
from core.services.context import operator
from core.services.outbox import OutboxWorker
from storage.unit_of_work import Database

ROOM = "-100500"
CHANNELS = ("telegram", "slack")
PROFILES = {TELEGRAM_PROFILE.name: TELEGRAM_PROFILE, SLACK_PROFILE.name: SLACK_PROFILE}
_keys = itertools.count(1)


def user_id(channel: str, short: str) -> str:
    """A user id of the channel's shape for a short test id: "501" or "T0DESK:U501"."""
    return f"T0DESK:U{short}" if channel == "slack" else short


@dataclass
class Delivered:
    recipient: str
    reply: Reply
    ref: str
    channel: str
    edited: str | None = None
    reply_to: str | None = None

    @property
    def text(self) -> str:
        return self.reply.plain_text(PROFILES[self.channel].command_hint)


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
        self.log.append(
            Delivered(recipient, reply, ref, self.channel, edit_message_ref, reply_to_ref)
        )
        return ref

    def to(self, recipient: str) -> list[Delivered]:
        return [d for d in self.log if d.recipient == recipient]


@dataclass
class Said:
    """What handling one event produced, with texts shown in the desk's channel syntax."""

    outcome: Outcome
    channel: str

    @property
    def replies(self) -> list[object]:
        return list(self.outcome.replies)

    @property
    def toast(self) -> str | None:
        return self.outcome.toast

    @property
    def duplicate(self) -> bool:
        return self.outcome.duplicate

    def texts(self) -> list[str]:
        return self.outcome.texts(PROFILES[self.channel].command_hint)


class Desk:
    def __init__(
        self, db: Database, *, rooms: tuple[AgentRoom, ...] = (), channel: str = "telegram"
    ) -> None:
        self.db = db
        self.channel = channel
        self.kb = knowledge_index.KnowledgeBase()
        self.config = DeskConfig(default_language="en", agent_rooms=rooms)
        self.sender = FakeSender(channel)
        self.worker = OutboxWorker(db.uow, {channel: self.sender})

    def hint(self, command: str) -> str:
        """A command as people type it on this desk's channel."""
        return PROFILES[self.channel].command_hint(command)

    def room(self) -> AgentRoom:
        return AgentRoom(self.channel, ROOM)

    async def start(self, articles: list[Article] = ()) -> Desk:  # type: ignore[assignment]
        async with self.db.uow() as uow:
            await sync_agent_rooms(uow, self.config.agent_rooms)
            for article in articles:
                await article_curation.save_article(uow, self.kb, actor=operator(), article=article)
            await uow.commit()
        return self

    async def send(self, event: InboundEvent) -> Said:
        async with self.db.uow() as uow:
            outcome = await handle(uow, event, kb=self.kb, config=self.config)
            queue_outcome(uow, outcome)
            await uow.commit()
        await self.worker.sweep()
        return Said(outcome, self.channel)

    async def agent(self, name: str, short_id: str, *, username: str | None = None) -> ChatUser:
        """A registered agent on this desk's channel, as a chat user."""
        async with self.db.uow() as uow:
            await people.add_agent(
                uow,
                actor=operator(),
                display_name=name,
                channel=self.channel,
                external_id=user_id(self.channel, short_id),
                username=username,
            )
            await uow.commit()
        return self.user(name, short_id, username=username)

    def user(
        self,
        name: str,
        short_id: str,
        *,
        language: str | None = "en",
        username: str | None = None,
    ) -> ChatUser:
        external_id = user_id(self.channel, short_id)
        chat_ref = f"D{short_id}" if self.channel == "slack" else short_id
        return ChatUser(self, ChannelUser(external_id, name, username, language), chat_ref)


@dataclass
class ChatUser:
    desk: Desk
    user: ChannelUser
    chat_ref: str

    def event(self, kind: str, *, private: bool = True, **fields: object) -> InboundEvent:
        return InboundEvent(
            channel=self.desk.channel,
            chat_ref=self.chat_ref if private else ROOM,
            user=self.user,
            kind=kind,  # type: ignore[arg-type]
            event_key=f"update:{next(_keys)}",
            is_private=private,
            **fields,  # type: ignore[arg-type]
        )

    async def says(self, text: str, **fields: object) -> Said:
        return await self.desk.send(self.event("text", text=text, **fields))

    async def command(self, line: str, *, private: bool = True) -> Said:
        name, _, args = line.lstrip("/").partition(" ")
        return await self.desk.send(self.event("command", private=private, command=name, args=args))

    async def press(self, action: str, *, private: bool = True, message_ref: str = "1") -> Said:
        return await self.desk.send(
            self.event("button", private=private, action=action, message_ref=message_ref)
        )

    async def sends_file(self, name: str, caption: str = "") -> Said:
        file = Attachment(self.desk.channel, f"file-{name}", name, "image/png", 1234)
        return await self.desk.send(self.event("attachment", text=caption, attachments=(file,)))

    def inbox(self) -> list[str]:
        return [d.text for d in self.desk.sender.to(self.chat_ref)]


def buttons(said: Said | Outcome, index: int = -1) -> dict[str, str]:
    """label → action of one reply's buttons."""
    outcome = said.outcome if isinstance(said, Said) else said
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
