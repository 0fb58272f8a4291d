"""Slack faults, each with the real slack-bolt over HTTP: redelivered events, forged and stale
signatures, rate limits, a channel the app is not in, and mentions typed by people."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from datetime import timedelta

import aiohttp
import pytest
from sqlalchemy import func, select

from admin.app import MAX_BODY
from core.domain.entities import OutboxMessage
from core.domain.enums import OutboxState, Role
from storage import tables
from storage.unit_of_work import Database
from tests.fakes.slack_objects import SlackUser
from tests.fakes.slack_server import FakeSlackServer
from tests.integration.slack.desk import SlackDesk, buttons, open_ticket_by_dm, slack_id
from tests.integration.telegram.desk import eventually
from tests.support.clock import FakeClock
from tests.support.desk import make_groups, make_person


@pytest.fixture
async def rita(slack: FakeSlackServer) -> SlackUser:
    return slack.add_user("rita", real_name="Rita Requester")


@pytest.fixture
async def alice(slack: FakeSlackServer) -> SlackUser:
    return slack.add_user("alice", real_name="Alice Agent")


@pytest.fixture
async def desk(db: Database, slack: FakeSlackServer, alice: SlackUser) -> AsyncIterator[SlackDesk]:
    await make_groups(db)
    await make_person(
        db, "Alice Agent", role=Role.AGENT, channel="slack", external_id=slack_id(alice)
    )
    running = await SlackDesk(db, slack).start()
    running.triage.members.add(alice.id)
    yield running
    await running.stop()


async def _count(db: Database, table: tables.Table) -> int:
    async with db.uow() as uow:
        return int((await uow.session.execute(select(func.count()).select_from(table))).scalar())


async def _outbox(db: Database) -> list[OutboxMessage]:
    async with db.uow() as uow:
        query = select(OutboxMessage).order_by(tables.outbox.c.id)
        return list((await uow.session.execute(query)).scalars())


async def test_a_redelivered_event_changes_nothing_twice(
    desk: SlackDesk, slack: FakeSlackServer, rita: SlackUser
) -> None:
    await slack.user_runs_command(rita, "help")  # Rita is known now; later events keep order
    await desk.next_dm(rita, seen_before=set(), contains="/desk")
    posted = await slack.user_dms(rita, "My VPN keeps dropping every few minutes")
    first = posted.deliveries[0]
    again = await slack.redeliver(first, retry_num=1)
    third = await slack.redeliver(first, retry_num=2)
    assert first.acked and again.acked and third.acked
    await slack.user_dms(rita, "printer on 3 shows offline")  # handled after the retries
    await slack.wait_for(
        lambda: any("Printer shows offline" in buttons(m) for m in desk.dm(rita)), timeout=15
    )
    posts = [str(p) for p in slack.requests_for("chat.postMessage")]
    assert len([p for p in posts if "VPN keeps disconnecting" in p]) == 1, "answered once"


async def test_forged_and_stale_signatures_get_401_and_write_nothing(
    desk: SlackDesk, db: Database, slack: FakeSlackServer, rita: SlackUser
) -> None:
    people_before = await _count(db, tables.people)
    forged = await slack.user_dms(rita, "vpn is down", signature="v0=" + "0" * 64)
    stale = await slack.user_dms(rita, "vpn is down", clock_skew=-600)
    from_the_future = await slack.user_runs_command(rita, "help", clock_skew=+600)
    assert [d.status for d in (*forged.deliveries, *stale.deliveries)] == [401, 401]
    assert from_the_future.status == 401
    assert await _count(db, tables.processed_events) == 0
    assert await _count(db, tables.people) == people_before
    assert await _count(db, tables.outbox) == 0
    assert not slack.requests_for("chat.postMessage")


async def test_a_429_is_retried_after_retry_after(
    desk: SlackDesk, db: Database, slack: FakeSlackServer, rita: SlackUser, clock: FakeClock
) -> None:
    slack.fail_next("chat.postMessage", status=429, retry_after=7)
    await slack.user_dms(rita, "My VPN keeps dropping every few minutes")
    await slack.wait_for(lambda: slack.requests_for("chat.postMessage"))

    async def postponed() -> bool:
        rows = await _outbox(db)
        return bool(rows and rows[0].last_error)

    await eventually(postponed, seconds=15)
    row = (await _outbox(db))[0]
    assert row.state is OutboxState.PENDING
    assert row.next_attempt_at == clock.now() + timedelta(seconds=7)
    assert not desk.dm(rita), "not before Retry-After"
    clock.advance(seconds=7)
    delivered = await desk.next_dm(rita, seen_before=set(), with_buttons=True)
    assert "VPN keeps disconnecting" in buttons(delivered)
    assert len(slack.requests_for("chat.postMessage")) == 2


async def test_not_in_channel_stops_retrying_with_a_clear_log_line(
    desk: SlackDesk,
    db: Database,
    slack: FakeSlackServer,
    rita: SlackUser,
    clock: FakeClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    desk.triage.bot_member = False  # somebody removed the app from the triage channel
    caplog.set_level(logging.ERROR, logger="bots.slack")
    await open_ticket_by_dm(desk, rita, "My VPN keeps dropping every few minutes")

    def card_attempts() -> list[dict[str, object]]:
        return [p for p in slack.requests_for("chat.postMessage") if p["channel"] == desk.triage.id]

    async def card_failed() -> bool:
        rows = [r for r in await _outbox(db) if r.recipient == desk.triage.id]
        return bool(rows) and rows[0].state is OutboxState.FAILED

    await eventually(card_failed, seconds=15)
    for _ in range(5):  # time passes, sweeps run: nobody tries again
        clock.advance(minutes=10)
        await desk.worker.sweep()
    assert len(card_attempts()) == 1
    lines = [r.getMessage() for r in caplog.records if "not_in_channel" in r.getMessage()]
    assert lines and "/invite @chatdesk" in lines[0] and desk.triage.id in lines[0]
    assert desk.dm(rita), "the employee's own messages still go out"


async def test_mentions_typed_by_people_arrive_escaped_and_ping_nobody(
    desk: SlackDesk, slack: FakeSlackServer, rita: SlackUser, alice: SlackUser
) -> None:
    typed = "<!channel> <!here> <@U0ALICE> VPN & wifi are down"
    await open_ticket_by_dm(desk, rita, typed)
    card = await slack.wait_for(lambda: next(iter(desk.cards()), None))
    assert "<!channel> <!here> <@U0ALICE> VPN & wifi are down" in card["seen"]
    await slack.user_posts(alice, desk.triage, "Fixed <!here> & <@U0RITA>", thread_ts=card["ts"])
    relayed = await desk.next_dm(rita, seen_before=set(), contains="Fixed")
    assert "Fixed <!here> & <@U0RITA>" in relayed["seen"]
    assert slack.pings == []


async def test_the_request_url_refuses_other_methods_and_oversized_bodies(
    desk: SlackDesk, db: Database, slack: FakeSlackServer
) -> None:
    """``/slack/events`` is served ahead of the admin panel (none of its middleware: no page
    headers), yet keeps the panel's body limit; neither request reaches Bolt's listeners."""
    async with aiohttp.ClientSession() as session:
        async with session.get(slack.request_url) as wrong_method:
            assert wrong_method.status == 405
            assert wrong_method.headers["Allow"] == "POST"
            assert "Content-Security-Policy" not in wrong_method.headers
        too_big = b"x" * (MAX_BODY + 1)
        async with session.post(slack.request_url, data=too_big) as oversized:
            assert oversized.status == 413
    assert await _count(db, tables.processed_events) == 0
    assert await _count(db, tables.outbox) == 0
