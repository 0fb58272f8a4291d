"""Two real `chatdesk run` processes on one PostgreSQL database, one fake Bot API (issue 10,
"Several instances").

1. 1,000 tickets cross their first-response warning and then their deadline while both
   instances sweep: every warning and every breach notice is queued exactly once and reaches
   the agents' room, and every ticket is escalated to the second line once. Delivered exactly
   once too: each outbox claim holds by row lock while its instance lives, however long it
   stalls (see core/services/outbox.py).
2. Exactly one instance polls (``/healthz`` of each says which); ``kill -9`` of the polling
   one hands polling to the other within 15 s, and no update is lost or handled twice (each
   person's ``/start`` is answered, and answered once in the database).
"""

from __future__ import annotations

import asyncio
import re
import signal
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from core.domain.calendars import BusinessCalendar, always_open
from core.domain.durations import WorkDuration
from core.domain.enums import OutboxState, Priority, SupportLine, TicketStatus, TicketType
from core.domain.follow_ups import Automation
from core.domain.sla import SlaPolicy
from core.domain.sla_clock import SlaClock, reconcile
from core.messages import reply_from_payload
from core.services.clocks import SEEDED
from storage import migrate, ticket_numbers
from storage import tables as t
from storage.unit_of_work import Database
from tests.conftest import pg_admin
from tests.fakes.telegram_objects import TgUser, group_chat
from tests.fakes.telegram_server import FakeTelegramServer
from tests.fakes.waiting import ChangeSignal
from tests.support import chatdesk_process
from tests.support.desk import make_groups

TICKETS = 1000
ROOM = -1001000000001
FIRST_NUMBER = 1001
WARNING = re.compile(r"Ticket #(\d+) \(P3\) needs a first response")
BREACH = re.compile(r"Ticket #(\d+) \(P3\) missed its first-response target")
SLOW = 600  # seconds: generous, the machine running the suite may be busy


@pytest.fixture
async def pg_url(postgres_url: str) -> AsyncIterator[str]:
    base = make_url(postgres_url)
    name = f"{base.database}_two_{uuid.uuid4().hex[:6]}"
    await pg_admin(f'CREATE DATABASE "{name}"')
    yield base.set(database=name).render_as_string(hide_password=False)
    await pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Instance(chatdesk_process.Instance):
    async def telegram(self) -> dict[str, Any] | None:
        """The Telegram channel as this instance's /healthz shows it (None: not answering)."""
        try:
            async with httpx.AsyncClient(timeout=5) as client:
                answer = await client.get(f"http://127.0.0.1:{self.port}/healthz")
            return answer.json()["channels"].get("telegram")  # type: ignore[no-any-return]
        except (httpx.HTTPError, ValueError, KeyError):
            return None

    async def stop(self, grace: float = 60) -> int | None:
        return await super().stop(grace)


CALENDAR = always_open("default", "UTC")
POLICY = SlaPolicy(Priority.P3, WorkDuration(minutes=2), WorkDuration(days=5), warn_share=0.25)


async def _seed(url: str) -> None:
    """The desk both instances share: a 24×7 calendar, P3 answered within 2 minutes (warning
    after 30 s), escalation to the second line, and a requester."""
    await migrate.upgrade(url)
    database = Database(url)
    try:
        await make_groups(database)
        async with database.uow() as uow:
            await uow.sla.save_calendar(
                BusinessCalendar(CALENDAR.name, "UTC", CALENDAR.periods, is_default=True)
            )
            await uow.sla.save_policy(POLICY)
            await uow.sla.set_option(SEEDED, True)
            await uow.commit()
        async with database.engine.begin() as connection:
            await connection.execute(
                t.people.insert(),
                [{"display_name": "Rita", "role": 1, "language": "en", "is_active": True}],
            )
    finally:
        await database.dispose()


@dataclass(frozen=True)
class _New:
    created_at: datetime
    status: TicketStatus = TicketStatus.NEW
    first_response_at: datetime | None = None
    resolved_at: datetime | None = None
    closed_at: datetime | None = None
    rating_score: int | None = None


