"""The supervisor keeps long-running work alive and the health registry says how it is doing."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import timedelta

import pytest

from core.supervision import Backoff, HealthRegistry, Probe, Supervisor
from tests.support.clock import FakeClock


@dataclass(frozen=True)
class RecordedBackoff(Backoff):
    """Waits almost nothing and remembers which retry (0, 1, 2...) each wait was for."""

    retries: list[int] = field(default_factory=list)

    def delay(self, retry: int) -> float:
        self.retries.append(retry)
        return 0.001


class Fatal(BaseException):
    """Not an Exception: nothing may catch and restart it."""


def test_backoff_grows_exponentially_with_jitter_and_is_capped() -> None:
    policy = Backoff(initial=1.0, maximum=10.0)
    for retry, cap in [(0, 1), (1, 2), (2, 4), (3, 8), (4, 10), (9, 10)]:
        delays = [policy.delay(retry) for _ in range(200)]
        assert all(cap / 2 <= d <= cap for d in delays), (retry, min(delays), max(delays))
        assert max(delays) - min(delays) > cap / 10, "jittered, not a fixed wait"


async def test_a_crashing_loop_is_logged_with_its_traceback_and_restarted(
    caplog: pytest.LogCaptureFixture,
) -> None:
    registry = HealthRegistry(FakeClock())
    backoff = RecordedBackoff()
    supervisor = Supervisor(registry, backoff=backoff)
    runs = 0
    healthy = asyncio.Event()

    async def flaky(probe: Probe) -> None:
        nonlocal runs
        runs += 1
        if runs <= 2:
            raise ConnectionError(f"boom {runs}")
        probe.ok()
        healthy.set()
        await asyncio.Event().wait()

    with caplog.at_level(logging.ERROR, logger="core.supervision"):
        supervisor.spawn("poller", flaky, kind="channel")
        await asyncio.wait_for(healthy.wait(), 2)
    crashes = [r for r in caplog.records if "poller crashed" in r.getMessage()]
    assert len(crashes) == 2
    assert all(r.exc_info and isinstance(r.exc_info[1], ConnectionError) for r in crashes)
    assert backoff.retries == [0, 1], "the wait grows with each failure in a row"
    [poller] = registry.report(down_after=timedelta(minutes=1)).components
    assert (poller.status, poller.restarts) == ("ok", 2)
    assert poller.last_error == "ConnectionError: boom 2"
    await supervisor.stop()
    assert registry.report(down_after=timedelta(minutes=1)).components[0].status == "stopped"


async def test_the_backoff_starts_over_once_the_loop_worked() -> None:
    backoff = RecordedBackoff()
    supervisor = Supervisor(HealthRegistry(FakeClock()), backoff=backoff)
    script = ["fail", "fail", "ok-then-fail", "fail", "stay"]
    done = asyncio.Event()

    async def scripted(probe: Probe) -> None:
        step = script.pop(0)
        if step == "stay":
            done.set()
            await asyncio.Event().wait()
        if step == "ok-then-fail":
            probe.ok()
        raise RuntimeError(step)

    supervisor.spawn("sweeper", scripted)
    await asyncio.wait_for(done.wait(), 2)
    await supervisor.stop()
    assert backoff.retries == [0, 1, 0, 1]


async def test_a_loop_that_returns_is_started_again(caplog: pytest.LogCaptureFixture) -> None:
    supervisor = Supervisor(HealthRegistry(FakeClock()), backoff=RecordedBackoff())
    runs = 0
    third = asyncio.Event()

    async def returns(probe: Probe) -> None:
        nonlocal runs
        runs += 1
        if runs == 3:
            third.set()
            await asyncio.Event().wait()

    supervisor.spawn("socket", returns)
    await asyncio.wait_for(third.wait(), 2)
    await supervisor.stop()
    assert sum("socket ended by itself" in r.getMessage() for r in caplog.records) == 2


async def test_a_loop_that_cannot_be_restarted_stops_the_process() -> None:
    registry = HealthRegistry(FakeClock())
    fatal: list[tuple[str, BaseException | None]] = []
    supervisor = Supervisor(registry, on_fatal=lambda name, error: fatal.append((name, error)))

    async def dies(probe: Probe) -> None:
        raise Fatal()

    task = supervisor.spawn("telegram", dies, kind="channel")
    with pytest.raises(Fatal):
        await task
    await asyncio.sleep(0)  # let the done-callback run
    assert [name for name, _ in fatal] == ["telegram"] and isinstance(fatal[0][1], Fatal)
    [channel] = registry.report(down_after=timedelta(minutes=1)).components
    assert channel.status == "stopped"


async def test_stopping_is_not_a_death() -> None:
    fatal: list[str] = []
    supervisor = Supervisor(HealthRegistry(), on_fatal=lambda name, _: fatal.append(name))

    async def forever(probe: Probe) -> None:
        probe.ok()
        await asyncio.Event().wait()

    supervisor.spawn("a", forever)
    supervisor.spawn("b", forever)
    await asyncio.sleep(0.01)
    await supervisor.stop("a")
    await supervisor.stop()
    assert fatal == []


async def test_a_failing_job_is_logged_reported_and_backed_off(
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock = FakeClock()
    registry = HealthRegistry(clock)
    supervisor = Supervisor(registry)
    calls = 0
    failing = True

    async def sweep() -> None:
        nonlocal calls
        calls += 1
        if failing:
            raise OSError("database unreachable")

    job = supervisor.job("outbox", sweep, backoff=Backoff(initial=0.2, maximum=0.2))
    await job()
    [outbox] = registry.report(down_after=timedelta(minutes=1)).components
    assert (outbox.status, outbox.last_error) == ("degraded", "OSError: database unreachable")
    assert outbox.since == clock.now()
    [logged] = [r for r in caplog.records if "outbox failed" in r.getMessage()]
    assert logged.exc_info is not None, "with its traceback"

    await job()
    assert calls == 1, "a tick inside the backoff does not run the job"
    await asyncio.sleep(0.21)
    failing = False
    clock.advance(seconds=5)
    await job()
    assert calls == 2
    [outbox] = registry.report(down_after=timedelta(minutes=1)).components
    assert (outbox.status, outbox.since) == ("ok", clock.now())


async def test_a_job_that_stops_succeeding_turns_stale() -> None:
    clock = FakeClock()
    registry = HealthRegistry(clock)

    async def nothing() -> None:
        return None

    job = Supervisor(registry).job("kb-sync", nothing, stale_after=timedelta(seconds=30))
    await job()
    clock.advance(seconds=29)
    assert registry.report(down_after=timedelta(minutes=1)).status == "ok"
    clock.advance(seconds=2)
    report = registry.report(down_after=timedelta(minutes=1))
    [sync] = report.components
    assert report.status == "degraded"
    assert (sync.status, sync.last_error) == ("degraded", "no successful run for 31 s")


def test_a_channel_down_longer_than_the_threshold_makes_the_report_down() -> None:
    clock = FakeClock()
    registry = HealthRegistry(clock)
    telegram = registry.probe("telegram", kind="channel")
    outbox = registry.probe("outbox")
    threshold = timedelta(seconds=60)
    telegram.ok()
    outbox.ok()
    assert registry.report(down_after=threshold).status == "ok"

    telegram.degraded("getUpdates: network error")
    clock.advance(seconds=30)
    telegram.degraded("getUpdates: network error again")
    report = registry.report(down_after=threshold)
    assert (report.status, report.down) == ("degraded", ())
    clock.advance(seconds=30)
    report = registry.report(down_after=threshold)
    assert (report.status, report.down) == ("down", ("telegram",))
    assert report.as_json()["channels"] == {
        "telegram": {
            "status": "degraded",
            "since": "2026-03-02T09:00:00+00:00",
            "last_error": "getUpdates: network error again",
            "last_error_at": "2026-03-02T09:00:30+00:00",
            "last_ok_at": "2026-03-02T09:00:00+00:00",
            "restarts": 0,
            "detail": None,
        }
    }

    outbox.degraded("database unreachable")
    clock.advance(hours=1)
    telegram.ok()
    report = registry.report(down_after=threshold)
    assert (report.status, report.down) == ("degraded", ()), "a failing worker is not down"


def test_a_channel_that_never_came_up_is_down_after_the_threshold() -> None:
    clock = FakeClock()
    registry = HealthRegistry(clock)
    registry.probe("slack", kind="channel")
    assert registry.report(down_after=timedelta(seconds=10)).status == "ok"
    clock.advance(seconds=10)
    assert registry.report(down_after=timedelta(seconds=10)).down == ("slack",)


async def test_shutdown_waits_for_a_job_run_in_flight_instead_of_cancelling_it() -> None:
    supervisor = Supervisor(HealthRegistry(FakeClock()))
    release = asyncio.Event()
    finished: list[str] = []

    async def sweep() -> None:
        await release.wait()
        finished.append("sweep")

    run = asyncio.get_running_loop().create_task(supervisor.job("outbox", sweep)())
    await asyncio.sleep(0)  # the scheduler started it; now the process is told to stop
    asyncio.get_running_loop().call_later(0.05, release.set)

    assert await supervisor.finish_jobs(within_s=5) is True
    assert finished == ["sweep"]
    assert run.done() and not run.cancelled()


async def test_a_job_run_that_will_not_end_is_reported_after_the_timeout() -> None:
    supervisor = Supervisor(HealthRegistry(FakeClock()))
    never = asyncio.Event()
    run = asyncio.get_running_loop().create_task(supervisor.job("kb-sync", never.wait)())
    await asyncio.sleep(0)

    assert await supervisor.finish_jobs(within_s=0.05) is False
    assert not run.done()
    run.cancel()
    with pytest.raises(asyncio.CancelledError):
        await run


async def test_with_no_job_in_flight_shutdown_does_not_wait() -> None:
    supervisor = Supervisor(HealthRegistry(FakeClock()))
    done: list[int] = []

    async def quick() -> None:
        done.append(1)

    await supervisor.job("digest", quick)()
    assert done == [1]
    assert await supervisor.finish_jobs(within_s=0) is True
