"""chatdesk's Telegram channel in a test: the real aiogram bot, polling a fake Bot API server
over HTTP, with the real engine, outbox and a real database behind it."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import Any

from admin.app import create_app
from bots.telegram.channel import TelegramChannel
from bots.telegram.menus import SYNC_SECONDS
from bots.telegram.polling import PollingOptions
from chatdesk.runner import desk_config
from core.channels import ChannelHost
from core.intake.inbound import InboundProcessor
from core.intake.rooms import sync_agent_rooms
from core.messages import Sender
from core.services import article_curation, knowledge_index
from core.services.context import operator
from core.services.outbox import OutboxWorker
from core.settings import Settings
from core.supervision import HealthRegistry, Supervisor
from storage.unit_of_work import Database
from tests.fakes.telegram_objects import TgChat, TgUser, group_chat
from tests.fakes.telegram_server import FakeTelegramServer
from tests.integration.intake.harness import articles

AGENTS_CHAT = -1001000000001


class TelegramDesk:
    """Start with :meth:`start`; :meth:`restart` stops the bot and starts a new one on the same
    database, as a process restart would."""

    def __init__(
        self,
        db: Database,
        fake: FakeTelegramServer,
        *,
        polling: PollingOptions | None = None,
        menu_sync_seconds: float = SYNC_SECONDS,
        **settings: Any,
    ) -> None:
        self.db = db
        self.fake = fake
        self.polling = polling
        self.menu_sync_seconds = menu_sync_seconds
        self.settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            database_url="sqlite+aiosqlite:///unused.db",
            telegram_token=fake.token,
            telegram_api_url=fake.url,
            telegram_agents_chat=str(AGENTS_CHAT),
            **settings,
        )
        self.room: TgChat = group_chat(AGENTS_CHAT, "Agents")
        self.health = HealthRegistry()
        self.supervisor = Supervisor(self.health)
        self.app = create_app(settings=self.settings, database=db, health=self.health)
        self.channel: TelegramChannel | None = None
        self._ticker: asyncio.Task[None] | None = None

    async def start(self, *, with_articles: bool = True) -> TelegramDesk:
        kb = knowledge_index.KnowledgeBase()
        config = desk_config(self.settings)
        async with self.db.uow() as uow:
            await sync_agent_rooms(uow, config.agent_rooms)
            if with_articles and not await uow.articles.all():
                for article in articles():
                    await article_curation.save_article(uow, kb, actor=operator(), article=article)
            await kb.load(uow)
            await uow.commit()
        senders: dict[str, Sender] = {}
        self.worker = OutboxWorker(self.db.uow, senders)
        processor = InboundProcessor(
            self.db.uow, kb=kb, config=config, after_commit=self.worker.kick
        )
        host = ChannelHost(
            settings=self.settings,
            processor=processor,
            uow_factory=self.db.uow,
            web=self.app,
            supervisor=self.supervisor,
        )
        self.channel = TelegramChannel(
            host, polling=self.polling, menu_sync_seconds=self.menu_sync_seconds
        )
        senders[self.channel.name] = self.channel.sender
        self.fake.register_chat(self.room)
        await self.channel.start()
        self._ticker = asyncio.create_task(self._tick())
        return self

    async def _tick(self) -> None:
        """What the scheduler does in production: sweep the outbox regularly (retries)."""
        while True:
            await asyncio.sleep(0.2)
            await self.worker.sweep()

    async def stop(self) -> None:
        await self.worker.stop(grace=2)  # the sweep in flight ends and records what it sent
        if self._ticker is not None:
            self._ticker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._ticker
        if self.channel is not None:
            await self.channel.stop()
            self.channel = None

    async def crash(self) -> None:
        """What kill -9 leaves behind: sends in flight are abandoned and nothing is recorded."""
        await self.worker.stop(grace=0)
        if self._ticker is not None:
            self._ticker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._ticker
            self._ticker = None
        if self.channel is not None:
            await self.channel.stop()
            self.channel = None

    async def restart(self) -> None:
        await self.stop()
        await self.start()

    # --- reading what people see -------------------------------------------------------------

    def chat(self, who: TgUser | TgChat) -> list[dict[str, Any]]:
        return self.fake.messages_in(who.id)

    async def next_message(
        self, who: TgUser | TgChat, *, after: int, contains: str = "", with_buttons: bool = False
    ) -> dict[str, Any]:
        """Wait for a new bot message in a chat (index ``after`` onwards) whose text has
        ``contains`` (and that carries buttons, if asked)."""

        def found() -> dict[str, Any] | None:
            for message in self.chat(who)[after:]:
                if contains in (message.get("plain_text") or message.get("caption") or "") and (
                    not with_buttons or buttons(message)
                ):
                    return message
            return None

        return await self.fake.wait_for(found)

    async def say(
        self,
        user: TgUser,
        text: str,
        *,
        contains: str = "",
        chat: TgChat | None = None,
        reply_to: int | None = None,
        with_buttons: bool = False,
    ) -> dict[str, Any]:
        where = chat or user
        before = len(self.chat(where))
        await self.fake.user_sends_text(user, text, chat=chat, reply_to_message_id=reply_to)
        return await self.next_message(
            where, after=before, contains=contains, with_buttons=with_buttons
        )

    async def press(
        self,
        user: TgUser,
        message: dict[str, Any],
        label: str,
        *,
        contains: str = "",
        chat: TgChat | None = None,
        with_buttons: bool = False,
    ) -> dict[str, Any]:
        where = chat or user
        before = len(self.chat(where))
        await self.fake.user_presses_button(user, message, button(message, label))
        return await self.next_message(
            where, after=before, contains=contains, with_buttons=with_buttons
        )


async def eventually(check: Callable[[], Awaitable[bool]], *, seconds: float = 5.0) -> None:
    """Wait until an asynchronous check (a database read) holds."""
    try:
        async with asyncio.timeout(seconds):
            while not await check():  # noqa: ASYNC110 - a database read has no event to await
                await asyncio.sleep(0.02)
    except TimeoutError:
        raise AssertionError(f"condition not reached within {seconds} s") from None


def last_with_button(messages: list[dict[str, Any]], label: str) -> dict[str, Any]:
    for message in reversed(messages):
        if label in buttons(message):
            return message
    raise AssertionError(f"no message with a {label!r} button")


def buttons(message: dict[str, Any]) -> dict[str, str]:
    markup = message.get("reply_markup") or {}
    return {b["text"]: b["callback_data"] for row in markup.get("inline_keyboard", []) for b in row}


def button(message: dict[str, Any], label: str) -> str:
    found = buttons(message)
    if label not in found:
        raise AssertionError(f"no button {label!r} in {list(found)}")
    return found[label]