async def _open_tickets(url: str) -> None:
    """1,000 new P3 tickets created 25-30 s ago, their clocks as the desk computed them at
    creation: the warnings fall due within seconds, the deadlines some 90 s later."""
    database = Database(url)
    now = datetime.now(UTC)
    try:
        async with database.uow() as uow:
            (policy,) = await uow.sla.policies()
        async with database.engine.begin() as connection:
            group = (
                await connection.execute(
                    select(t.groups.c.id).where(t.groups.c.name == "service-desk")
                )
            ).scalar_one()
            requester = (await connection.execute(select(t.people.c.id))).scalar_one()
            rows = []
            for i in range(TICKETS):
                created = now - timedelta(seconds=30 - 5 * i / TICKETS)
                clock = reconcile(
                    SlaClock(),
                    _New(created),
                    policy=policy,
                    calendar=CALENDAR,
                    automation=Automation(),
                    now=created,
                )
                rows.append(
                    {
                        "number": FIRST_NUMBER + i,
                        "title": f"Printer {i} jams",
                        "description": "It jams.",
                        "requester_id": requester,
                        "type": TicketType.INCIDENT,
                        "priority": Priority.P3,
                        "status": TicketStatus.NEW,
                        "group_id": group,
                        "line": SupportLine.FIRST,
                        "origin_channel": "admin",
                        "created_at": created,
                        "updated_at": created,
                        "sla_policy_id": clock.policy_id,
                        "response_due_at": clock.response_due_at,
                        "response_warn_at": clock.response_warn_at,
                        "response_state": clock.response_state,
                        "resolution_due_at": clock.resolution_due_at,
                        "resolution_warn_at": clock.resolution_warn_at,
                        "resolution_state": clock.resolution_state,
                        "sla_seen_status": clock.seen_status,
                        "sla_next_at": clock.next_at,
                    }
                )
            await connection.execute(t.tickets.insert(), rows)
            await ticket_numbers.continue_after(connection, FIRST_NUMBER + TICKETS - 1)
    finally:
        await database.dispose()


def _room_notices(fake: FakeTelegramServer, pattern: re.Pattern[str]) -> Counter[int]:
    found: Counter[int] = Counter()
    for request in fake.requests_for("sendMessage"):
        if str(request.get("chat_id")) == str(ROOM):
            match = pattern.search(str(request.get("text", "")))
            if match:
                found[int(match.group(1))] += 1
    return found


async def _undelivered(url: str) -> int:
    database = Database(url)
    try:
        async with database.engine.connect() as connection:
            return int(
                (
                    await connection.execute(
                        select(func.count())
                        .select_from(t.outbox)
                        .where(t.outbox.c.state == OutboxState.PENDING.value)
                    )
                ).scalar_one()
            )
    finally:
        await database.dispose()


async def _queued_notices(url: str, pattern: re.Pattern[str]) -> Counter[int]:
    """Room notices written to the outbox, per ticket number."""
    database = Database(url)
    try:
        async with database.engine.connect() as connection:
            rows = await connection.execute(
                select(t.outbox.c.payload).where(t.outbox.c.recipient == str(ROOM))
            )
            found: Counter[int] = Counter()
            for (payload,) in rows:
                match = pattern.search(reply_from_payload(payload).plain_text())
                if match:
                    found[int(match.group(1))] += 1
            return found
    finally:
        await database.dispose()


async def _greetings_queued(url: str) -> Counter[str]:
    """How many greetings were written to the outbox per chat: once per handled /start."""
    database = Database(url)
    try:
        async with database.engine.connect() as connection:
            rows = await connection.execute(select(t.outbox.c.recipient, t.outbox.c.payload))
            return Counter(
                recipient
                for recipient, payload in rows
                if reply_from_payload(payload).plain_text().startswith("Hello, ")
            )
    finally:
        await database.dispose()


async def _until(condition: Any, seconds: float, what: str, logs: list[Path]) -> Any:
    result = await ChangeSignal(poll=0.5).wait_until(condition, seconds)
    if not result:
        said = "\n".join(f"--- {log.name}\n{log.read_text()[-4000:]}" for log in logs)
        raise AssertionError(f"{what} (waited {seconds} s); the instances said:\n{said}")
    return result


