"""The fake Slack Web API, exercised through the real slack_sdk client over HTTP."""

from __future__ import annotations

import time

import aiohttp
import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from tests.fakes.slack_objects import BOT_USER_ID, read_mrkdwn
from tests.fakes.slack_server import DISCONNECT, FakeSlackServer


def section(text: str) -> dict[str, object]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


async def test_auth_and_tokens(slack: FakeSlackServer, client: AsyncWebClient) -> None:
    me = await client.auth_test()
    assert (me["user_id"], me["bot_id"]) == (BOT_USER_ID, "B0FAKEBOT")
    wrong = AsyncWebClient(token="xoxb-wrong", base_url=slack.api_url)
    with pytest.raises(SlackApiError, match="invalid_auth"):
        await wrong.auth_test()
    app_level = AsyncWebClient(token=slack.app_token, base_url=slack.api_url)
    opened = await app_level.apps_connections_open(app_token=slack.app_token)
    assert opened["url"].startswith("ws://127.0.0.1:")
    with pytest.raises(SlackApiError, match="not_allowed_token_type"):
        await client.apps_connections_open(app_token=slack.bot_token)
    slack.revoked = True
    with pytest.raises(SlackApiError, match="token_revoked"):
        await client.chat_postMessage(channel="C1", text="x")


async def test_post_update_thread_and_permalink(
    slack: FakeSlackServer, client: AsyncWebClient
) -> None:
    triage = slack.add_channel("it-triage")
    posted = await client.chat_postMessage(
        channel=triage.id, text="card", blocks=[section("*#1001* VPN")]
    )
    ts = posted["ts"]
    reply = await client.chat_postMessage(channel=triage.id, text="in thread", thread_ts=ts)
    await client.chat_update(channel=triage.id, ts=ts, text="card v2", blocks=[section("v2")])
    [card] = slack.app_messages_in(triage.id)
    assert card["seen"] == "v2" and card["edited"] and card["reply_count"] == 1
    assert [m["text"] for m in slack.thread(triage.id, ts)] == ["in thread"]
    link = await client.chat_getPermalink(channel=triage.id, message_ts=reply["ts"])
    assert link["permalink"].startswith(f"https://fakedesk.slack.com/archives/{triage.id}/p")
    assert f"thread_ts={ts}" in link["permalink"]
    with pytest.raises(SlackApiError, match="message_not_found"):
        await client.chat_update(channel=triage.id, ts="1.000001", text="x")
    with pytest.raises(SlackApiError, match="no_text"), pytest.warns(UserWarning):
        await client.chat_postMessage(channel=triage.id, text="")


async def test_channels_membership_and_dms(slack: FakeSlackServer, client: AsyncWebClient) -> None:
    alice = slack.add_user("alice")
    outside = slack.add_channel("random", bot_member=False)
    with pytest.raises(SlackApiError, match="not_in_channel"):
        await client.chat_postMessage(channel=outside.id, text="x")
    with pytest.raises(SlackApiError, match="channel_not_found"):
        await client.chat_postMessage(channel="C404", text="x")
    opened = await client.conversations_open(users=alice.id)
    dm = opened["channel"]["id"]
    assert dm == slack.dm_with(alice).id
    await client.chat_postMessage(channel=alice.id, text="to the user id lands in the DM")
    said = slack.workspace.add_message(slack.dm_with(alice), {"user": alice.id, "text": "hi"})
    history = await client.conversations_history(channel=dm)
    assert [m["text"] for m in history["messages"]] == ["hi", "to the user id lands in the DM"]
    thread = await client.conversations_replies(channel=dm, ts=said["ts"])
    assert [m["text"] for m in thread["messages"]] == ["hi"]
    with pytest.raises(SlackApiError, match="user_not_in_channel"):
        await client.chat_postEphemeral(channel=slack.add_channel("x").id, user=alice.id, text="x")
    await client.chat_postEphemeral(channel=dm, user=alice.id, text="only you")
    assert [e["text"] for e in slack.ephemerals_for(alice)] == ["only you"]


async def test_users_info_and_reactions(slack: FakeSlackServer, client: AsyncWebClient) -> None:
    bob = slack.add_user("bob", email="bob@example.com", tz="Europe/Moscow", locale="ru-RU")
    plain = await client.users_info(user=bob.id)
    assert plain["user"]["profile"]["email"] == "bob@example.com"
    assert "locale" not in plain["user"]
    full = await client.users_info(user=bob.id, include_locale=True)
    assert (full["user"]["locale"], full["user"]["tz"]) == ("ru-RU", "Europe/Moscow")
    with pytest.raises(SlackApiError, match="user_not_found"):
        await client.users_info(user="U404")
    channel = slack.add_channel("general", members=(bob,))
    posted = await client.chat_postMessage(channel=channel.id, text="x")
    await client.reactions_add(channel=channel.id, timestamp=posted["ts"], name="white_check_mark")
    with pytest.raises(SlackApiError, match="already_reacted"):
        await client.reactions_add(
            channel=channel.id, timestamp=posted["ts"], name="white_check_mark"
        )
    assert slack.workspace.reactions[0]["name"] == "white_check_mark"


