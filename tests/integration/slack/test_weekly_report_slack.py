"""The weekly summary picture reaches the agents' channel in Slack as an uploaded file
(files_upload_v2 against the fake: URL, bytes, completion), and its PNG is looked at."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from PIL import Image, ImageStat

from core.reports.picture import HEIGHT, WIDTH
from core.services.weekly_report import post_weekly_report
from storage.unit_of_work import Database
from tests.fakes.slack_server import FakeSlackServer
from tests.integration.slack.desk import SlackDesk
from tests.support.clock import FakeClock
from tests.support.desk import make_person, open_ticket


@pytest.fixture
async def desk(db: Database, slack: FakeSlackServer, clock: FakeClock) -> AsyncIterator[SlackDesk]:
    rita = await make_person(db, "Rita", external_id="501")
    clock.current = datetime(2026, 2, 25, 10, 0, tzinfo=UTC)
    await open_ticket(db, rita, title="Printer jam")
    clock.current = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
    running = await SlackDesk(db, slack).start()
    yield running
    await running.stop()


async def test_the_weekly_picture_is_uploaded_to_the_agents_channel(
    desk: SlackDesk, slack: FakeSlackServer, db: Database
) -> None:
    async with db.uow() as uow:
        assert await post_weekly_report(uow, timezone="UTC")
        await uow.commit()
    desk.worker.kick()
    shared = await slack.wait_for(lambda: slack.files_shared_in(desk.triage.id), timeout=30)
    assert shared[0]["name"] == "chatdesk-2026-W09.png"
    data = shared[0]["data"]
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(data))
    image.load()
    assert image.size == (WIDTH, HEIGHT)
    assert max(ImageStat.Stat(image.convert("L")).stddev) > 20, "something is drawn"
    captions = [m for m in slack.app_messages_in(desk.triage.id) if "Week 2026-W09" in m["text"]]
    assert captions and "1 tickets created" in captions[0]["text"]
