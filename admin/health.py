"""``/healthz``: the database, every channel and every background worker, for monitoring.

200 with ``"status": "ok"`` or ``"degraded"`` (something is failing and being retried); 503 with
``"down"`` when the database does not answer or a configured channel has not been working for
longer than ``CHATDESK_HEALTH_CHANNEL_DOWN_AFTER`` seconds, so an orchestrator restarts or
replaces the instance instead of leaving a deaf bot running.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from sqlalchemy import text

from core.supervision import HealthRegistry
from storage.unit_of_work import Database

log = logging.getLogger(__name__)
DATABASE_TIMEOUT_S = 5.0


def add_health_route(
    app: FastAPI, *, database: Database, registry: HealthRegistry, down_after: timedelta
) -> None:
    async def health() -> JSONResponse:
        report = registry.report(down_after=down_after).as_json()
        dialect = database.engine.dialect.name
        try:
            async with asyncio.timeout(DATABASE_TIMEOUT_S), database.engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
        except Exception as exc:  # noqa: BLE001 - any failure means the database is unusable
            log.warning("healthz: the database does not answer: %s", exc)
            report["database"] = {"status": "down", "dialect": dialect, "error": type(exc).__name__}
            report["status"] = "down"
            report["down"] = [*report["down"], "database"]  # type: ignore[misc]
        else:
            report["database"] = {"status": "ok", "dialect": dialect}
        return JSONResponse(report, status_code=503 if report["status"] == "down" else 200)

    app.add_api_route("/healthz", health, methods=["GET"], summary="Health of every part")