async def test_two_instances_share_the_clocks_and_hand_over_polling(
    fake: FakeTelegramServer, pg_url: str, tmp_path: Path
) -> None:
    await _seed(pg_url)
    fake.register_chat(group_chat(ROOM, "Agents"))
    env = chatdesk_process.chatdesk_env(
        CHATDESK_DATABASE_URL=pg_url,
        CHATDESK_TELEGRAM_TOKEN=fake.token,
        CHATDESK_TELEGRAM_API_URL=fake.url,
        CHATDESK_TELEGRAM_AGENTS_CHAT=str(ROOM),
        CHATDESK_SLA_SWEEP_SECONDS="1",
        CHATDESK_KB_SEMANTIC="false",
    )
    instances = [Instance(n, env, tmp_path / f"{n}.log") for n in ("first", "second")]
    logs = [instance.log for instance in instances]
    try:
        for instance in instances:
            await instance.start(tmp_path)

        # Both up; exactly one polls, the other stands by and names the poller.
        states: list[dict[str, Any] | None] = [None, None]

        async def both_up() -> bool:
            states[:] = [await i.telegram() for i in instances]
            return all(s is not None and s["status"] in ("ok", "standby") for s in states)

        await _until_async(both_up, SLOW, "both instances up", logs)
        await _until_async(
            lambda: _split(instances), SLOW, "one instance polls, one stands by", logs
        )

        # 1. A thousand tickets cross their warning and their deadline.
        await _open_tickets(pg_url)
        await _until(
            lambda: len(_room_notices(fake, BREACH)) == TICKETS, SLOW, "every breach told", logs
        )
        await _until_async(
            lambda: _nothing_pending(pg_url), SLOW, "the outbox delivered everything", logs
        )
        expected = set(range(FIRST_NUMBER, FIRST_NUMBER + TICKETS))
        for pattern in (WARNING, BREACH):  # the sweeps fired each once: queued once
            queued = await _queued_notices(pg_url, pattern)
            assert set(queued) == expected and set(queued.values()) == {1}, _twice(queued)
        warnings, breaches = _room_notices(fake, WARNING), _room_notices(fake, BREACH)
        assert set(warnings) == expected and set(breaches) == expected, "each one delivered"
        assert set(warnings.values()) == {1}, _twice(warnings)
        assert set(breaches.values()) == {1}, _twice(breaches)
        database = Database(pg_url)
        try:
            async with database.engine.connect() as connection:
                escalations = {
                    action: count
                    for action, count in await connection.execute(
                        select(t.audit_entries.c.action, func.count())
                        .where(t.audit_entries.c.action.in_(["escalated", "sla_breached"]))
                        .group_by(t.audit_entries.c.action)
                    )
                }
                second_line = (
                    await connection.execute(
                        select(func.count())
                        .select_from(t.tickets)
                        .where(t.tickets.c.line == SupportLine.SECOND.value)
                    )
                ).scalar_one()
        finally:
            await database.dispose()
        assert escalations == {"escalated": TICKETS, "sla_breached": TICKETS}
        assert second_line == TICKETS

        # 2. Kill the polling instance while people write; the other takes over.
        poller, standby = await _one_polls(instances)
        assert poller is not None and standby is not None
        before = [TgUser(id=7000 + n, first_name=f"Early{n}", language_code="en") for n in range(5)]
        after = [TgUser(id=7100 + n, first_name=f"Late{n}", language_code="en") for n in range(5)]
        for user in before:
            await fake.user_sends_text(user, "/start")
        await _until_async(
            lambda: _greeted_any(pg_url, before), SLOW, "the poller handles the first", logs
        )
        assert poller.process is not None
        poller.process.send_signal(signal.SIGKILL)
        await poller.process.wait()
        killed_at, asked = time.monotonic(), len(fake.requests)
        for user in after:
            await fake.user_sends_text(user, "/start")

        await _until(
            lambda: [m for m, _ in fake.requests[asked:] if m == "getUpdates"],
            SLOW,
            "the survivor polls",
            logs,
        )
        took = time.monotonic() - killed_at
        assert took < 15, f"polling was handed over {took:.1f} s after the kill"
        shown = await standby.telegram()
        assert shown is not None and "this instance" in str(shown["detail"]), shown

        people = before + after
        await _until(
            lambda: all(_greeted(fake, user) for user in people),
            SLOW,
            "everyone greeted",
            logs,
        )
        queued = await _greetings_queued(pg_url)
        assert {str(user.id): 1 for user in people} == {
            chat: count for chat, count in queued.items() if chat in {str(u.id) for u in people}
        }, "each /start handled exactly once"
        assert not fake.pending_updates, "every update confirmed"
    finally:
        codes = [await instance.stop() for instance in instances]
    assert 0 in codes, "the survivor stopped cleanly"


async def _until_async(condition: Any, seconds: float, what: str, logs: list[Path]) -> Any:
    """Like :func:`_until` for a condition that has to be awaited (HTTP, the database)."""
    deadline = time.monotonic() + seconds
    while True:
        result = await condition()
        if result:
            return result
        if time.monotonic() > deadline:
            said = "\n".join(f"--- {log.name}\n{log.read_text()[-4000:]}" for log in logs)
            raise AssertionError(f"{what} (waited {seconds} s); the instances said:\n{said}")
        await asyncio.sleep(0.5)  # noqa: ASYNC110 - polling state in other processes


async def _one_polls(instances: list[Instance]) -> tuple[Instance | None, Instance | None]:
    states = [await instance.telegram() for instance in instances]
    polling = [i for i, s in zip(instances, states, strict=True) if s and s["status"] == "ok"]
    waiting = [i for i, s in zip(instances, states, strict=True) if s and s["status"] == "standby"]
    if len(polling) == 1 and len(waiting) == 1:
        return polling[0], waiting[0]
    return None, None


async def _split(instances: list[Instance]) -> bool:
    poller, _ = await _one_polls(instances)
    return poller is not None


async def _nothing_pending(url: str) -> bool:
    return await _undelivered(url) == 0


async def _greeted_any(url: str, users: list[TgUser]) -> bool:
    queued = await _greetings_queued(url)
    return any(str(user.id) in queued for user in users)


def _greeted(fake: FakeTelegramServer, user: TgUser) -> bool:
    return any(m["plain_text"] == f"Hello, {user.first_name}!" for m in fake.messages_in(user.id))


def _twice(counts: Counter[int]) -> str:
    doubled = {number: n for number, n in counts.items() if n != 1}
    return f"{len(counts)} tickets told; not once: {dict(list(doubled.items())[:10])}"
