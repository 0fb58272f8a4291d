"""A bare slack-bolt AsyncApp driven by the fake Slack: signed HTTP requests and Socket Mode."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from typing import Any

import pytest
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError

from tests.fakes.slack_bolt_host import bare_app, serving
from tests.fakes.slack_server import FakeSlackServer

MODAL = {
    "type": "modal",
    "callback_id": "new_request",
    "title": {"type": "plain_text", "text": "New request"},
    "submit": {"type": "plain_text", "text": "Create"},
    "blocks": [
        {
            "type": "input",
            "block_id": "summary",
            "label": {"type": "plain_text", "text": "Summary"},
            "element": {"type": "plain_text_input", "action_id": "value"},
        },
        {
            "type": "input",
            "block_id": "urgency",
            "label": {"type": "plain_text", "text": "Urgency"},
            "element": {
                "type": "static_select",
                "action_id": "value",
                "options": [
                    {"text": {"type": "plain_text", "text": t}, "value": t} for t in ("low", "high")
                ],
            },
        },
    ],
}


def echo_app(slack: FakeSlackServer, seen: list[Any]) -> AsyncApp:
    """A small app touching each kind of request the fake sends."""
    app = bare_app(slack)

    @app.message("")
    async def on_message(message: dict[str, Any], say: Any) -> None:
        seen.append(message)
        await say(
            text=f"echo: {message['text']}",
            blocks=[
                {"type": "section", "text": {"type": "mrkdwn", "text": f"echo: {message['text']}"}},
                {
                    "type": "actions",
                    "elements": [
                        {
                            "type": "button",
                            "action_id": f"rate_{n}",  # unique within the block
                            "value": str(n),
                            "text": {"type": "plain_text", "text": str(n)},
                        }
                        for n in (1, 5)
                    ],
                },
            ],
        )

    @app.command("/desk")
    async def on_desk(ack: Any, command: dict[str, Any], client: Any) -> None:
        if command["text"] == "new":
            await ack()
            await client.views_open(trigger_id=command["trigger_id"], view=MODAL)
        else:
            await ack(f"you said {command['text']}")

    @app.action(re.compile(r"^rate_\d$"))
    async def on_rate(ack: Any, body: dict[str, Any], respond: Any) -> None:
        await ack()
        await respond(f"rated {body['actions'][0]['value']}")

    @app.view("new_request")
    async def on_submit(ack: Any, view: dict[str, Any]) -> None:
        values = view["state"]["values"]
        if not values["summary"]["value"]["value"]:
            await ack(response_action="errors", errors={"summary": "Please describe it"})
            return
        await ack()
        seen.append(
            (values["summary"]["value"]["value"], values["urgency"]["value"]["selected_option"])
        )

    @app.shortcut("create_ticket")
    async def on_shortcut(ack: Any, shortcut: dict[str, Any]) -> None:
        await ack()
        seen.append(("shortcut", shortcut["message"]["text"]))

    @app.event("reaction_added")
    async def on_reaction(event: dict[str, Any]) -> None:
        seen.append(("reaction", event["reaction"], event["item"]["ts"]))

    @app.event("app_home_opened")
    async def on_home(event: dict[str, Any], client: Any) -> None:
        home = {
            "type": "home",
            "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "Hi"}}],
        }
        await client.views_publish(user_id=event["user"], view=home)

    return app


@pytest.fixture
async def served(slack: FakeSlackServer) -> AsyncIterator[list[Any]]:
    seen: list[Any] = []
    async with serving(echo_app(slack, seen)) as url:
        slack.request_url = url
        yield seen


async def test_dm_reply_and_button(slack: FakeSlackServer, served: list[Any]) -> None:
    alice = slack.add_user("alice")
    posted = await slack.user_dms(alice, "vpn & <!channel>")
    [delivery] = posted.deliveries
    assert delivery.acked and delivery.via == "http"
    dm = slack.dm_with(alice).id
    [reply] = await slack.wait_for(lambda: slack.app_messages_in(dm))
    assert reply["seen"].startswith("echo: vpn & ")
    assert served[0]["channel_type"] == "im"
    pressed = await slack.user_clicks(alice, reply, "rate_5")
    assert pressed.acked
    [response] = await slack.wait_for(lambda: slack.responses)
    assert (response["text"], response["user"]) == ("rated 5", alice.id)
    with pytest.raises(ValueError, match="no element"):
        await slack.user_clicks(alice, reply, "rate_3")


async def test_command_ack_modal_and_submission(slack: FakeSlackServer, served: list[Any]) -> None:
    bob = slack.add_user("bob")
    said = await slack.user_runs_command(bob, "hello")
    assert (said.status, said.body) == (200, "you said hello")
    opened = await slack.user_runs_command(bob, "new")
    assert opened.acked
    modal = await slack.wait_for(lambda: slack.modal_of(bob))
    assert modal["callback_id"] == "new_request"
    refused = await slack.user_submits(bob, {"summary": "", "urgency": "high"})
    assert refused.json() == {
        "response_action": "errors",
        "errors": {"summary": "Please describe it"},
    }
    assert slack.modal_of(bob) is not None  # errors keep it open
    await slack.user_submits(bob, {"summary": "printer jammed", "urgency": "high"})
    assert slack.modal_of(bob) is None
    summary, urgency = served[-1]
    assert summary == "printer jammed" and urgency["value"] == "high"
    await slack.user_runs_command(bob, "new")
    await slack.wait_for(lambda: slack.modal_of(bob))
    with pytest.raises(ValueError, match="no option"):
        await slack.user_submits(bob, {"urgency": "whenever"})
    with pytest.raises(ValueError, match="no inputs named"):
        await slack.user_submits(bob, {"details": "x"})


async def test_trigger_ids_expire_and_are_single_use(slack: FakeSlackServer) -> None:
    bob = slack.add_user("bob")
    app = bare_app(slack)
    errors: list[str] = []

    @app.command("/desk")
    async def slow(ack: Any, command: dict[str, Any], client: Any) -> None:
        await ack()
        await asyncio.sleep(0.2)
        for _ in range(2):
            try:
                await client.views_open(trigger_id=command["trigger_id"], view=MODAL)
            except SlackApiError as exc:
                errors.append(exc.response["error"])

    slack.views.trigger_lifetime = 0.1
    async with serving(app) as url:
        slack.request_url = url
        await slack.user_runs_command(bob, "")
        await slack.wait_for(lambda: len(errors) == 2)
    assert errors == ["expired_trigger_id", "expired_trigger_id"]
    slack.views.trigger_lifetime = 3.0
    trigger = slack.views.new_trigger(bob.id)
    await app.client.views_open(trigger_id=trigger, view=MODAL)
    with pytest.raises(SlackApiError, match="exchanged_trigger_id"):
        await app.client.views_open(trigger_id=trigger, view=MODAL)


async def test_signatures_are_checked(slack: FakeSlackServer, served: list[Any]) -> None:
    alice = slack.add_user("alice")
    stale = await slack.user_dms(alice, "old", clock_skew=-600)
    forged = await slack.user_dms(alice, "forged", signature="v0=" + "0" * 64)
    assert [d.status for p in (stale, forged) for d in p.deliveries] == [401, 401]
    assert served == []
    retried = await slack.redeliver(stale.deliveries[0], retry_num=1)
    assert retried.acked  # a fresh, correctly signed retry passes
    await slack.wait_for(lambda: served)


async def test_shortcut_reaction_and_home(slack: FakeSlackServer, served: list[Any]) -> None:
    alice, bob = slack.add_user("alice"), slack.add_user("bob")
    general = slack.add_channel("general", members=(alice, bob))
    quiet = slack.add_channel("quiet", members=(alice,), bot_member=False)
    posted = await slack.user_posts(alice, general, "printer on 3 is jammed")
    await slack.wait_for(lambda: served)
    assert (await slack.user_uses_message_shortcut(bob, general, posted.ts)).acked
    assert await slack.user_reacts(bob, general, posted.ts, "ticket") is not None
    unheard = await slack.user_posts(alice, quiet, "not for the app")
    assert unheard.deliveries == [] and await slack.user_reacts(bob, quiet, unheard.ts) is None
    await slack.wait_for(lambda: len(served) == 3)
    assert served[1:] == [
        ("shortcut", "printer on 3 is jammed"),
        ("reaction", "ticket", posted.ts),
    ]
    await slack.user_opens_home(bob)
    home = await slack.wait_for(lambda: slack.home_of(bob))
    assert home["blocks"][0]["text"]["text"] == "Hi"


async def test_mention_sends_message_and_app_mention(slack: FakeSlackServer) -> None:
    app = bare_app(slack)
    kinds: list[str] = []

    @app.event("app_mention")
    async def mentioned(event: dict[str, Any], say: Any) -> None:
        kinds.append("app_mention")
        await say(text="on it", thread_ts=event["ts"])

    @app.event("message")
    async def message(event: dict[str, Any]) -> None:
        kinds.append("message")

    alice = slack.add_user("alice")
    general = slack.add_channel("general", members=(alice,))
    async with serving(app) as url:
        slack.request_url = url
        posted = await slack.user_mentions_app(alice, general, "printer jammed")
        [reply] = await slack.wait_for(lambda: slack.thread(general.id, posted.ts))
    assert sorted(kinds) == ["app_mention", "message"] and reply["text"] == "on it"


async def test_socket_mode_carries_events_and_commands(slack: FakeSlackServer) -> None:
    seen: list[Any] = []
    app = echo_app(slack, seen)
    handler = AsyncSocketModeHandler(app, slack.app_token)
    await handler.connect_async()
    try:
        await asyncio.wait_for(slack.socket.connected.wait(), 5)
        alice = slack.add_user("alice")
        posted = await slack.user_dms(alice, "over the socket")
        [delivery] = posted.deliveries
        assert delivery.via == "socket" and delivery.acked
        dm = slack.dm_with(alice).id
        [reply] = await slack.wait_for(lambda: slack.app_messages_in(dm))
        assert reply["text"] == "echo: over the socket"
        said = await slack.user_runs_command(alice, "hi")
        assert said.json() == {"text": "you said hi"}  # Socket Mode wraps a text ack
    finally:
        await handler.close_async()
