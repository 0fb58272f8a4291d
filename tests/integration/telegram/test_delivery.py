"""Delivery mechanics: an update delivered twice changes nothing twice; a 429 is waited out."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest

from core.domain.enums import OutboxState
from core.intake.events import ChannelUser, InboundEvent
from storage.unit_of_work import Database
from tests.fakes.telegram_server import FakeTelegramServer
from tests.integration.telegram.desk import TelegramDesk, button, eventually
from tests.integration.telegram.staff import (
    RITA,
    all_tickets,
    outbox_rows,
    processed_keys,
    staffed_desk,
)
from tests.support.clock import FakeClock


@pytest.fixture
async def desk(db: Database, fake: FakeTelegramServer) -> AsyncIterator[TelegramDesk]:
    running = await staffed_desk(db, fake)
    yield running
    await running.stop()


async def _summary(desk: TelegramDesk) -> dict[str, Any]:
    asked = await desk.say(RITA, "My VPN keeps dropping every few minutes", with_buttons=True)
    category = await desk.press(RITA, asked, "None of these — create a ticket", with_buttons=True)
    impact = await desk.press(RITA, category, "Network", with_buttons=True)
    urgency = await desk.press(RITA, impact, "Just me", with_buttons=True)
    details = await desk.press(RITA, urgency, "It can wait", contains="press Done")
    return await desk.press(RITA, details, "Done", contains="Please check your request")


async def _push_twice(fake: FakeTelegramServer, update: dict[str, Any]) -> None:
    """Telegram delivering one update twice: both copies are pending before the bot confirms."""
    await fake.push_update(update)
    await fake.push_update(dict(update))
    update_id = update["update_id"]
    await fake.wait_for(
        lambda: not any(u["update_id"] == update_id for u in fake.pending_updates), timeout=10
    )


async def test_the_same_update_delivered_twice_makes_one_ticket(
    desk: TelegramDesk, db: Database, fake: FakeTelegramServer
) -> None:
    summary = await _summary(desk)
    stored = fake.state.messages[(RITA.id, summary["message_id"])]
    fake.state.open_callbacks.add("dup-create")
    create = {
        "update_id": 7001,
        "callback_query": {
            "id": "dup-create",
            "from": RITA.to_api(),
            "message": dict(stored),
            "chat_instance": f"ci{RITA.id}",
            "data": button(summary, "Create"),
        },
    }
    before = len(desk.chat(RITA))
    await _push_twice(fake, create)

    await desk.next_message(RITA, after=before, contains="ticket #1001")
    answers = [
        r
        for r in fake.requests_for("answerCallbackQuery")
        if r["callback_query_id"] == "dup-create"
    ]
    assert len(answers) == 2, "both copies reached the bot's handler"
    [ticket] = await all_tickets(db)
    assert ticket.number == 1001
    registered = [m for m in desk.chat(RITA) if "ticket #1001" in (m["plain_text"] or "")]
    assert len(registered) == 1

    # A text message delivered twice is added to the open ticket once.
    message = fake.state.new_message(fake.state.chats[RITA.id], RITA) | {"text": "Still broken"}
    before = len(desk.chat(RITA))
    await _push_twice(fake, {"update_id": 7002, "message": message})
    await desk.next_message(RITA, after=before, contains="Added to your ticket #1001")
    async with db.uow() as uow:
        assert ticket.id is not None
        bodies = [m.body for m in await uow.history.messages(ticket.id, include_internal=True)]
    assert bodies.count("Still broken") == 1
    added = [m for m in desk.chat(RITA)[before:] if "Added to" in (m["plain_text"] or "")]
    assert len(added) == 1

    # In the engine, the dedupe key is the update id: a third delivery is a no-op too.
    assert {"update:7001", "update:7002"} <= set(await processed_keys(db))
    assert desk.channel is not None
    again = await desk.channel.host.processor.process(
        InboundEvent(
            channel="telegram",
            chat_ref=str(RITA.id),
            user=ChannelUser(str(RITA.id), "Rita", language_code="en"),
            kind="button",
            event_key="update:7001",
            action="create",
            message_ref=str(summary["message_id"]),
        )
    )
    assert again.duplicate and not again.replies
    assert len(await all_tickets(db)) == 1


async def test_a_429_is_retried_after_retry_after_and_the_message_arrives_once(
    desk: TelegramDesk, db: Database, fake: FakeTelegramServer, clock: FakeClock
) -> None:
    fake.fail_next("sendMessage", status=429, retry_after=1)
    await fake.user_sends_text(RITA, "/start")
    await fake.wait_for(lambda: fake.requests_for("sendMessage"))

    async def postponed() -> bool:
        """The refused message waits, and the one after it waits behind it (order kept)."""
        rows = await outbox_rows(db)
        return (
            len(rows) == 2
            and rows[0].last_error is not None
            and rows[1].next_attempt_at == rows[0].next_attempt_at
        )

    await eventually(postponed)
    first, *rest = await outbox_rows(db)
    assert first.state is OutboxState.PENDING and first.attempts == 0, "a 429 is not a failure"
    assert "retry after 1" in (first.last_error or "").lower()
    assert first.next_attempt_at == clock.now() + timedelta(seconds=1)
    assert [r.state for r in rest] == [OutboxState.PENDING]

    clock.advance(seconds=0.5)  # not yet: retry_after is honoured
    await desk.worker.sweep()
    assert len(fake.requests_for("sendMessage")) == 1 and desk.chat(RITA) == []

    clock.advance(seconds=0.5)
    await desk.next_message(RITA, after=0, contains="/help")
    sent = [r["text"] for r in fake.requests_for("sendMessage")]
    assert sent[0] == sent[1] == "Hello, Rita!", "the refused message was sent again"
    texts = [m["plain_text"] for m in desk.chat(RITA)]
    assert texts.count("Hello, Rita!") == 1 and texts[0] == "Hello, Rita!"

    async def all_sent() -> bool:
        return all(r.state is OutboxState.SENT for r in await outbox_rows(db))

    await eventually(all_sent)
