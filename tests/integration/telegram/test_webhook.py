"""Webhook mode: Telegram POSTs updates to the ASGI app; the secret token is checked."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from bots.telegram.webhook import SECRET_HEADER, WEBHOOK_PATH
from storage.unit_of_work import Database
from tests.fakes.telegram_server import FakeTelegramServer
from tests.integration.telegram.desk import TelegramDesk, eventually
from tests.integration.telegram.staff import RITA, outbox_rows, processed_keys, staffed_desk
from tests.integration.telegram.test_text_hygiene import BROKEN, STORED

WEBHOOK_URL = "https://example.test/telegram/webhook"
SECRET = "s3cret_-token"


@pytest.fixture
async def desk(db: Database, fake: FakeTelegramServer) -> AsyncIterator[TelegramDesk]:
    running = await staffed_desk(
        db, fake, telegram_webhook_url=WEBHOOK_URL, telegram_webhook_secret=SECRET
    )
    yield running
    await running.stop()


@pytest.fixture
async def client(desk: TelegramDesk) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=desk.app)
    async with httpx.AsyncClient(transport=transport, base_url="https://example.test") as http:
        yield http


def _update(fake: FakeTelegramServer, update_id: int, text: str) -> dict[str, Any]:
    message = fake.state.new_message(fake.register_chat(RITA), RITA) | {"text": text}
    if text.startswith("/"):
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text)}]
    return {"update_id": update_id, "message": message}


async def test_webhook_is_registered_with_the_secret_and_polling_is_off(
    desk: TelegramDesk, fake: FakeTelegramServer
) -> None:
    [registered] = fake.requests_for("setWebhook")
    assert registered["url"] == WEBHOOK_URL
    assert registered["secret_token"] == SECRET
    assert set(registered["allowed_updates"]) == {"message", "callback_query"}
    assert fake.updates.webhook is not None
    assert not fake.requests_for("getUpdates") and not fake.requests_for("deleteWebhook")


async def test_the_right_secret_is_handled_and_a_repeat_changes_nothing(
    desk: TelegramDesk, db: Database, fake: FakeTelegramServer, client: httpx.AsyncClient
) -> None:
    update = _update(fake, 501, "/start")
    answer = await client.post(WEBHOOK_PATH, json=update, headers={SECRET_HEADER: SECRET})
    assert answer.status_code == 200
    hello = await desk.next_message(RITA, after=0, contains="Hello, Rita!")
    assert hello["parse_mode"] == "HTML"
    assert "update:501" in await processed_keys(db)
    queued = len(await outbox_rows(db))

    again = await client.post(WEBHOOK_PATH, json=update, headers={SECRET_HEADER: SECRET})
    assert again.status_code == 200
    assert len(await outbox_rows(db)) == queued, "a redelivered update queues no reply"


async def test_a_wrong_or_missing_secret_is_401_and_a_bad_body_400_and_nothing_is_handled(
    desk: TelegramDesk, db: Database, fake: FakeTelegramServer, client: httpx.AsyncClient
) -> None:
    update = _update(fake, 502, "/start")
    for headers in ({SECRET_HEADER: "wrong-secret"}, {SECRET_HEADER: SECRET[:-1]}, {}):
        answer = await client.post(WEBHOOK_PATH, json=update, headers=headers)
        assert answer.status_code == 401, headers
    bodies = [b"{not json", b"\xff\xfe", json.dumps([1, 2]).encode(), b'{"update_id": "x"}']
    for body in bodies:
        answer = await client.post(
            WEBHOOK_PATH,
            content=body,
            headers={SECRET_HEADER: SECRET, "content-type": "application/json"},
        )
        assert answer.status_code == 400, body
    assert await processed_keys(db) == []
    assert await outbox_rows(db) == []
    assert desk.chat(RITA) == [] and not fake.requests_for("sendMessage")


async def test_healthz_reports_the_webhook_as_telegram_sees_it(
    desk: TelegramDesk, fake: FakeTelegramServer, client: httpx.AsyncClient
) -> None:
    async def telegram_ok() -> bool:
        body = (await client.get("/healthz")).json()
        return bool(body["channels"]["telegram"]["status"] == "ok")

    await eventually(telegram_ok)
    assert fake.requests_for("getWebhookInfo"), "asked Telegram how the webhook is doing"


async def test_a_body_over_the_cap_is_413_and_nothing_is_handled(
    desk: TelegramDesk, db: Database, fake: FakeTelegramServer, client: httpx.AsyncClient
) -> None:
    """A valid update padded to 5 MB is refused before it is read whole; a normal one that
    follows is handled."""
    update = _update(fake, 503, "/start")
    update["message"]["text"] = "/start " + "x" * (5 * 1024 * 1024)
    body = json.dumps(update).encode()
    headers = {SECRET_HEADER: SECRET, "content-type": "application/json"}
    answer = await client.post(WEBHOOK_PATH, content=body, headers=headers)
    assert answer.status_code == 413

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: counted while read
        for start in range(0, len(body), 64 * 1024):
            yield body[start : start + 64 * 1024]

    answer = await client.post(WEBHOOK_PATH, content=chunks(), headers=headers)
    assert answer.status_code == 413
    assert await processed_keys(db) == [] and await outbox_rows(db) == []

    answer = await client.post(WEBHOOK_PATH, json=_update(fake, 504, "/start"), headers=headers)
    assert answer.status_code == 200
    await desk.next_message(RITA, after=0, contains="Hello, Rita!")


async def test_a_nul_and_lone_surrogates_over_the_webhook_are_answered_not_a_500(
    desk: TelegramDesk, db: Database, fake: FakeTelegramServer, client: httpx.AsyncClient
) -> None:
    message = fake.state.new_message(fake.register_chat(RITA), RITA) | {"text": BROKEN}
    message["from"] = message["from"] | {"first_name": "Rita\ud800"}
    body = json.dumps({"update_id": 901, "message": message})  # "\ud83d" escaped, as Telegram does
    assert "\\ud83d" in body
    answer = await client.post(
        WEBHOOK_PATH,
        content=body.encode(),
        headers={SECRET_HEADER: SECRET, "content-type": "application/json"},
    )
    assert answer.status_code == 200
    await desk.next_message(RITA, after=0, with_buttons=True)
    assert "update:901" in await processed_keys(db)
    async with db.uow() as uow:
        talk = await uow.conversations.get("telegram", str(RITA.id))
    assert talk is not None and talk.draft.question == STORED
