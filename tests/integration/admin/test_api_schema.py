"""Schema-driven: Schemathesis generates requests from /api/v1/openapi.json for every
operation (valid and invalid ones, bounded per operation) against a real server; none may
answer 500, and every refusal is a problem document."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
import uvicorn
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode

from admin.app import create_app
from chatdesk.channels import CHANNEL_KINDS
from core.domain.accounts import Scope
from core.domain.enums import Role
from core.services import accounts, api_tokens
from core.services.context import operator
from core.settings import Settings
from storage import migrate
from storage.unit_of_work import Database
from tests.e2e.harness import LoopThread, free_port
from tests.support.desk import make_groups, make_person, open_ticket

EXAMPLES_PER_OPERATION = 10


async def _serve(url: str, port: int, started: asyncio.Event) -> tuple[uvicorn.Server, str]:
    await migrate.upgrade(url)
    database = Database(url)
    await make_groups(database)
    requester = await make_person(database, "Rita", external_id="501")
    await open_ticket(database, requester)
    async with database.uow() as uow:
        made = await accounts.create_user(
            uow, actor=operator(), email="api@example.com", role=Role.ADMIN, password="x" * 12
        )
        issued = await api_tokens.create_api_token(
            uow,
            actor=operator(),
            name="schema test",
            scopes=[scope.value for scope in Scope],
            person_id=made.person.id,
        )
        await uow.commit()
    settings_ = Settings(_env_file=None, database_url=url, secret_key="schema-test-secret-key")  # type: ignore[call-arg]
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(
                settings=settings_,
                database=database,
                channels=[kind.profile for kind in CHANNEL_KINDS],
            ),
            host="127.0.0.1",
            port=port,
            log_level="warning",
            lifespan="off",
        )
    )
    asyncio.get_running_loop().create_task(server.serve())
    while not server.started:  # noqa: ASYNC110 - uvicorn offers no event for "listening"
        await asyncio.sleep(0.05)
    return server, issued.secret


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """A real server (its own loop and SQLite file) and an API token with every scope."""
    loop = LoopThread()
    port = free_port()
    url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('schema') / Path('api.db')}"
    server, token = loop.run(_serve(url, port, asyncio.Event()), timeout=60)
    yield f"http://127.0.0.1:{port}", token
    server.should_exit = True
    loop.run(asyncio.sleep(0.3))
    loop.close()


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_no_generated_request_makes_the_api_fail(
    served: tuple[str, str], mode: GenerationMode
) -> None:
    base, token = served
    schema = schemathesis.openapi.from_url(f"{base}/api/v1/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 16, [o.label for o in operations]
    seen: list[str] = []
    for operation in operations:

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        def check(case: Any) -> None:
            response = case.call(
                base_url=f"{base}/api/v1", headers={"Authorization": f"Bearer {token}"}
            )
            assert response.status_code < 500, (case.method, case.formatted_path, response.text)
            if response.status_code >= 400:
                content_type = response.headers.get("content-type") or [""]
                assert content_type[0].startswith("application/problem+json"), (
                    case.method,
                    case.formatted_path,
                    response.status_code,
                    response.request.url,
                )
                assert response.json()["status"] == response.status_code
            seen.append(case.operation.label)

        check()
    assert set(seen) == {o.label for o in operations}, "every operation was exercised"
