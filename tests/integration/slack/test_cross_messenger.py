"""One desk, two messengers: a Telegram employee's ticket claimed and answered from Slack, and a
Slack employee's ticket claimed and answered from Telegram. The real aiogram bot polls a fake
Bot API server and the real slack-bolt app takes signed requests from a fake Slack, both in the
same process, on one database; each ticket's card lives in both agents' rooms and stays in sync.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from core.domain.enums import Role
from storage.unit_of_work import Database
from tests.fakes.slack_objects import SlackUser
from tests.fakes.slack_server import FakeSlackServer
from tests.fakes.telegram_objects import TgUser, group_chat
from tests.fakes.telegram_server import FakeTelegramServer
from tests.integration.slack.desk import (
    SlackDesk,
    click,
    open_ticket_by_dm,
    slack_id,
    start_with_telegram,
    tg_open_ticket,
    tg_wait,
)
from tests.integration.telegram.desk import button
from tests.support.desk import make_groups, make_person

AGENTS_CHAT = -1001000000077
TG_RITA = TgUser(id=501, first_name="Rita", language_code="en")
TG_TOM = TgUser(id=12, first_name="Tom", username="tom")


@pytest.fixture
async def alice(slack: FakeSlackServer) -> SlackUser:
    return slack.add_user("alice", real_name="Alice Agent")


@pytest.fixture
async def desk(
    db: Database, slack: FakeSlackServer, telegram: FakeTelegramServer, alice: SlackUser
) -> AsyncIterator[SlackDesk]:
    await make_groups(db)
    await make_person(
        db, "Alice Agent", role=Role.AGENT, channel="slack", external_id=slack_id(alice)
    )
    await make_person(db, "Tom", role=Role.AGENT, external_id=str(TG_TOM.id), username="tom")
    running = await start_with_telegram(db, slack, telegram, agents_chat=AGENTS_CHAT)
    running.triage.members.add(alice.id)
    yield running
    await running.stop()


def _tg_chat(telegram: FakeTelegramServer, chat_id: int) -> list[dict[str, Any]]:
    return telegram.messages_in(chat_id)


async def test_a_telegram_employees_ticket_is_claimed_and_answered_from_slack(
    desk: SlackDesk, slack: FakeSlackServer, telegram: FakeTelegramServer, alice: SlackUser
) -> None:
    rita = TG_RITA.id
    await tg_open_ticket(telegram, TG_RITA, "My VPN keeps dropping every few minutes")
    await tg_wait(telegram, rita, "#1001")

    card = await slack.wait_for(lambda: next(iter(desk.cards()), None), timeout=15)
    assert "#1001" in card["seen"] and card["seen"].split("\n")[0].endswith(" · Rita · just now")
    await click(slack, alice, card, "Claim")
    await tg_wait(telegram, rita, "Alice Agent is now working on your ticket")
    await slack.user_posts(alice, desk.triage, "Please restart the router", thread_ts=card["ts"])
    relayed = await tg_wait(telegram, rita, "Please restart the router")
    assert "Alice Agent" in relayed["plain_text"]
    # the Telegram agents' card shows the claim too
    await telegram.wait_for(
        lambda: any(
            "#1001" in m["plain_text"] and "Alice Agent" in m["plain_text"]
            for m in _tg_chat(telegram, AGENTS_CHAT)
        ),
        timeout=15,
    )


async def test_a_slack_employees_ticket_is_claimed_and_answered_from_telegram(
    desk: SlackDesk, slack: FakeSlackServer, telegram: FakeTelegramServer
) -> None:
    sam = slack.add_user("sam", real_name="Sam Slack")
    await open_ticket_by_dm(desk, sam, "My VPN keeps dropping every few minutes")
    card = await tg_wait(telegram, AGENTS_CHAT, "#1001", with_buttons=True)
    assert card["plain_text"].split("\n")[0] == "#1001 · P2 · Network · Sam Slack · just now"
    assert "tg://user" not in card["text"], "a Slack requester has no Telegram mention link"
    await telegram.user_presses_button(TG_TOM, card, button(card, "Claim"))
    await desk.next_dm(sam, seen_before=set(), contains="Tom is now working on your ticket")
    await telegram.user_sends_text(
        TG_TOM,
        "Please restart the router",
        chat=group_chat(AGENTS_CHAT, "Agents"),
        reply_to_message_id=card["message_id"],
    )
    relayed = await desk.next_dm(sam, seen_before=set(), contains="Please restart the router")
    assert "Tom" in relayed["seen"]
    # the Slack triage card shows the claim too
    await slack.wait_for(
        lambda: any("#1001" in c["seen"] and "Tom" in c["seen"] for c in desk.cards()), timeout=15
    )
