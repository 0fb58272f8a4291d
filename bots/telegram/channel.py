"""The Telegram channel inside `chatdesk run`: polling or webhook, commands, outbox sender."""

from __future__ import annotations

import logging

from aiogram import Dispatcher
from aiogram.types import BotCommand, BotCommandScopeAllPrivateChats, BotCommandScopeChat
from fastapi import FastAPI

from bots.telegram.bot import create_bot
from bots.telegram.events import CHANNEL, CLOUD_DOWNLOAD_LIMIT
from bots.telegram.handlers import build_router
from bots.telegram.polling import Poller, PollingLock, PollingOptions
from bots.telegram.sender import TelegramSender
from bots.telegram.webhook import WEBHOOK_PATH, add_webhook_route, watch_webhook
from core.intake.commands import bot_commands
from core.intake.inbound import InboundProcessor
from core.settings import Settings
from core.supervision import HealthRegistry, Supervisor

log = logging.getLogger(__name__)
ALLOWED_UPDATES = ["message", "callback_query"]


class TelegramChannel:
    def __init__(
        self,
        settings: Settings,
        processor: InboundProcessor,
        *,
        file_limit: int = CLOUD_DOWNLOAD_LIMIT,
        supervisor: Supervisor | None = None,
        polling: PollingOptions | None = None,
        polling_lock: PollingLock | None = None,
    ) -> None:
        """``file_limit``: the largest file the Bot API server lets the bot download. 20 MB on
        Telegram's servers and on a self-hosted ``telegram-bot-api`` unless it runs ``--local``,
        so a custom server URL alone says nothing about it. ``supervisor`` keeps polling alive
        and reports the channel's health (the process's shared one; a private one if None)."""
        self.settings = settings
        self.processor = processor
        self.file_limit = file_limit
        self.bot = create_bot(settings)
        self.sender = TelegramSender(self.bot)
        self.dispatcher = Dispatcher()
        self.supervisor = supervisor or Supervisor(HealthRegistry())
        self.health = self.supervisor.registry.probe(CHANNEL, kind="channel")
        self.poller = Poller(
            self.dispatcher,
            self.bot,
            allowed_updates=ALLOWED_UPDATES,
            options=polling,
            lock=polling_lock,
        )

    @property
    def webhook_mode(self) -> bool:
        return bool(self.settings.telegram_webhook_url)

    async def start(self, app: FastAPI) -> None:
        me = await self.bot.get_me()
        self.dispatcher.include_router(
            build_router(self.processor, bot_username=me.username, file_limit=self.file_limit)
        )
        await self._register_commands()
        if self.webhook_mode:
            secret = self.settings.telegram_webhook_secret
            if secret is None:
                raise ValueError("CHATDESK_TELEGRAM_WEBHOOK_SECRET is required in webhook mode")
            add_webhook_route(
                app,
                dispatcher=self.dispatcher,
                bot=self.bot,
                secret=secret.get_secret_value(),
                probe=self.health,
            )
            await self.bot.set_webhook(
                str(self.settings.telegram_webhook_url),
                secret_token=secret.get_secret_value(),
                allowed_updates=ALLOWED_UPDATES,
            )
            url = str(self.settings.telegram_webhook_url)
            self.supervisor.spawn(
                CHANNEL, lambda probe: watch_webhook(self.bot, url, probe), kind="channel"
            )
            log.info(
                "telegram: @%s on webhook %s (served at %s)",
                me.username,
                self.settings.telegram_webhook_url,
                WEBHOOK_PATH,
            )
        else:
            self.supervisor.spawn(CHANNEL, self.poller.run, kind="channel")
            log.info("telegram: @%s polling %s", me.username, self.settings.telegram_api_url)

    async def _register_commands(self) -> None:
        for language in ("en", "ru"):
            code = None if language == "en" else language
            people = [BotCommand(command=c, description=d) for c, d in bot_commands(language)]
            await self.bot.set_my_commands(
                people, scope=BotCommandScopeAllPrivateChats(), language_code=code
            )
            if self.settings.telegram_agents_chat:
                agents = [
                    BotCommand(command=c, description=d)
                    for c, d in bot_commands(language, for_agents=True)
                ]
                await self.bot.set_my_commands(
                    agents,
                    scope=BotCommandScopeChat(chat_id=self.settings.telegram_agents_chat),
                    language_code=code,
                )

    async def stop(self) -> None:
        await self.supervisor.stop(CHANNEL)
        await self.bot.session.close()
