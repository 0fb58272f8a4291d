"""`chatdesk run`: every configured part in one process and one event loop.

Always: migrations to head, the admin web app (uvicorn), the knowledge index and the
scheduler's sweeps (outbox delivery, knowledge sync). Every messenger whose settings are
present joins (see :mod:`chatdesk.channels`); the runner names none of them.

Every long-running part runs under one :class:`core.supervision.Supervisor` and reports to one
health registry, which ``/healthz`` shows. A part that dies beyond restarting stops the process
(exit status 1) rather than leave it serving without it.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import signal
import threading
from collections.abc import Iterator
from datetime import timedelta

import uvicorn
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from admin.app import create_app
from admin.security import check_bind
from chatdesk import heap
from chatdesk.channels import CHANNEL_KINDS, agent_rooms, configured
from core.channels import Channel, ChannelHost
from core.domain.conversation import IdleLimits
from core.errors import ConfigurationError
from core.intake.events import DeskConfig
from core.intake.inbound import InboundProcessor
from core.intake.rooms import sync_agent_rooms
from core.messages import Sender
from core.services.clock_sweep import ClockSweeper
from core.services.clocks import ensure_defaults
from core.services.daily_digest import post_daily_digest
from core.services.knowledge_index import KnowledgeBase
from core.services.outbox import OutboxWorker
from core.services.weekly_report import post_weekly_report
from core.settings import Settings
from core.supervision import HealthRegistry, Supervisor
from kb.encoder import EncoderLoader
from storage import migrate
from storage.instance_locks import instance_locks
from storage.unit_of_work import Database

log = logging.getLogger("chatdesk")
JOBS_FINISH_S = 10  # at shutdown, how long scheduled job runs in flight may take to end


class _Server(uvicorn.Server):
    """uvicorn's server, except that SIGINT/SIGTERM end :meth:`serve` normally instead of being
    raised again once it returns (which kills the process before :func:`run` can stop the bot,
    the scheduler and the database pool)."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        handled = (signal.SIGINT, signal.SIGTERM)
        original = {sig: signal.signal(sig, self.handle_exit) for sig in handled}
        try:
            yield
        finally:
            for sig, handler in original.items():
                signal.signal(sig, handler)


async def run(settings: Settings) -> None:
    check_bind(settings)
    await migrate.upgrade(settings.database_url)
    database = Database(settings.database_url)
    knowledge_base = KnowledgeBase(
        model=EncoderLoader() if settings.kb_semantic else None,
        learn_after=settings.kb_learn_after,
    )
    knowledge_base.start_model()  # in the background: suggestions are lexical until it is ready
    config = desk_config(settings)
    async with database.uow() as uow:
        await knowledge_base.load(uow, wait_for_model=False)
        await sync_agent_rooms(uow, config.agent_rooms)
        await ensure_defaults(uow, timezone=settings.timezone)
        await uow.commit()
    log.info("knowledge base: %d published articles indexed", len(knowledge_base.engine))

    dead: list[str] = []
    server: _Server | None = None

    def stop_serving(part: str, _error: BaseException | None) -> None:
        dead.append(part)
        if server is not None:
            server.should_exit = True

    health = HealthRegistry()
    supervisor = Supervisor(health, on_fatal=stop_serving)
    senders: dict[str, Sender] = {}
    worker = OutboxWorker(database.uow, senders)
    processor = InboundProcessor(
        database.uow, kb=knowledge_base, config=config, after_commit=worker.kick
    )
    app = create_app(
        settings=settings,
        database=database,
        knowledge=knowledge_base,
        after_commit=worker.kick,
        health=health,
        channels=[kind.profile for kind in CHANNEL_KINDS],
    )
    # Scheduled work off the bots' hot path may run long statements (a sweep over every open
    # ticket, a year of report figures): on SQLite those run on a worker thread, not the loop's.
    background_uow = functools.partial(database.uow, offload=True)
    clocks = ClockSweeper(background_uow, after_commit=worker.kick)
    locks = instance_locks(settings.database_url)
    log.info("instance %s", locks.instance)

    host = ChannelHost(
        settings=settings,
        processor=processor,
        uow_factory=database.uow,
        web=app,
        supervisor=supervisor,
        locks=locks,
    )
    channels: list[Channel] = []
    for kind in configured(settings):
        channel = kind.create(host)
        senders[channel.name] = channel.sender
        await channel.start()
        channels.append(channel)
    if not channels:
        log.info("no messenger tokens configured: serving the admin panel only")

    async def sync_knowledge() -> None:
        semantic_before = knowledge_base.engine.semantic_ready
        async with background_uow() as uow:
            await knowledge_base.sync(uow)
            await uow.commit()  # the vectors it encoded
        if knowledge_base.engine.semantic_ready and not semantic_before:
            heap.settle()  # the model and its vectors are here for good

    async def fold_tallies() -> None:
        async with database.uow() as uow:
            await uow.articles.fold_uses()
            await uow.knowledge_log.fold_seen()
            await uow.commit()

    async def weekly_picture() -> None:
        async with background_uow() as uow:
            if await post_weekly_report(uow, timezone=settings.timezone):
                await uow.commit()
                worker.kick()

    async def daily_digest() -> None:
        async with background_uow() as uow:
            if await post_daily_digest(uow):
                await uow.commit()
                worker.kick()

    scheduler = AsyncIOScheduler(timezone=settings.timezone)
    jobs = (
        ("outbox", worker.sweep, 1, timedelta(minutes=2)),
        ("kb-sync", sync_knowledge, 10, timedelta(minutes=5)),
        ("kb-tallies", fold_tallies, 5, timedelta(minutes=5)),
        ("sla-clocks", clocks.sweep, settings.sla_sweep_seconds, timedelta(minutes=10)),
        ("weekly-report", weekly_picture, 15 * 60, timedelta(hours=1)),
        ("daily-digest", daily_digest, 5 * 60, timedelta(minutes=30)),
    )
    for name, work, seconds, stale_after in jobs:
        scheduler.add_job(
            supervisor.job(name, work, stale_after=stale_after),
            "interval",
            seconds=seconds,
            id=name,
            max_instances=1,
            coalesce=True,
        )
    scheduler.start()
    heap.settle()  # what start-up built lives as long as the process
    server = _Server(
        uvicorn.Config(
            app,
            host=settings.admin_host,
            port=settings.admin_port,
            log_level="info",
            lifespan="off",
        )
    )
    log.info("admin panel on http://%s:%s", settings.admin_host, settings.admin_port)
    try:
        await server.serve()
    finally:
        scheduler.pause()  # no new runs; the ones in flight end by themselves, not cancelled
        if not await supervisor.finish_jobs(within_s=JOBS_FINISH_S):
            log.warning("a scheduled job was still running after %d s; stopping it", JOBS_FINISH_S)
        scheduler.shutdown(wait=False)
        await worker.stop()  # lets a sweep in flight finish while the channels still send
        for channel in reversed(channels):
            await channel.stop()
        await supervisor.stop()
        await locks.close()
        await database.dispose()
    if dead:
        raise ConfigurationError(
            "stopped: {parts} died and could not be restarted (see the log above)",
            parts=", ".join(dead),
        )


def desk_config(settings: Settings) -> DeskConfig:
    return DeskConfig(
        default_language=settings.default_language,
        agent_rooms=agent_rooms(settings),
        timezone=settings.timezone,
        limits=IdleLimits(
            draft=timedelta(minutes=settings.draft_idle_minutes),
            rating_comment=timedelta(minutes=settings.rating_comment_minutes),
            prompt=timedelta(minutes=settings.prompt_idle_minutes),
        ),
    )
