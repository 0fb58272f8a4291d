"""Files an employee shares in the DM reach the agents: the ones a request came with and the
ones added later are fetched with the bot token and uploaded again into the ticket card's
thread in the triage channel; a file Slack no longer has becomes a line saying so."""

from __future__ import annotations

from storage.unit_of_work import Database
from tests.fakes.slack_objects import SlackUser
from tests.fakes.slack_server import FakeSlackServer
from tests.integration.slack.desk import SlackDesk, open_modal, submit_request


async def _request_with_file(
    desk: SlackDesk, user: SlackUser, name: str, data: bytes, *, deleted: bool = False
) -> None:
    """Share a file in the DM with a question and make the request with the modal; ``deleted``:
    the person deletes the file in Slack before the request is made."""
    before = desk.snapshot(user)
    posted = await desk.slack.user_shares_file(user, data, name, "image/png", text="VPN down")
    asked = await desk.next_dm(user, seen_before=before, with_buttons=True)
    if deleted:
        desk.slack.files.by_id.pop(str(posted.message["files"][0]["id"]))
    modal = await open_modal(desk.slack, user, asked, "None of these — create a ticket")
    await submit_request(desk, user, modal)


async def test_files_shared_in_the_dm_are_reposted_into_the_cards_thread(
    desk: SlackDesk, db: Database, slack: FakeSlackServer
) -> None:
    rita = slack.add_user("rita", real_name="Rita Requester")
    await _request_with_file(desk, rita, "error.png", b"\x89PNG fake")

    card = await slack.wait_for(lambda: next(iter(desk.cards()), None), timeout=15)
    first = await slack.wait_for(lambda: slack.files_shared_in(desk.triage.id), timeout=15)
    assert [(f["name"], f["data"], f["thread_ts"]) for f in first] == [
        ("error.png", b"\x89PNG fake", card["ts"])
    ]
    thread = [m["seen"] for m in slack.thread(desk.triage.id, card["ts"])]
    assert any("Files attached to ticket #1001" in seen for seen in thread)

    # a file added to the ticket later follows its message into the thread
    before = desk.snapshot(rita)
    await slack.user_shares_file(rita, b"log lines", "vpn.log", "text/plain", text="the log")
    await desk.next_dm(rita, seen_before=before, contains="#1001")
    both = await slack.wait_for(
        lambda: [f for f in slack.files_shared_in(desk.triage.id) if f["name"] == "vpn.log"],
        timeout=15,
    )
    assert both[0]["data"] == b"log lines" and both[0]["thread_ts"] == card["ts"]
    downloads = slack.files.downloads
    assert downloads and all(authorised for _, authorised in downloads), "with the bot token"


async def test_a_file_slack_no_longer_has_becomes_a_notice(
    desk: SlackDesk, db: Database, slack: FakeSlackServer
) -> None:
    sam = slack.add_user("sam", real_name="Sam")
    await _request_with_file(desk, sam, "gone.png", b"data", deleted=True)
    card = await slack.wait_for(lambda: next(iter(desk.cards()), None), timeout=15)
    notice = await slack.wait_for(
        lambda: [
            m["seen"]
            for m in slack.thread(desk.triage.id, card["ts"])
            if "📎 gone.png" in m["seen"]
        ],
        timeout=15,
    )
    assert "file_not_found" in notice[0]
    assert slack.files_shared_in(desk.triage.id) == []
