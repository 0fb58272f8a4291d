"""Telegram as a kind of channel: configured by its token, built lazily (aiogram is heavy)."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from bots.telegram.profile import TELEGRAM_PROFILE, TelegramProfile
from core.channels import ChannelHost
from core.ports import AgentRoom
from core.settings import Settings

if TYPE_CHECKING:
    from bots.telegram.channel import TelegramChannel

GET_ME_TIMEOUT_S = 10


def rooms_in(settings: Settings) -> tuple[AgentRoom, ...]:
    if not settings.telegram_enabled or not settings.telegram_agents_chat:
        return ()
    return (
        AgentRoom(TELEGRAM_PROFILE.name, settings.telegram_agents_chat, settings.default_language),
    )


class TelegramKind:
    profile: TelegramProfile = TELEGRAM_PROFILE

    def configured(self, settings: Settings) -> bool:
        return settings.telegram_enabled

    def rooms(self, settings: Settings) -> tuple[AgentRoom, ...]:
        return rooms_in(settings)

    def create(self, host: ChannelHost) -> TelegramChannel:
        from bots.telegram.channel import TelegramChannel

        return TelegramChannel(host)

    async def invite(self, settings: Settings, payload: str) -> str:
        """A t.me deep link when the bot is reachable; the /start command otherwise."""
        username = await _bot_username(settings)
        if username:
            return f"https://t.me/{username}?start={payload}"
        return self.profile.command_hint(f"start {payload}")


async def _bot_username(settings: Settings) -> str | None:
    if not settings.telegram_enabled:
        return None
    from bots.telegram.bot import create_bot

    bot = create_bot(settings)
    try:
        me = await asyncio.wait_for(bot.get_me(), timeout=GET_ME_TIMEOUT_S)
    except Exception:  # noqa: BLE001 - the link is a convenience; the /start form always works
        return None
    finally:
        await bot.session.close()
    return me.username


TELEGRAM = TelegramKind()
