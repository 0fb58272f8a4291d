"""Webhook mode: an endpoint on the same ASGI app as the admin panel.

The secret token Telegram sends in ``X-Telegram-Bot-Api-Secret-Token`` is checked in constant
time (401 otherwise). The body is read up to a cap (``CHATDESK_TELEGRAM_WEBHOOK_MAX_BYTES``, 1 MB
by default; Bot API updates are a few kilobytes): a larger one is refused with 413 before it is
read whole. The update is handled before we answer, so a failure answers 500 and Telegram
delivers it again; deduplication by ``update_id`` makes the repeat harmless.

With no polling loop to notice an outage, :func:`watch_webhook` asks Telegram now and then
whether it could deliver to us (``getWebhookInfo``) and reports that as the channel's health.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
from datetime import UTC, datetime

from aiogram import Bot, Dispatcher
from aiogram.types import Update
from fastapi import Request, Response
from pydantic import ValidationError

from core.channels import WebRoutes
from core.supervision import Probe

log = logging.getLogger(__name__)

WEBHOOK_PATH = "/telegram/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
DEFAULT_MAX_BODY = 1024 * 1024


class BodyTooLarge(Exception):
    pass


async def read_capped(request: Request, limit: int) -> bytes:
    """The request body, refusing (:class:`BodyTooLarge`) one over ``limit`` bytes as soon as
    its declared length or the bytes read so far say so."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise BodyTooLarge
    return bytes(body)


def add_webhook_route(
    app: WebRoutes,
    *,
    dispatcher: Dispatcher,
    bot: Bot,
    secret: str,
    probe: Probe,
    max_body: int = DEFAULT_MAX_BODY,
) -> None:
    async def telegram_webhook(request: Request) -> Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not secrets.compare_digest(given.encode(), secret.encode()):
            return Response(status_code=401)
        try:
            body = await read_capped(request, max_body)
        except BodyTooLarge:
            log.warning("webhook: a request body over %d bytes was refused (413)", max_body)
            return Response(status_code=413)
        try:
            update = Update.model_validate(json.loads(body), context={"bot": bot})
        except (ValueError, ValidationError):
            return Response(status_code=400)
        try:
            await dispatcher.feed_update(bot, update)
        except Exception:  # noqa: BLE001 - answer 500 so Telegram retries
            log.exception("webhook update %s failed", update.update_id)
            return Response(status_code=500)
        probe.ok()
        return Response(status_code=200)

    app.add_api_route(WEBHOOK_PATH, telegram_webhook, methods=["POST"], include_in_schema=False)


async def watch_webhook(bot: Bot, url: str, probe: Probe, *, every: float = 60.0) -> None:
    """Report the webhook's health from Telegram's side until cancelled: degraded when it is
    not set to ``url`` or Telegram failed to deliver to it since the last look."""
    looked_at = datetime.now(UTC)
    while True:
        info = await bot.get_webhook_info()
        failed_at = info.last_error_date
        if info.url != url:
            probe.degraded(f"the webhook is set to {info.url or 'nothing'!r}, not {url!r}")
        elif failed_at is not None and failed_at >= looked_at:
            probe.degraded(
                f"Telegram could not deliver to the webhook: {info.last_error_message} "
                f"({info.pending_update_count} updates waiting)"
            )
        else:
            probe.ok()
        looked_at = datetime.now(UTC)
        await asyncio.sleep(every)
