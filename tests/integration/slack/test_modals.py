"""The new-request modal beyond the main story: ``/desk`` alone opens it (help when it cannot
open; ``/desk <text>`` still starts self-help), it carries the files of the conversation it
answers, and a submission delivered twice makes one ticket."""

from __future__ import annotations

from storage.unit_of_work import Database
from tests.fakes.slack_server import FakeSlackServer
from tests.integration.slack.desk import SlackDesk, choice, open_modal


async def test_desk_alone_opens_the_new_request_modal(
    desk: SlackDesk, db: Database, slack: FakeSlackServer
) -> None:
    rita = slack.add_user("rita", real_name="Rita Requester")
    await slack.user_runs_command(rita, "")
    modal = await slack.wait_for(lambda: slack.modal_of(rita), timeout=15)
    [opened] = slack.requests_for("views.open")
    assert opened["view"]["callback_id"] == "chatdesk_request"
    assert not desk.dm(rita), "no help text: the modal is the answer"

    before = desk.snapshot(rita)
    blank = await slack.user_submits(rita, {"summary": "   "})
    assert blank.json()["errors"] == {
        "summary": "Please describe the problem in a few words.",
        "impact": "Please choose who is affected.",
        "urgency": "Please choose how urgent it is.",
    }
    await slack.user_submits(
        rita,
        {
            "summary": "Printer on 3 is jammed",
            "details": "Paper stuck in tray 2",
            "impact": choice(modal, "impact", "My team"),
            "urgency": choice(modal, "urgency", "Today, please"),
        },
    )
    await desk.next_dm(rita, seen_before=before, contains="ticket #1001")
    async with db.uow() as uow:
        ticket = await uow.tickets.get(1001)
    assert ticket is not None and ticket.title == "Printer on 3 is jammed"
    assert "Paper stuck in tray 2" in ticket.description and ticket.category_id is None

    # `/desk <text>` is still a message to the desk in the DM (here: to her open ticket)
    before = desk.snapshot(rita)
    await slack.user_runs_command(rita, "The toner is low too")
    await desk.next_dm(rita, seen_before=before, contains="Added to your ticket #1001")
    assert len(slack.requests_for("views.open")) == 1

    # when Slack will not open the modal, `/desk` alone answers with the help
    slack.fail_next("views.open", error="expired_trigger_id")
    before = desk.snapshot(rita)
    await slack.user_runs_command(rita, "")
    await desk.next_dm(rita, seen_before=before, contains="/desk my")


async def test_the_modal_carries_the_conversations_files_and_makes_one_ticket(
    desk: SlackDesk, db: Database, slack: FakeSlackServer
) -> None:
    rita = slack.add_user("rita", real_name="Rita Requester")
    before = desk.snapshot(rita)
    await slack.user_shares_file(
        rita, b"\x89PNG fake", "error.png", "image/png", text="My VPN keeps dropping"
    )
    asked = await desk.next_dm(rita, seen_before=before, with_buttons=True)
    modal = await open_modal(slack, rita, asked, "None of these — create a ticket")
    assert "will be attached: 1" in str(modal["blocks"])

    before = desk.snapshot(rita)
    typed = {
        "impact": choice(modal, "impact", "Just me"),
        "urgency": choice(modal, "urgency", "I cannot work"),
    }
    submitted = await slack.user_submits(rita, typed)
    await desk.next_dm(rita, seen_before=before, contains="ticket #1001")
    redelivered = await slack.redeliver(submitted)  # Slack's retry of the same submission
    assert redelivered.acked
    # The next message in the conversation is handled after the retry (one at a time), and
    # goes to the ticket: the suggestions were left behind when the modal made the ticket.
    await desk.say(rita, "Any news?", contains="Added to your ticket #1001")
    async with db.uow() as uow:
        ticket = await uow.tickets.get(1001)
        assert ticket is not None and ticket.id is not None
        files = await uow.history.attachments(ticket.id)
    assert [f.name for f in files] == ["error.png"]
    assert "VPN keeps disconnecting" in ticket.description, "the articles tried are listed"
    async with db.uow() as uow:
        assert len(await uow.tickets.search(limit=10)) == 1
