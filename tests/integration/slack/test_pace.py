"""A burst of posts into one Slack channel is spaced to Slack's pace instead of being refused:
the fake Slack refuses (429) a channel's fifth post within a second, as Slack would; without
pacing a burst of five meets that refusal, and through the outbox with the pace on, all five
arrive in order and none is refused."""

from __future__ import annotations

import asyncio

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bots.slack.pace import ChannelPace
from bots.slack.sender import SlackSender
from core.messages import Reply, RetryLater, Span
from core.services.notify import queue_reply
from core.services.outbox import OutboxWorker
from storage.unit_of_work import Database
from tests.fakes.slack_server import FakeSlackServer
from tests.support.clock import FakeClock

BURST = 5


def _text(n: int) -> Reply:
    return Reply(spans=(Span(f"card {n}"),))


async def test_an_unpaced_burst_is_refused_by_slack(
    slack: FakeSlackServer, client: AsyncWebClient
) -> None:
    slack.enforce_post_pace(at_most=4, within_s=1.0)
    channel = slack.add_channel("it-triage")
    unpaced = SlackSender(client, pace=ChannelPace(burst=1_000_000))
    for n in range(BURST - 1):
        await unpaced.deliver(recipient=channel.id, reply=_text(n))
    with pytest.raises(RetryLater):
        await unpaced.deliver(recipient=channel.id, reply=_text(BURST))
    assert slack.rate_limited == [channel.id]


async def test_a_burst_through_the_outbox_is_spaced_and_never_refused(
    db: Database, slack: FakeSlackServer, client: AsyncWebClient, clock: FakeClock
) -> None:
    slack.enforce_post_pace(at_most=4, within_s=1.0)
    triage, other = slack.add_channel("it-triage"), slack.add_channel("general")
    worker = OutboxWorker(db.uow, {"slack": SlackSender(client)})
    async with db.uow() as uow:
        for n in range(BURST):
            queue_reply(uow, "slack", triage.id, _text(n))
        queue_reply(uow, "slack", other.id, _text(99))
        await uow.commit()

    async def delivered() -> list[str]:
        await worker.sweep()
        return [m["seen"] for m in slack.app_messages_in(triage.id)]

    seen = await delivered()
    assert seen == ["card 0", "card 1", "card 2"], "a burst of three goes at once"
    assert [m["seen"] for m in slack.app_messages_in(other.id)] == ["card 99"], "not held back"
    async with asyncio.timeout(15):
        while len(seen) < BURST:
            await asyncio.sleep(0.25)  # real time passes, and the desk's clock with it
            clock.advance(seconds=0.25)
            seen = await delivered()
    await worker.stop()
    assert seen == [f"card {n}" for n in range(BURST)]
    assert slack.rate_limited == [], "spaced, never refused"