async def test_files_need_the_bot_token(slack: FakeSlackServer, client: AsyncWebClient) -> None:
    alice = slack.add_user("alice")
    shared = slack.files.store(alice.id, b"\x89PNG-bytes", "shot.png", "image/png").to_api(
        slack.url
    )
    info = await client.files_info(file=shared["id"])
    assert (info["file"]["size"], info["file"]["mimetype"]) == (10, "image/png")
    async with aiohttp.ClientSession() as http:
        headers = {"Authorization": f"Bearer {slack.bot_token}"}
        async with http.get(shared["url_private"], headers=headers) as response:
            assert (response.status, response.content_type) == (200, "image/png")
            assert await response.read() == b"\x89PNG-bytes"
        async with http.get(shared["url_private"]) as response:
            # Slack's quirk: no token is not an error but a sign-in page.
            assert (response.status, response.content_type) == (200, "text/html")
    assert slack.files.downloads == [(shared["id"], True), (shared["id"], False)]
    with pytest.raises(SlackApiError, match="file_not_found"):
        await client.files_info(file="F404")


async def test_block_kit_limits(slack: FakeSlackServer, client: AsyncWebClient) -> None:
    channel = slack.add_channel("limits")
    await client.chat_postMessage(channel=channel.id, text="ok", blocks=[section("x")] * 50)
    with pytest.raises(SlackApiError, match="invalid_blocks") as too_many:
        await client.chat_postMessage(channel=channel.id, text="x", blocks=[section("x")] * 51)
    assert "no more than 50 items" in str(too_many.value.response["response_metadata"])
    with pytest.raises(SlackApiError, match="invalid_blocks"):
        await client.chat_postMessage(channel=channel.id, text="x", blocks=[section("y" * 3001)])
    button = {"type": "button", "text": {"type": "plain_text", "text": "z" * 76}, "action_id": "a"}
    with pytest.raises(SlackApiError, match="invalid_blocks"):
        await client.chat_postMessage(
            channel=channel.id, text="x", blocks=[{"type": "actions", "elements": [button]}]
        )
    long_text = "w" * 40_500
    await client.chat_postMessage(channel=channel.id, text=long_text)
    assert len(slack.app_messages_in(channel.id)[-1]["text"]) == 40_000


async def test_failure_knobs(slack: FakeSlackServer, client: AsyncWebClient) -> None:
    channel = slack.add_channel("faults")
    slack.fail_next("chat.postMessage", status=429, retry_after=7)
    with pytest.raises(SlackApiError) as limited:
        await client.chat_postMessage(channel=channel.id, text="x")
    assert limited.value.response.status_code == 429
    assert limited.value.response.headers["Retry-After"] == "7"
    slack.fail_next("chat.postMessage", error="not_in_channel")
    with pytest.raises(SlackApiError, match="not_in_channel"):
        await client.chat_postMessage(channel=channel.id, text="x")
    # slack_sdk retries a dropped connection once by itself, so drop it twice.
    slack.fail_next("chat.postMessage", status=DISCONNECT, times=2)
    with pytest.raises(aiohttp.ClientError):
        await client.chat_postMessage(channel=channel.id, text="x")
    assert slack.app_messages_in(channel.id) == []
    slack.fail_next("chat.postMessage", status=DISCONNECT)
    await client.chat_postMessage(channel=channel.id, text="second try")
    assert [m["text"] for m in slack.app_messages_in(channel.id)] == ["second try"]


async def test_rate_limit_retry_handler_waits_retry_after(slack: FakeSlackServer) -> None:
    patient = AsyncWebClient(
        token=slack.bot_token,
        base_url=slack.api_url,
        retry_handlers=[AsyncRateLimitErrorRetryHandler(max_retry_count=1)],
    )
    channel = slack.add_channel("paced")
    slack.fail_next("chat.postMessage", status=429, retry_after=1)
    started = time.monotonic()
    await patient.chat_postMessage(channel=channel.id, text="eventually")
    assert time.monotonic() - started >= 1.0
    assert len(slack.requests_for("chat.postMessage")) == 2
    assert [m["text"] for m in slack.app_messages_in(channel.id)] == ["eventually"]


def test_mrkdwn_reading() -> None:
    assert read_mrkdwn("hi <!channel> and <@U1|al>").pings == ("!channel", "@U1")
    escaped = read_mrkdwn("hi &lt;!channel&gt; &amp; &lt;@U1&gt;")
    assert escaped.pings == () and escaped.plain == "hi <!channel> & <@U1>"
    link = read_mrkdwn("<https://x.example/a?b=1&amp;c=2|docs>")
    assert link.plain == "docs" and link.links == ("https://x.example/a?b=1&c=2",)
