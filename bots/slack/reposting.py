"""Files a person shared with the app, shown again where agents work: a Slack file is fetched with
the bot token (``files.info`` → ``url_private``) and uploaded into the conversation the reply
goes to (the ticket card's thread), so agents see it without access to the person's DM."""

from __future__ import annotations

import aiohttp
from slack_sdk.web.async_client import AsyncWebClient

from core.messages import PermanentFailure, RetryLater

FILE_LIMIT = 20 * 1024 * 1024  # the largest file taken into a ticket, and re-posted
DOWNLOAD_TIMEOUT_S = 60.0


async def fetch(client: AsyncWebClient, url: str, *, limit: int = FILE_LIMIT) -> bytes:
    """A file's bytes from ``url_private`` (Slack answers a request without the bot token with
    its sign-in page, so the token always goes along)."""
    timeout = aiohttp.ClientTimeout(total=DOWNLOAD_TIMEOUT_S)
    headers = {"Authorization": f"Bearer {client.token}"}
    try:
        async with (
            aiohttp.ClientSession(timeout=timeout) as session,
            session.get(url, headers=headers) as response,
        ):
            if response.status >= 500 or response.status == 429:
                raise RetryLater(f"Slack file download: HTTP {response.status}")
            if response.status != 200 or "text/html" in response.content_type:
                raise PermanentFailure(f"Slack file download refused: HTTP {response.status}")
            data = await response.content.read(limit + 1)
    except (aiohttp.ClientError, TimeoutError) as exc:
        raise RetryLater(f"Slack file download: {type(exc).__name__}: {exc}") from exc
    if len(data) > limit:
        raise PermanentFailure(f"the file is larger than {limit // 1024 // 1024} MB")
    return data
