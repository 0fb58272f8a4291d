"""PostgreSQL advisory locks for work only one instance may do (Telegram polling): one holder at
a time, the others stand by and say who holds it, and the lock passes on when the holder ends,
dies, or loses its connection — and a holder that lost it stops at once."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from datetime import timedelta

import pytest

from core.instance_locks import LockLost, SingleProcess
from core.supervision import HealthRegistry, Probe
from storage.instance_locks import AdvisoryLocks, instance_locks
from tests.conftest import pg_admin
from tests.fakes.waiting import ChangeSignal

NAME = "telegram polling (bot 42)"


class Watched:
    """A probe, and what ``/healthz`` would show of it."""

    def __init__(self, instance: str) -> None:
        self.registry = HealthRegistry()
        self.probe = self.registry.probe("telegram", kind="channel")

    def shown(self) -> dict[str, object]:
        report = self.registry.report(down_after=timedelta(seconds=1))
        return report.as_json()["channels"]["telegram"]  # type: ignore[index,no-any-return]


@pytest.fixture
async def locks(postgres_url: str) -> AsyncIterator[tuple[AdvisoryLocks, AdvisoryLocks]]:
    pair = tuple(
        AdvisoryLocks(postgres_url, instance=name, retry=0.2, check_every=0.2)
        for name in ("alpha", "beta")
    )
    yield pair  # type: ignore[misc]
    for each in pair:
        await each.close()


async def _wait(condition: Callable[[], bool], seconds: float = 20.0) -> None:
    if not await ChangeSignal(poll=0.05).wait_until(condition, seconds):
        raise AssertionError(f"not so within {seconds} s")


async def test_one_holder_the_other_stands_by_and_takes_over_when_it_ends(
    locks: tuple[AdvisoryLocks, AdvisoryLocks],
) -> None:
    alpha, beta = locks
    alpha_seen, beta_seen = Watched("alpha"), Watched("beta")
    held_by: list[str] = []
    release_alpha = asyncio.Event()

    async def work(lock: AdvisoryLocks, probe: Probe, until: asyncio.Event) -> None:
        async with lock.hold(NAME, probe=probe):
            held_by.append(lock.instance)
            await until.wait()

    first = asyncio.create_task(work(alpha, alpha_seen.probe, release_alpha))
    await _wait(lambda: held_by == ["alpha"])
    second = asyncio.create_task(work(beta, beta_seen.probe, asyncio.Event()))
    await _wait(lambda: beta_seen.shown()["status"] == "standby")
    assert beta_seen.shown()["detail"] == f"{NAME}: alpha; this instance stands by"
    assert alpha_seen.shown()["detail"] == f"{NAME}: this instance (alpha)"
    assert held_by == ["alpha"]

    release_alpha.set()
    await first
    await _wait(lambda: held_by == ["alpha", "beta"])
    assert beta_seen.shown()["detail"] == f"{NAME}: this instance (beta)"
    second.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await second


async def test_a_holder_whose_connection_dies_stops_and_the_other_takes_over(
    locks: tuple[AdvisoryLocks, AdvisoryLocks], postgres_url: str
) -> None:
    alpha, beta = locks
    held_by: list[str] = []

    async def work(lock: AdvisoryLocks) -> None:
        async with lock.hold(NAME, probe=Watched(lock.instance).probe):
            held_by.append(lock.instance)
            await asyncio.Event().wait()

    first = asyncio.create_task(work(alpha))
    await _wait(lambda: held_by == ["alpha"])
    second = asyncio.create_task(work(beta))
    # What a dead process or a broken network does to the holder's session.
    await pg_admin(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        "WHERE application_name = 'chatdesk alpha'"
    )
    with pytest.raises(LockLost):
        await asyncio.wait_for(first, timeout=20)
    await _wait(lambda: held_by == ["alpha", "beta"])
    second.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await second


async def test_cancelling_a_holder_releases_the_lock_and_stays_a_cancellation(
    locks: tuple[AdvisoryLocks, AdvisoryLocks],
) -> None:
    alpha, beta = locks
    entered = asyncio.Event()

    async def work() -> None:
        async with alpha.hold(NAME, probe=Watched("alpha").probe):
            entered.set()
            await asyncio.Event().wait()

    task = asyncio.create_task(work())
    await entered.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    async with asyncio.timeout(10), beta.hold(NAME, probe=Watched("beta").probe):
        pass


async def test_sqlite_needs_no_lock(tmp_path: object) -> None:
    locks = instance_locks(f"sqlite+aiosqlite:///{tmp_path}/x.db", instance="solo")
    assert isinstance(locks, SingleProcess)
    seen = Watched("solo")
    async with asyncio.timeout(1), locks.hold(NAME, probe=seen.probe):
        assert "single process" in str(seen.shown()["detail"])
