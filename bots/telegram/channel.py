"""The Telegram channel inside `chatdesk run`: polling or webhook, commands, outbox sender."""

from __future__ import annotations

import logging
from contextlib import AbstractAsyncContextManager

from aiogram import Dispatcher
from aiogram.types import BotCommand, BotCommandScopeAllPrivateChats, BotCommandScopeChat

from bots.telegram.bot import create_bot
from bots.telegram.events import CHANNEL, CLOUD_DOWNLOAD_LIMIT
from bots.telegram.handlers import build_router
from bots.telegram.kind import rooms_in
from bots.telegram.polling import Poller, PollingLock, PollingOptions
from bots.telegram.profile import TELEGRAM_PROFILE
from bots.telegram.sender import TelegramSender
from bots.telegram.webhook import WEBHOOK_PATH, add_webhook_route, watch_webhook
from core.channels import ChannelHost
from core.intake.commands import Audience, Command
from core.intake.desk_commands import COMMANDS
from core.ports import AgentRoom
from core.settings import SUPPORTED_LANGUAGES
from core.supervision import Probe

log = logging.getLogger(__name__)
ALLOWED_UPDATES = ["message", "callback_query"]
MENU_DESCRIPTION_MAX = 256


class TelegramChannel:
    name = TELEGRAM_PROFILE.name

    def __init__(
        self,
        host: ChannelHost,
        *,
        file_limit: int = CLOUD_DOWNLOAD_LIMIT,
        polling: PollingOptions | None = None,
        polling_lock: PollingLock | None = None,
    ) -> None:
        """``file_limit``: the largest file the Bot API server lets the bot download. 20 MB on
        Telegram's servers and on a self-hosted ``telegram-bot-api`` unless it runs ``--local``,
        so a custom server URL alone says nothing about it. The host's supervisor keeps polling
        alive and reports the channel's health."""
        self.host = host
        self.settings = host.settings
        self.file_limit = file_limit
        self.bot = create_bot(self.settings)
        self.sender = TelegramSender(self.bot)
        self.rooms: tuple[AgentRoom, ...] = rooms_in(self.settings)
        self.dispatcher = Dispatcher()
        self.supervisor = host.supervisor
        self.health = self.supervisor.registry.probe(CHANNEL, kind="channel")
        self.poller = Poller(
            self.dispatcher,
            self.bot,
            allowed_updates=ALLOWED_UPDATES,
            options=polling,
            lock=polling_lock or self._polling_lock,
        )

    def _polling_lock(self, probe: Probe) -> AbstractAsyncContextManager[None]:
        """One poller per bot among all instances on this database (Telegram answers a second
        ``getUpdates`` consumer with 409 Conflict)."""
        return self.host.locks.hold(f"telegram polling (bot {self.bot.id})", probe=probe)

    @property
    def webhook_mode(self) -> bool:
        return bool(self.settings.telegram_webhook_url)

    async def start(self) -> None:
        me = await self.bot.get_me()
        self.dispatcher.include_router(
            build_router(self.host.processor, bot_username=me.username, file_limit=self.file_limit)
        )
        await self._register_commands()
        if self.webhook_mode:
            secret = self.settings.telegram_webhook_secret
            if secret is None:
                raise ValueError("CHATDESK_TELEGRAM_WEBHOOK_SECRET is required in webhook mode")
            add_webhook_route(
                self.host.web,
                dispatcher=self.dispatcher,
                bot=self.bot,
                secret=secret.get_secret_value(),
                probe=self.health,
                max_body=self.settings.telegram_webhook_max_bytes,
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
        for language in SUPPORTED_LANGUAGES:
            code = None if language == "en" else language
            await self.bot.set_my_commands(
                menu(Audience.EMPLOYEE, language),
                scope=BotCommandScopeAllPrivateChats(),
                language_code=code,
            )
            for room in self.rooms:
                await self.bot.set_my_commands(
                    menu(Audience.AGENT, language),
                    scope=BotCommandScopeChat(chat_id=room.chat_ref),
                    language_code=code,
                )

    async def stop(self) -> None:
        await self.supervisor.stop(CHANNEL)
        await self.bot.session.close()


def menu(audience: Audience, language: str) -> list[BotCommand]:
    """A command menu generated from the command registry, in ``language``."""
    return [
        BotCommand(command=command.name, description=describe(command, help_line, language))
        for command, help_line in COMMANDS.menu(audience, language)
    ]


def describe(command: Command, help_line: str, language: str) -> str:
    """ "Take a ticket: /claim N": the help line, and the arguments when there are some."""
    text = help_line
    if command.params:
        text += ": " + TELEGRAM_PROFILE.command_hint(command.usage(language))
    return text[:MENU_DESCRIPTION_MAX]
