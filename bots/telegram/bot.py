"""Building the aiogram Bot for any Bot API server (public, self-hosted, or a local fake)."""

from __future__ import annotations

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer

from core.errors import ConfigurationError
from core.settings import Settings


def create_bot(settings: Settings) -> Bot:
    if settings.telegram_token is None:
        raise ConfigurationError("CHATDESK_TELEGRAM_TOKEN is not set.")
    api = TelegramAPIServer.from_base(settings.telegram_api_url)
    return Bot(settings.telegram_token.get_secret_value(), session=AiohttpSession(api=api))
