"""The ticket card as agents see it in their Telegram group: the real bot renders it and the fake
Bot API server parses its HTML, so what is checked is what Telegram would show."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from storage.unit_of_work import Database
from tests.fakes.telegram_server import FakeTelegramServer
from tests.integration.telegram.desk import TelegramDesk, buttons, last_with_button
from tests.integration.telegram.staff import RITA, staffed_desk


@pytest.fixture
async def desk(db: Database, fake: FakeTelegramServer) -> AsyncIterator[TelegramDesk]:
    running = await staffed_desk(db, fake)
    yield running
    await running.stop()


async def test_a_card_agents_can_scan(desk: TelegramDesk, fake: FakeTelegramServer) -> None:
    question = "My VPN keeps dropping\nIt started after the update on Monday."
    asked = await desk.say(RITA, question, with_buttons=True)
    shown = [label for label in buttons(asked) if label not in ("Cancel",)]
    assert "VPN keeps disconnecting" in shown
    opened = await desk.press(RITA, asked, "VPN keeps disconnecting", contains="TCP")
    if len(shown) > 2:  # other suggestions left: decline them too
        back = await desk.press(RITA, opened, "Not helpful", with_buttons=True)
        intake = await desk.press(RITA, back, "None of these — create a ticket", with_buttons=True)
    else:
        intake = await desk.press(RITA, opened, "Not helpful", contains="What is it about?")
    impact = await desk.press(RITA, intake, "Network", with_buttons=True)
    urgency = await desk.press(RITA, impact, "My team", with_buttons=True)
    await desk.press(RITA, urgency, "I cannot work", contains="press Done")
    for name in ("vpn.log", "client.log"):
        before = len(desk.chat(RITA))
        await fake.user_sends_document(RITA, b"log lines", name, "text/plain")
        await desk.next_message(RITA, after=before, contains="File added")
    summary = await desk.press(
        RITA, last_with_button(desk.chat(RITA), "Done"), "Done", contains="Files: 2"
    )
    await desk.press(RITA, summary, "Create", contains="#1001")

    card = await desk.next_message(desk.room, after=0, contains="#1001")
    lines = card["plain_text"].split("\n")
    assert lines[0] == "#1001 · P2 · Network · Rita · just now"
    assert lines[1] == "My VPN keeps dropping", "the title once"
    assert lines[2] == "It started after the update on Monday."
    assert lines[3].startswith("Tried: VPN keeps disconnecting"), "the articles, on one line"
    assert lines[4:] == ["Attachments: 2", "Status: new · unassigned"]
    assert len(lines[3]) <= 100
    assert f'<a href="tg://user?id={RITA.id}">Rita</a>' in card["text"], "a mention link"
    assert {"Claim", "Assign…", "Priority…", "Canned…", "Resolve"} == set(buttons(card))
