"""Keeping long-running work alive, and knowing whether it is.

Every loop that must run for the life of the process (a channel's polling, a socket) runs under
:meth:`Supervisor.spawn`: an unexpected error is logged with its traceback and the loop starts
again after a capped, jittered exponential backoff. Periodic jobs (the scheduler's sweeps) are
wrapped with :meth:`Supervisor.job`, which does the same per run. Both report into a
:class:`HealthRegistry` through a :class:`Probe`; ``/healthz`` reads the registry.

A loop reports for itself too: ``probe.ok()`` after each piece of work that proves it is alive
(a ``getUpdates`` answered), ``probe.degraded(error)`` when it is failing but still trying (a
network error it retries by itself). Nothing here knows any platform.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Literal

from core.ports import Clock, SystemClock

log = logging.getLogger(__name__)

Kind = Literal["channel", "worker"]
Status = Literal["starting", "ok", "standby", "degraded", "stopped"]
"""``standby``: healthy and ready, waiting for work only one instance may do (see
:mod:`core.instance_locks`)."""


@dataclass(frozen=True, slots=True)
class Backoff:
    """Capped exponential backoff with jitter: the n-th retry (from 0) waits a random time
    between half and all of ``min(maximum, initial * factor**n)``, so retries never stampede."""

    initial: float = 1.0
    maximum: float = 60.0
    factor: float = 2.0

    def delay(self, retry: int) -> float:
        capped = min(self.maximum, self.initial * self.factor ** max(retry, 0))
        return random.uniform(capped / 2, capped)


@dataclass(slots=True)
class ComponentHealth:
    """One channel or worker as ``/healthz`` shows it. ``since``: when ``status`` began."""

    name: str
    kind: Kind
    status: Status
    since: datetime
    last_error: str | None = None
    last_error_at: datetime | None = None
    last_ok_at: datetime | None = None
    restarts: int = 0
    detail: str | None = None  # what it is doing, e.g. which instance polls
    stale_after: timedelta | None = field(default=None, repr=False)

    def as_json(self) -> dict[str, object]:
        return {
            "status": self.status,
            "since": self.since.isoformat(),
            "last_error": self.last_error,
            "last_error_at": self.last_error_at.isoformat() if self.last_error_at else None,
            "last_ok_at": self.last_ok_at.isoformat() if self.last_ok_at else None,
            "restarts": self.restarts,
            "detail": self.detail,
        }


class Probe:
    """What one supervised component says about itself. Cheap enough to call on every loop."""

    def __init__(self, component: ComponentHealth, clock: Clock) -> None:
        self._component = component
        self._clock = clock

    @property
    def name(self) -> str:
        return self._component.name

    @property
    def last_ok_at(self) -> datetime | None:
        return self._component.last_ok_at

    def ok(self) -> None:
        component, now = self._component, self._clock.now()
        if component.status != "ok":
            component.status, component.since = "ok", now
        component.last_ok_at = now

    def degraded(self, error: BaseException | str) -> None:
        """Failing but still trying. ``since`` keeps the start of the failing streak."""
        component, now = self._component, self._clock.now()
        if component.status != "degraded":
            component.status, component.since = "degraded", now
        component.last_error = _describe(error)
        component.last_error_at = now

    def standby(self, detail: str) -> None:
        """Healthy, waiting for its turn (another instance does the work meanwhile)."""
        component = self._component
        if component.status != "standby":
            component.status, component.since = "standby", self._clock.now()
        component.detail = detail

    def describe(self, detail: str | None) -> None:
        """Say what it is doing now (``/healthz`` shows it), whatever its status."""
        self._component.detail = detail

    def stopped(self) -> None:
        self._component.status, self._component.since = "stopped", self._clock.now()

    def restarted(self) -> None:
        self._component.restarts += 1


@dataclass(frozen=True, slots=True)
class HealthReport:
    """``status``: "ok", "degraded" (something is failing, nothing essential is down) or
    "down" (``down`` names what: a channel that has not been ok for longer than allowed)."""

    status: Literal["ok", "degraded", "down"]
    components: tuple[ComponentHealth, ...]
    down: tuple[str, ...]

    def as_json(self) -> dict[str, object]:
        return {
            "status": self.status,
            "down": list(self.down),
            "channels": {c.name: c.as_json() for c in self.components if c.kind == "channel"},
            "workers": {c.name: c.as_json() for c in self.components if c.kind == "worker"},
        }


class HealthRegistry:
    """The state of every channel and worker in this process, as their probes last reported."""

    def __init__(self, clock: Clock | None = None) -> None:
        self.clock = clock or SystemClock()
        self._components: dict[str, ComponentHealth] = {}

    def probe(
        self, name: str, *, kind: Kind = "worker", stale_after: timedelta | None = None
    ) -> Probe:
        """Register ``name`` (once; later calls return a probe for the same component).
        ``stale_after``: a periodic job whose last success is older than this counts as
        degraded even when no run has failed (a run that hangs)."""
        component = self._components.get(name)
        if component is None:
            component = ComponentHealth(name, kind, "starting", self.clock.now())
            component.stale_after = stale_after
            self._components[name] = component
        return Probe(component, self.clock)

    def report(self, *, down_after: timedelta) -> HealthReport:
        """A snapshot. A channel that has not been ok for ``down_after`` makes the report
        "down"; any failing component makes it at least "degraded"."""
        now = self.clock.now()
        views = tuple(self._view(c, now) for c in self._components.values())
        down = tuple(
            v.name
            for v in views
            if v.kind == "channel"
            and v.status in ("starting", "degraded")
            and now - v.since >= down_after
        )
        if down:
            return HealthReport("down", views, down)
        failing = any(v.status in ("degraded", "stopped") for v in views)
        return HealthReport("degraded" if failing else "ok", views, ())

    @staticmethod
    def _view(component: ComponentHealth, now: datetime) -> ComponentHealth:
        stale = component.stale_after
        if (
            stale is None
            or component.status != "ok"
            or component.last_ok_at is None
            or now - component.last_ok_at <= stale
        ):
            return replace(component)
        quiet = int((now - component.last_ok_at).total_seconds())
        return replace(
            component,
            status="degraded",
            since=component.last_ok_at + stale,
            last_error=f"no successful run for {quiet} s",
        )


class Supervisor:
    """Starts and keeps alive the process's long-running work.

    ``on_fatal`` is called if a supervised loop ends for a reason it cannot restart from (an
    exception that is not an :class:`Exception`); the runner then stops the whole process
    rather than keep serving with a dead part.
    """

    def __init__(
        self,
        registry: HealthRegistry,
        *,
        backoff: Backoff | None = None,
        on_fatal: Callable[[str, BaseException | None], None] | None = None,
    ) -> None:
        self.registry = registry
        self.backoff = backoff or Backoff()
        self._on_fatal = on_fatal
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._stopping: set[str] = set()
        self._jobs_in_flight: set[asyncio.Future[None]] = set()  # each resolved when its run ends

    def spawn(
        self, name: str, run: Callable[[Probe], Awaitable[None]], *, kind: Kind = "worker"
    ) -> asyncio.Task[None]:
        """Run ``run(probe)`` until :meth:`stop`, restarting it whenever it fails or returns."""
        if name in self._tasks and not self._tasks[name].done():
            raise RuntimeError(f"{name} is already running")
        self._stopping.discard(name)
        probe = self.registry.probe(name, kind=kind)
        task = asyncio.get_running_loop().create_task(self._keep_running(run, probe), name=name)
        task.add_done_callback(self._ended)
        self._tasks[name] = task
        return task

    async def _keep_running(self, run: Callable[[Probe], Awaitable[None]], probe: Probe) -> None:
        retry = 0
        while True:
            last_ok = probe.last_ok_at
            try:
                await run(probe)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - the point of a supervisor
                log.exception("%s crashed; restarting it", probe.name)
                probe.degraded(exc)
            else:
                log.error("%s ended by itself; restarting it", probe.name)
                probe.degraded("ended unexpectedly")
            if probe.last_ok_at != last_ok:
                retry = 0  # it worked for a while: start the backoff over
            delay = self.backoff.delay(retry)
            retry += 1
            probe.restarted()
            log.info("%s restarts in %.1f s", probe.name, delay)
            await asyncio.sleep(delay)

    def _ended(self, task: asyncio.Task[None]) -> None:
        if task.get_name() in self._stopping:
            return
        error = None if task.cancelled() else task.exception()
        log.critical("%s is dead (%r); the process cannot serve without it", task.get_name(), error)
        self.registry.probe(task.get_name()).stopped()
        if self._on_fatal is not None:
            self._on_fatal(task.get_name(), error)

    def job(
        self,
        name: str,
        work: Callable[[], Awaitable[object]],
        *,
        stale_after: timedelta | None = None,
        backoff: Backoff | None = None,
    ) -> Callable[[], Awaitable[None]]:
        """Wrap a periodic job for the scheduler: each run reports to the registry; a failed
        run is logged with its traceback, and later runs are skipped for a backoff that grows
        with each failure in a row (so a database outage logs once a minute, not every tick)."""
        probe = self.registry.probe(name, kind="worker", stale_after=stale_after)
        policy = backoff or self.backoff
        failures = 0
        resume_at = 0.0

        async def run_once() -> None:
            nonlocal failures, resume_at
            loop = asyncio.get_running_loop()
            if loop.time() < resume_at:
                return
            ended: asyncio.Future[None] = loop.create_future()
            self._jobs_in_flight.add(ended)
            try:
                await work()
            except Exception as exc:  # noqa: BLE001 - reported, and retried on a later tick
                delay = policy.delay(failures)
                failures += 1
                resume_at = loop.time() + delay
                log.exception("%s failed; next try in %.1f s", name, delay)
                probe.degraded(exc)
            else:
                failures = 0
                probe.ok()
            finally:
                self._jobs_in_flight.discard(ended)
                ended.set_result(None)

        return run_once

    async def finish_jobs(self, within_s: float) -> bool:
        """Wait (up to *within_s* seconds) for the periodic job runs in flight to end by
        themselves; at shutdown, after the scheduler has been paused, so that no run is
        cancelled halfway (APScheduler's asyncio executor cancels what is running when it shuts
        down). True when none is left running."""
        in_flight = set(self._jobs_in_flight)
        if in_flight:
            await asyncio.wait(in_flight, timeout=within_s)
        return all(ended.done() for ended in in_flight)

    async def stop(self, *names: str) -> None:
        """Cancel the named supervised loops (all of them when none is named) and wait."""
        chosen = names or tuple(self._tasks)
        self._stopping.update(chosen)
        tasks = [self._tasks.pop(name) for name in chosen if name in self._tasks]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for task in tasks:
            self.registry.probe(task.get_name()).stopped()


def _describe(error: BaseException | str) -> str:
    if isinstance(error, str):
        return error[:500]
    text = str(error)
    return (f"{type(error).__name__}: {text}" if text else type(error).__name__)[:500]
