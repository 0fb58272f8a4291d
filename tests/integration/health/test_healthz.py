"""/healthz: 200 while every part works or is being retried, 503 when the database does not
answer or a configured channel has been failing for longer than the threshold."""

from __future__ import annotations

from datetime import timedelta

import httpx

from admin.app import create_app
from core.settings import Settings
from core.supervision import HealthRegistry
from storage.unit_of_work import Database
from tests.support.clock import FakeClock


def _settings(**values: object) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


async def _get(app: object) -> httpx.Response:
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://desk") as http:
        return await http.get("/healthz")


async def test_healthz_reports_channels_and_workers_and_turns_503_after_the_threshold(
    db: Database,
) -> None:
    clock = FakeClock()
    registry = HealthRegistry(clock)
    telegram = registry.probe("telegram", kind="channel")
    outbox = registry.probe("outbox")
    app = create_app(settings=_settings(health_channel_down_after=30), database=db, health=registry)
    telegram.ok()
    outbox.ok()
    answer = await _get(app)
    assert answer.status_code == 200
    body = answer.json()
    assert body["status"] == "ok" and body["down"] == []
    assert body["database"]["status"] == "ok"
    assert set(body["channels"]) == {"telegram"} and set(body["workers"]) == {"outbox"}

    outbox.degraded(OSError("disk full"))
    answer = await _get(app)
    assert answer.status_code == 200 and answer.json()["status"] == "degraded"
    assert answer.json()["workers"]["outbox"]["last_error"] == "OSError: disk full"

    telegram.degraded("getUpdates: network error")
    clock.advance(seconds=29)
    assert (await _get(app)).status_code == 200
    clock.advance(seconds=1)
    answer = await _get(app)
    assert answer.status_code == 503
    assert answer.json()["status"] == "down" and answer.json()["down"] == ["telegram"]

    telegram.ok()
    assert (await _get(app)).status_code == 200


async def test_healthz_is_503_when_the_database_does_not_answer() -> None:
    unreachable = Database("postgresql+asyncpg://postgres@127.0.0.1:9/nowhere")
    try:
        app = create_app(settings=_settings(), database=unreachable, health=HealthRegistry())
        answer = await _get(app)
    finally:
        await unreachable.dispose()
    assert answer.status_code == 503
    body = answer.json()
    assert body["status"] == "down" and body["down"] == ["database"]
    assert body["database"]["status"] == "down"


def test_the_threshold_is_a_setting() -> None:
    assert _settings().health_channel_down_after == 120
    seconds = _settings(health_channel_down_after="45").health_channel_down_after
    assert timedelta(seconds=seconds) == timedelta(seconds=45)
