"""The weekly summary picture reaches the agents' room in Telegram as a photo: on demand with
/report week and from the scheduled job (once per week however often it runs). The PNG that
arrives at the fake Bot API is opened and looked at: its size, and that something is drawn."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest
from PIL import Image, ImageStat

from core.domain.enums import Role
from core.reports.picture import HEIGHT, WIDTH
from core.services.weekly_report import post_weekly_report
from storage.unit_of_work import Database
from tests.fakes.telegram_objects import TgUser
from tests.fakes.telegram_server import FakeTelegramServer
from tests.integration.telegram.desk import TelegramDesk
from tests.support.clock import FakeClock
from tests.support.desk import make_person, open_ticket

ALICE = TgUser(id=11, first_name="Alice", username="alice")
RITA = TgUser(id=501, first_name="Rita", language_code="en")
MONDAY = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)  # week 2026-W10 begins; W09 is "last week"


@pytest.fixture
async def desk(
    db: Database, fake: FakeTelegramServer, clock: FakeClock
) -> AsyncIterator[TelegramDesk]:
    await make_person(db, "Alice", role=Role.AGENT, external_id="11", username="alice")
    rita = await make_person(db, "Rita", external_id="501")
    for day, count in ((18, 2), (25, 3)):  # two tickets in W08, three in W09
        clock.current = datetime(2026, 2, day, 10, 0, tzinfo=UTC)
        for n in range(count):
            await open_ticket(db, rita, title=f"Printer {day}-{n}")
    clock.current = MONDAY
    running = await TelegramDesk(db, fake).start(with_articles=False)
    yield running
    await running.stop()


def _photos(fake: FakeTelegramServer, chat_id: int) -> list[dict[str, Any]]:
    return [m for m in fake.messages_in(chat_id) if m.get("kind") == "photo"]


def _looked_at(fake: FakeTelegramServer, message: dict[str, Any]) -> Image.Image:
    data = fake.state.files.by_id[message["file_id"]].data
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(data))
    image.load()
    assert image.size == (WIDTH, HEIGHT)
    colours = image.convert("RGB").getcolors(maxcolors=1 << 16)
    assert colours is None or len(colours) > 20, "more than a blank canvas"
    assert max(ImageStat.Stat(image.convert("L")).stddev) > 20, "contrast: text and bars drawn"
    return image


async def test_report_week_posts_the_picture_in_the_room(
    desk: TelegramDesk, fake: FakeTelegramServer
) -> None:
    caption = await desk.say(ALICE, "/report week", chat=desk.room, contains="Week 2026-W09")
    assert "3 tickets created (2 the week before)" in caption["plain_text"]
    photo = await fake.wait_for(lambda: _photos(fake, desk.room.id), timeout=30)
    _looked_at(fake, photo[0])


async def test_only_agents_may_ask_for_it(desk: TelegramDesk, fake: FakeTelegramServer) -> None:
    await desk.say(RITA, "/report week", contains="only for the support team")
    assert not _photos(fake, RITA.id)


async def test_the_scheduled_post_goes_out_once_a_week(
    desk: TelegramDesk, fake: FakeTelegramServer, db: Database, clock: FakeClock
) -> None:
    clock.current = MONDAY.replace(hour=8)  # before the working day: not yet
    async with db.uow() as uow:
        assert not await post_weekly_report(uow, timezone="UTC")
    clock.current = MONDAY
    for expected in (True, False):  # the job runs every 15 minutes; the week is posted once
        async with db.uow() as uow:
            assert await post_weekly_report(uow, timezone="UTC") is expected
            await uow.commit()
        desk.worker.kick()
    photos = await fake.wait_for(lambda: _photos(fake, desk.room.id), timeout=30)
    _looked_at(fake, photos[0])
    assert len(_photos(fake, desk.room.id)) == 1
