"""One desk, two messengers: a Telegram employee's ticket claimed and answered from Slack, and a
Slack employee's ticket claimed and answered from Telegram. The real aiogram bot polls a fake
Bot API server and the real slack-bolt app takes signed requests from a fake Slack, both in the
same process, on one database; each ticket's card lives in both agents' rooms and stays in sync.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from bots.telegram.channel import TelegramChannel
from core.domain.enums import Role
from storage.unit_of_work import Database
from tests.fakes.slack_objects import SlackUser
from tests.fakes.slack_server import FakeSlackServer
from tests.fakes.telegram_objects import TgUser, group_chat
from tests.fakes.telegram_server import FakeTelegramServer
from tests.integration.slack.desk import SlackDesk, click, open_ticket_by_dm, slack_id
from tests.integration.telegram.desk import button, buttons
from tests.support.desk import make_groups, make_person

AGENTS_CHAT = -1001000000077
TG_RITA = TgUser(id=501, first_name="Rita", language_code="en")
TG_TOM = TgUser(id=12, first_name="Tom", username="tom")


@pytest.fixture
async def telegram() -> AsyncIterator[FakeTelegramServer]:
    async with FakeTelegramServer() as server:
        yield server


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
    running = SlackDesk(
        db,
        slack,
        telegram_token=telegram.token,
        telegram_api_url=telegram.url,
        telegram_agents_chat=str(AGENTS_CHAT),
    )
    telegram.register_chat(group_chat(AGENTS_CHAT, "Agents"))
    await running.start()
    await running.add_channel(TelegramChannel(running.host))
    running.triage.members.add(alice.id)
    yield running
    await running.stop()


def _tg_chat(telegram: FakeTelegramServer, chat_id: int) -> list[dict[str, Any]]:
    return telegram.messages_in(chat_id)


async def _tg_wait(
    telegram: FakeTelegramServer, chat_id: int, contains: str, *, with_buttons: bool = False
) -> dict[str, Any]:
    def found() -> dict[str, Any] | None:
        for message in _tg_chat(telegram, chat_id):
            if contains in (message.get("plain_text") or "") and (
                not with_buttons or buttons(message)
            ):
                return message
        return None

    return await telegram.wait_for(found, timeout=15)


async def _tg_press(
    telegram: FakeTelegramServer, user: TgUser, chat_id: int, label: str, contains: str
) -> dict[str, Any]:
    message = next(m for m in reversed(_tg_chat(telegram, chat_id)) if label in buttons(m))
    before = len(_tg_chat(telegram, chat_id))
    await telegram.user_presses_button(user, message, button(message, label))

    def found() -> dict[str, Any] | None:
        chat = _tg_chat(telegram, chat_id)
        fresh = [m for m in chat[before:] if contains in (m.get("plain_text") or "")]
        edited = [m for m in chat[:before] if m.get("edited") and contains in m["plain_text"]]
        return (fresh or edited or [None])[0]

    return await telegram.wait_for(found, timeout=15)


async def test_a_telegram_employees_ticket_is_claimed_and_answered_from_slack(
    desk: SlackDesk, slack: FakeSlackServer, telegram: FakeTelegramServer, alice: SlackUser
) -> None:
    rita = TG_RITA.id
    await telegram.user_sends_text(TG_RITA, "My VPN keeps dropping every few minutes")
    await _tg_wait(telegram, rita, "", with_buttons=True)
    await _tg_press(telegram, TG_RITA, rita, "None of these — create a ticket", "What is it about?")
    await _tg_press(telegram, TG_RITA, rita, "Network", "")
    await _tg_press(telegram, TG_RITA, rita, "My team", "")
    await _tg_press(telegram, TG_RITA, rita, "I cannot work", "press Done")
    await _tg_press(telegram, TG_RITA, rita, "Done", "")
    await _tg_press(telegram, TG_RITA, rita, "Create", "#1001")

    card = await slack.wait_for(lambda: next(iter(desk.cards()), None), timeout=15)
    assert "#1001" in card["seen"] and card["seen"].split("\n")[0].endswith(" · Rita · just now")
    await click(slack, alice, card, "Claim")
    await _tg_wait(telegram, rita, "Alice Agent is now working on your ticket")
    await slack.user_posts(alice, desk.triage, "Please restart the router", thread_ts=card["ts"])
    relayed = await _tg_wait(telegram, rita, "Please restart the router")
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
    card = await _tg_wait(telegram, AGENTS_CHAT, "#1001", with_buttons=True)
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
