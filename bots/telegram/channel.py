"""The Telegram channel inside `chatdesk run`: polling or webhook, commands, outbox sender."""

from __future__ import annotations

import asyncio
import logging
from contextlib import AbstractAsyncContextManager

from aiogram import Dispatcher

from bots.telegram.bot import create_bot
from bots.telegram.events import CHANNEL, CLOUD_DOWNLOAD_LIMIT
from bots.telegram.handlers import build_router
from bots.telegram.kind import rooms_in
from bots.telegram.menus import SYNC_SECONDS, CommandMenus
from bots.telegram.polling import Poller, PollingLock, PollingOptions
from bots.telegram.profile import TELEGRAM_PROFILE
from bots.telegram.sender import TelegramSender
from bots.telegram.webhook import WEBHOOK_PATH, add_webhook_route, watch_webhook
from core.channels import ChannelHost
from core.intake.events import InboundEvent, Outcome
from core.ports import AgentRoom
from core.services import people
from core.supervision import Probe

log = logging.getLogger(__name__)
ALLOWED_UPDATES = ["message", "callback_query"]
MENUS = "telegram-menus"


class TelegramChannel:
    name = TELEGRAM_PROFILE.name

    def __init__(
        self,
        host: ChannelHost,
        *,
        file_limit: int = CLOUD_DOWNLOAD_LIMIT,
        polling: PollingOptions | None = None,
        polling_lock: PollingLock | None = None,
        menu_sync_seconds: float = SYNC_SECONDS,
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
        self.menus = CommandMenus(self.bot, self.rooms)
        self.menu_sync_seconds = menu_sync_seconds
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
            build_router(
                self.host.processor,
                bot_username=me.username,
                file_limit=self.file_limit,
                on_handled=self._handled,
            )
        )
        await self.menus.register(await self._agents())
        self.supervisor.spawn(MENUS, self._keep_menus_in_step)
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

    async def _agents(self) -> set[str]:
        async with self.host.uow_factory() as uow:
            return await people.agent_user_refs(uow, channel=CHANNEL)

    async def refresh_menus(self) -> None:
        """Bring the agents' private command menus in step with the stored agents."""
        await self.menus.sync(await self._agents())

    async def _keep_menus_in_step(self, probe: Probe) -> None:
        probe.ok()
        while True:
            await asyncio.sleep(self.menu_sync_seconds)
            await self.refresh_menus()
            probe.ok()

    async def _handled(self, event: InboundEvent, outcome: Outcome) -> None:
        if event.is_private and outcome.by_agent is not None:
            await self.menus.seen(event.chat_ref, is_agent=outcome.by_agent)

    async def stop(self) -> None:
        await self.supervisor.stop(CHANNEL, MENUS)
        await self.bot.session.close()
