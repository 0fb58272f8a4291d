"""Files an employee shares in the DM reach the agents: the ones a request came with and the
ones added later are fetched with the bot token and uploaded again into the ticket card's
thread in the triage channel; a file Slack no longer has becomes a line saying so."""

from __future__ import annotations

from storage.unit_of_work import Database
from tests.fakes.slack_server import FakeSlackServer
from tests.integration.slack.desk import SlackDesk, choice, open_modal


async def test_files_shared_in_the_dm_are_reposted_into_the_cards_thread(
    desk: SlackDesk, db: Database, slack: FakeSlackServer
) -> None:
    rita = slack.add_user("rita", real_name="Rita Requester")
    before = desk.snapshot(rita)
    await slack.user_shares_file(
        rita, b"\x89PNG fake", "error.png", "image/png", text="My VPN keeps dropping"
    )
    asked = await desk.next_dm(rita, seen_before=before, with_buttons=True)
    modal = await open_modal(slack, rita, asked, "None of these — create a ticket")
    before = desk.snapshot(rita)
    typed = {
        "impact": choice(modal, "impact", "Just me"),
        "urgency": choice(modal, "urgency", "I cannot work"),
    }
    await slack.user_submits(rita, typed)
    await desk.next_dm(rita, seen_before=before, contains="ticket #1001")

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
    before = desk.snapshot(sam)
    posted = await slack.user_shares_file(sam, b"data", "gone.txt", "text/plain", text="VPN down")
    asked = await desk.next_dm(sam, seen_before=before, with_buttons=True)
    slack.files.by_id.pop(str(posted.message["files"][0]["id"]))  # deleted in Slack meanwhile
    modal = await open_modal(slack, sam, asked, "None of these — create a ticket")
    before = desk.snapshot(sam)
    typed = {
        "impact": choice(modal, "impact", "Just me"),
        "urgency": choice(modal, "urgency", "I cannot work"),
    }
    await slack.user_submits(sam, typed)
    await desk.next_dm(sam, seen_before=before, contains="ticket #1001")
    card = await slack.wait_for(lambda: next(iter(desk.cards()), None), timeout=15)
    notice = await slack.wait_for(
        lambda: [
            m["seen"]
            for m in slack.thread(desk.triage.id, card["ts"])
            if "📎 gone.txt" in m["seen"]
        ],
        timeout=15,
    )
    assert "file_not_found" in notice[0]
    assert slack.files_shared_in(desk.triage.id) == []
