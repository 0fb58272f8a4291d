"""``users.info`` answers are remembered an hour; when Slack fails, a known person's last answer
serves (for a minute before Slack is asked again), and someone never seen is asked every time."""

from __future__ import annotations

from slack_sdk.web.async_client import AsyncWebClient

from bots.slack.people import Directory
from tests.fakes.slack_objects import TEAM_ID
from tests.fakes.slack_server import FakeSlackServer


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_answers_are_remembered_and_an_outage_is_ridden_out(
    slack: FakeSlackServer, client: AsyncWebClient
) -> None:
    nina = slack.add_user("nina", real_name="Nina Network", tz="Europe/Berlin", locale="de-DE")
    clock = Clock()
    directory = Directory(client, clock=clock)

    def asked() -> int:
        return len(slack.requests_for("users.info"))

    first = await directory.user(TEAM_ID, nina.id)
    assert (first.display_name, first.time_zone, first.language_code) == (
        "Nina Network",
        "Europe/Berlin",
        "de",
    )
    clock.now += 3599
    assert await directory.user(TEAM_ID, nina.id) == first and asked() == 1

    clock.now += 2  # an hour on, Slack is asked again, and fails
    slack.fail_next("users.info", status=503, times=2)
    assert await directory.user(TEAM_ID, nina.id) == first, "the last answer serves"
    assert asked() == 2
    clock.now += 59
    assert await directory.user(TEAM_ID, nina.id) == first and asked() == 2, "not hammered"
    clock.now += 2  # a minute on: asked again, still failing, still served
    assert await directory.user(TEAM_ID, nina.id) == first and asked() == 3

    ivan = slack.add_user("ivan", real_name="Ivan")
    slack.fail_next("users.info", status=503)
    unknown = await directory.user(TEAM_ID, ivan.id)
    assert unknown.display_name == "" and unknown.external_id == f"{TEAM_ID}:{ivan.id}"
    assert (await directory.user(TEAM_ID, ivan.id)).display_name == "Ivan", "asked again at once"
