"""One person using both messengers, with the real aiogram bot and the real slack-bolt app on one
desk: a code asked for in one messenger and sent from the other makes the two accounts one
person, whose tickets from both show up together; news about a ticket still comes where it was
asked. A wrong code is refused politely."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest

from core.domain.enums import Role
from core.services import workflow
from core.services.context import Actor
from storage.unit_of_work import Database
from tests.fakes.slack_objects import SlackUser
from tests.fakes.slack_server import FakeSlackServer
from tests.fakes.telegram_objects import TgUser
from tests.fakes.telegram_server import FakeTelegramServer
from tests.integration.slack.desk import (
    SlackDesk,
    slack_id,
    start_with_telegram,
    tg_open_ticket,
)
from tests.support.desk import make_groups, make_person

AGENTS_CHAT = -1001000000088
TG_RITA = TgUser(id=601, first_name="Rita", language_code="en")
CODE = re.compile(r"[A-Z2-9]{4}-[A-Z2-9]{4}")


@pytest.fixture
async def desk(
    db: Database, slack: FakeSlackServer, telegram: FakeTelegramServer
) -> AsyncIterator[SlackDesk]:
    await make_groups(db)
    running = await start_with_telegram(db, slack, telegram, agents_chat=AGENTS_CHAT)
    yield running
    await running.stop()


async def _tg_says(telegram: FakeTelegramServer, text: str, contains: str) -> str:
    before = len(telegram.messages_in(TG_RITA.id))
    await telegram.user_sends_text(TG_RITA, text)

    def found() -> str | None:
        fresh = telegram.messages_in(TG_RITA.id)[before:]
        return next((m["plain_text"] for m in fresh if contains in m["plain_text"]), None)

    return await telegram.wait_for(found, timeout=15)


async def _slack_says(desk: SlackDesk, user: SlackUser, text: str, contains: str) -> str:
    """Run ``/desk <text>``; the app's answer in the DM."""
    before = desk.snapshot(user)
    await desk.slack.user_runs_command(user, text)
    message = await desk.next_dm(user, seen_before=before, contains=contains)
    return str(message["seen"])


async def test_a_telegram_user_links_slack_and_a_slack_ticket_is_theirs_with_news_in_slack(
    desk: SlackDesk, db: Database, slack: FakeSlackServer, telegram: FakeTelegramServer
) -> None:
    asked = await _tg_says(telegram, "/link", "Your linking code is")
    assert "/link " in asked, "the hint is written the Telegram way here"
    code = CODE.findall(asked)[0]

    rita = slack.add_user("rita", real_name="Rita Slack", email="rita@example.com")
    done = await _slack_says(desk, rita, f"link {code}", "your accounts are linked")
    assert "/desk my" in done

    # a ticket made in Slack (a 🎫 on Rita's message) is the same person's
    office = slack.add_channel("office", members=(rita,))
    posted = await slack.user_posts(rita, office, "The printer on 3 is jammed")
    await slack.user_reacts(rita, office, posted.ts)
    await slack.wait_for(lambda: [m for m in slack.thread(office.id, posted.ts) if m.get("bot_id")])
    mine = await _tg_says(telegram, "/my", "Your tickets")
    assert "#1001" in mine and "printer on 3" in mine

    # news about it comes where it was asked: the Slack thread, not Telegram
    async with db.uow() as uow:
        person = await uow.people.by_identity("slack", slack_id(rita))
        assert person is not None and person.display_name == "Rita", "the older record kept"
        assert person.email == "rita@example.com", "Slack's verified e-mail joins the record"
        assert {i.channel for i in await uow.people.identities(person.id or 0)} == {
            "telegram",
            "slack",
        }
    agent = await make_person(
        db, "Alice Agent", role=Role.AGENT, channel="slack", external_id="T:A"
    )
    async with db.uow() as uow:
        await workflow.claim(uow, actor=Actor(agent.person, "slack"), number=1001)
        await uow.commit()
    desk.worker.kick()
    await slack.wait_for(
        lambda: any(
            "Alice Agent is now working" in str(m.get("seen"))
            for m in slack.thread(office.id, posted.ts)
        )
    )
    assert not any("is now working" in m["plain_text"] for m in telegram.messages_in(TG_RITA.id))


async def test_a_slack_user_links_telegram_and_a_telegram_ticket_is_theirs(
    desk: SlackDesk, db: Database, slack: FakeSlackServer, telegram: FakeTelegramServer
) -> None:
    sam = slack.add_user("sam", real_name="Sam Slack")
    asked = await _slack_says(desk, sam, "link", "Your linking code is")
    assert "/desk link " in asked, "the hint is written the Slack way here"
    code = CODE.findall(asked)[0]
    done = await _tg_says(telegram, f"/link {code.lower()}", "your accounts are linked")
    assert "/my" in done

    await tg_open_ticket(telegram, TG_RITA, "My VPN keeps dropping every few minutes")
    mine = await _slack_says(desk, sam, "my", "Your tickets")
    assert "#1001" in mine and "VPN" in mine

    again = await _tg_says(telegram, f"/link {code}", "was used already")
    assert "Ask for a new one in your other messenger" in again


async def test_a_wrong_code_is_refused_politely(
    desk: SlackDesk, db: Database, slack: FakeSlackServer
) -> None:
    kim = slack.add_user("kim", real_name="Kim")
    refused = await _slack_says(desk, kim, "link ABCD-EFGH", "I do not know the code ABCD-EFGH")
    assert "ask for a new one" in refused
    async with db.uow() as uow:
        person = await uow.people.by_identity("slack", slack_id(kim))
        assert person is not None
        assert [i.channel for i in await uow.people.identities(person.id or 0)] == ["slack"]
