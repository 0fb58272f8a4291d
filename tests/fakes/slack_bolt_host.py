"""Serve a slack-bolt ``AsyncApp`` on a free local port (aiohttp), for tests and benchmarks."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from tests.fakes.local_http import serve_on_free_port
from tests.fakes.slack_server import FakeSlackServer


def bare_app(slack: FakeSlackServer, **options: object) -> AsyncApp:
    """A Bolt app whose Web API client talks to the fake."""
    client = AsyncWebClient(token=slack.bot_token, base_url=slack.api_url)
    return AsyncApp(client=client, signing_secret=slack.signing_secret, **options)  # type: ignore[arg-type]


@asynccontextmanager
async def serving(app: AsyncApp, path: str = "/slack/events") -> AsyncIterator[str]:
    """Run ``app`` over HTTP; yields its request URL."""
    runner, base_url = await serve_on_free_port(app.web_app(path=path))
    try:
        yield base_url + path
    finally:
        await runner.cleanup()
