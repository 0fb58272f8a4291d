"""Webhook mode: an endpoint on the same ASGI app as the admin panel.

The secret token Telegram sends in ``X-Telegram-Bot-Api-Secret-Token`` is checked in constant
time (401 otherwise). The update is handled before we answer, so a failure answers 500 and
Telegram delivers it again; deduplication by ``update_id`` makes the repeat harmless.
"""

from __future__ import annotations

import json
import logging
import secrets

from aiogram import Bot, Dispatcher
from aiogram.types import Update
from fastapi import Request, Response
from pydantic import ValidationError

from core.channels import WebRoutes

log = logging.getLogger(__name__)

WEBHOOK_PATH = "/telegram/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def add_webhook_route(app: WebRoutes, *, dispatcher: Dispatcher, bot: Bot, secret: str) -> None:
    async def telegram_webhook(request: Request) -> Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not secrets.compare_digest(given.encode(), secret.encode()):
            return Response(status_code=401)
        try:
            update = Update.model_validate(json.loads(await request.body()), context={"bot": bot})
        except (ValueError, ValidationError):
            return Response(status_code=400)
        try:
            await dispatcher.feed_update(bot, update)
        except Exception:  # noqa: BLE001 - answer 500 so Telegram retries
            log.exception("webhook update %s failed", update.update_id)
            return Response(status_code=500)
        return Response(status_code=200)

    app.add_api_route(WEBHOOK_PATH, telegram_webhook, methods=["POST"], include_in_schema=False)
