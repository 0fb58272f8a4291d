"""The Russian interface, the command menus Telegram shows, files too large, unsupported messages."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bots.telegram.menus import menu
from core.i18n import gettext
from storage.unit_of_work import Database
from tests.fakes.telegram_objects import TgUser
from tests.fakes.telegram_server import FakeTelegramServer
from tests.integration.intake.msgids import used_msgids
from tests.integration.telegram.desk import TelegramDesk, buttons
from tests.integration.telegram.staff import ALICE, RITA, all_tickets, staffed_desk

IVAN = TgUser(id=777, first_name="Иван", language_code="ru")
BIG = 25 * 1024 * 1024
STICKER = {
    "file_id": "CAACAgIAAxkBAAEB",
    "file_unique_id": "AgADsticker",
    "type": "regular",
    "width": 512,
    "height": 512,
    "is_animated": False,
    "is_video": False,
}


@pytest.fixture
async def desk(db: Database, fake: FakeTelegramServer) -> AsyncIterator[TelegramDesk]:
    running = await staffed_desk(db, fake)
    yield running
    await running.stop()


async def test_a_russian_speaking_employee_gets_the_russian_interface(desk: TelegramDesk) -> None:
    hello = await desk.say(IVAN, "/start", contains="Здравствуйте, Иван!")
    assert hello["plain_text"] == "Здравствуйте, Иван!"
    await desk.next_message(IVAN, after=0, contains="/new")

    asked = await desk.say(IVAN, "не подключается впн", with_buttons=True)
    assert asked["plain_text"] == "Возможно, помогут эти статьи:"
    assert {"Ничего не подошло — создать заявку", "Отмена"} <= set(buttons(asked))
    intake = await desk.press(
        IVAN, asked, "Ничего не подошло — создать заявку", contains="К чему она относится?"
    )
    assert set(buttons(intake)) == {"Сеть", "Не знаю", "Отмена"}, "category labels in Russian too"
    impact = await desk.press(IVAN, intake, "Сеть", contains="Кого это затрагивает?")
    assert "Только меня" in buttons(impact)


async def test_command_menus_are_registered_in_english_and_russian(
    desk: TelegramDesk, fake: FakeTelegramServer
) -> None:
    fake.register_chat(IVAN)
    employee_en, employee_ru = fake.menu_in(IVAN.id, "en"), fake.menu_in(IVAN.id, "ru")
    room_en, room_ru = fake.menu_in(desk.room.id, "en"), fake.menu_in(desk.room.id, "ru")
    assert employee_en == _generated(agent=False, private=True, language="en")
    assert employee_ru == _generated(agent=False, private=True, language="ru")
    assert room_en == _generated(agent=True, private=False, language="en")
    assert room_en["claim"] == "Take a ticket: /claim N"
    assert room_ru["reply"] == "Ответить заявителю: /reply N текст"
    assert employee_ru["new"] == "Начать новый запрос: /new [текст]"
    assert employee_ru["new"] != employee_en["new"]
    assert {"claim", "queue", "reply", "resolve"} <= set(room_en)
    assert {c.get("language_code") for c in fake.requests_for("setMyCommands")} == {None, "ru"}


def _generated(*, agent: bool, private: bool, language: str) -> dict[str, str]:
    """The menu the command registry says this kind of chat gets."""
    return {c.command: c.description for c in menu(agent=agent, private=private, language=language)}


async def test_a_file_over_the_download_limit_gets_a_clear_message_and_is_not_attached(
    desk: TelegramDesk, db: Database, fake: FakeTelegramServer
) -> None:
    asked = await desk.say(RITA, "My VPN keeps dropping every few minutes", with_buttons=True)
    intake = await desk.press(RITA, asked, "None of these — create a ticket", with_buttons=True)
    impact = await desk.press(RITA, intake, "Network", with_buttons=True)
    urgency = await desk.press(RITA, impact, "Just me", with_buttons=True)
    await desk.press(RITA, urgency, "It can wait", contains="press Done")

    before = len(desk.chat(RITA))
    await fake.user_sends_document(
        RITA, b"PK\x03\x04 zip", "vpn-logs.zip", "application/zip", file_size=BIG
    )
    refused = await desk.next_message(RITA, after=before, contains="vpn-logs.zip")
    assert refused["plain_text"] == (
        "The file vpn-logs.zip is 25.0 MB; the bot can take files up to 20 MB. "
        "Please compress it or share a link instead."
    )
    before = len(desk.chat(RITA))
    await fake.user_sends_document(RITA, b"small log", "vpn.log", "text/plain")
    added = await desk.next_message(RITA, after=before, contains="File added")
    assert "(1 so far)" in added["plain_text"], "the large file was not counted"
    summary = await desk.press(RITA, added, "Done", contains="Files: 1")
    await desk.press(RITA, summary, "Create", contains="ticket #1001")
    [ticket] = await all_tickets(db)
    async with db.uow() as uow:
        assert ticket.id is not None
        names = [a.name for a in await uow.history.attachments(ticket.id)]
    assert names == ["vpn.log"]

    # In Russian for a Russian speaker.
    await fake.user_sends_document(IVAN, b"x", "big.iso", "application/octet-stream", file_size=BIG)
    russian = await desk.next_message(IVAN, after=0, contains="big.iso")
    assert russian["plain_text"].startswith("Файл big.iso весит 25.0 МБ")


async def test_an_unsupported_message_gets_a_polite_notice_in_private_only(
    desk: TelegramDesk, fake: FakeTelegramServer
) -> None:
    for user in (RITA, IVAN):
        message = fake.state.new_message(fake.register_chat(user), user) | {"sticker": STICKER}
        await fake.push_update({"message": message})
    notice = await desk.next_message(RITA, after=0, contains="I can read text")
    assert notice["plain_text"] == (
        "I can read text, photos and files. Please describe your request in words."
    )
    await desk.next_message(IVAN, after=0, contains="Я понимаю текст, фотографии и файлы.")

    # In the agents' group a sticker is simply ignored: the next message there is answered first.
    message = fake.state.new_message(desk.room, ALICE) | {"sticker": STICKER}
    await fake.push_update({"message": message})
    queue = await desk.say(ALICE, "/queue", chat=desk.room, contains="queue")
    assert queue["plain_text"] == "The queue is empty."
    assert [m["plain_text"] for m in desk.chat(desk.room)] == ["The queue is empty."]
    assert len(desk.chat(RITA)) == 1


def test_the_telegram_adapter_texts_have_russian_translations() -> None:
    adapter = Path(__file__).resolve().parents[3] / "bots" / "telegram"
    found = used_msgids(adapter)
    assert len(found) >= 2, "the scanner found the adapter's texts"
    missing = [m for m in found if gettext("ru", m) == m]
    assert not missing
