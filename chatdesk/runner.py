"""`chatdesk run`: every configured part in one process and one event loop.

Always: migrations to head, the admin web app (uvicorn) and the scheduler's sweeps (outbox
delivery). Each messenger bot joins when its tokens are configured.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

import uvicorn
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from admin.app import create_app
from core.messages import Sender
from core.services.knowledge import KnowledgeBase
from core.services.outbox import OutboxWorker
from core.settings import Settings
from storage import migrate
from storage.unit_of_work import Database

log = logging.getLogger("chatdesk")

ChannelStarter = Callable[[Settings, Database, OutboxWorker], Awaitable[None]]


async def run(settings: Settings) -> None:
    await migrate.upgrade(settings.database_url)
    database = Database(settings.database_url)
    senders: dict[str, Sender] = {}
    worker = OutboxWorker(database.uow, senders)
    knowledge_base = KnowledgeBase()
    async with database.uow() as uow:
        await knowledge_base.load(uow)
    log.info("knowledge base: %d published articles indexed", len(knowledge_base.engine))

    async def sync_knowledge() -> None:
        async with database.uow() as uow:
            await knowledge_base.sync(uow)

    app = create_app(settings=settings, database=database)
    server = uvicorn.Server(
        uvicorn.Config(
            app,
            host=settings.admin_host,
            port=settings.admin_port,
            log_level="info",
            lifespan="off",
        )
    )
    scheduler = AsyncIOScheduler(timezone=settings.timezone)
    scheduler.add_job(
        worker.sweep, "interval", seconds=1, id="outbox", max_instances=1, coalesce=True
    )
    scheduler.start()
    log.info("admin panel on http://%s:%s", settings.admin_host, settings.admin_port)
    if not settings.telegram_enabled and not settings.slack_enabled:
        log.info("no messenger tokens configured: serving the admin panel only")
    try:
        await server.serve()
    finally:
        scheduler.shutdown(wait=False)
        await database.dispose()
