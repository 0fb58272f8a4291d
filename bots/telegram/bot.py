"""Building the aiogram Bot for any Bot API server (public, self-hosted, or a local fake)."""

from __future__ import annotations

import functools

from aiogram import Bot, methods
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.methods.base import Response

from core.errors import ConfigurationError
from core.settings import Settings

# The Bot API methods chatdesk calls while running (polling, replying, editing, toasts).
_HOT_METHODS = (
    methods.GetUpdates,
    methods.SendMessage,
    methods.EditMessageText,
    methods.AnswerCallbackQuery,
    methods.SendMediaGroup,
)


def create_bot(settings: Settings) -> Bot:
    if settings.telegram_token is None:
        raise ConfigurationError("CHATDESK_TELEGRAM_TOKEN is not set.")
    _keep_response_models()
    api = TelegramAPIServer.from_base(settings.telegram_api_url)
    return Bot(settings.telegram_token.get_secret_value(), session=AiohttpSession(api=api))


@functools.cache
def _keep_response_models() -> tuple[type, ...]:
    """aiogram parses every answer as ``Response[T]``, and pydantic keeps parametrised models
    only in a weak cache: unreferenced, each is garbage-collected and rebuilt (a full schema
    build) on a later call. Holding the ones we use keeps that work out of every request."""
    return tuple(Response[method.__returning__] for method in _HOT_METHODS)  # type: ignore[name-defined]
