"""The new-request modal beyond the main story: ``/desk`` alone opens it (help when it cannot
open; ``/desk <text>`` still starts self-help), it carries the files of the conversation it
answers, a submission delivered twice makes one ticket, a slow read opens a placeholder first.
The rating modal's "Skip"."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from bots.slack import modal_listeners
from core.domain.enums import Role
from core.intake import followup, request_form
from storage.unit_of_work import Database
from tests.fakes.slack_server import FakeSlackServer
from tests.integration.slack.desk import (
    SlackDesk,
    buttons,
    choice,
    click,
    open_modal,
    open_ticket_by_dm,
    slack_id,
    submit_request,
)
from tests.support.desk import make_person


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


async def test_skipping_the_rating_comment_modal_ends_the_question(
    desk: SlackDesk, db: Database, slack: FakeSlackServer
) -> None:
    rita = slack.add_user("rita", real_name="Rita Requester")
    alice = slack.add_user("alice", real_name="Alice Agent")
    await make_person(db, "Alice", role=Role.AGENT, channel="slack", external_id=slack_id(alice))
    await open_ticket_by_dm(desk, rita, "The printer on 3 is jammed")
    before = desk.snapshot(rita)
    await slack.user_runs_command(alice, "resolve 1001 Cleared the paper", channel=desk.triage)
    prompt = await desk.next_dm(rita, seen_before=before, contains="resolved", with_buttons=True)

    async def comment_language(who: str) -> str | None:
        async with db.uow() as uow:
            return await followup.rating_comment_language(
                uow, channel="slack", external_id=who, number=1001
            )

    assert await comment_language(slack_id(rita)) == "en"
    assert await comment_language(slack_id(alice)) is None, "not her ticket"
    rating = await open_modal(slack, rita, prompt, "★★★")
    assert rating["notify_on_close"] is True
    await desk.next_dm(rita, seen_before=before, contains="You rated ticket #1001: ★★★")
    before = desk.snapshot(rita)
    await slack.user_closes_modal(rita)  # "Skip"
    await desk.next_dm(rita, seen_before=before, contains="Thank you!")
    async with db.uow() as uow:
        ticket = await uow.tickets.get(1001)
    assert ticket is not None and (ticket.rating_score, ticket.rating_comment) == (3, None)
    assert not any("Just write it here" in m["seen"] for m in desk.dm(rita))
    assert await comment_language(slack_id(rita)) is None, "rated: no second comment modal"


async def test_a_slow_read_opens_a_placeholder_that_the_form_replaces(
    desk: SlackDesk, db: Database, slack: FakeSlackServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reading the form's data takes longer than the budget (as under a busy database): a
    placeholder opens at once and views.update puts the form in it."""
    read = request_form.prepare

    async def slow_read(*args: Any, **kwargs: Any) -> request_form.FormSetup:
        await asyncio.sleep(0.3)
        return await read(*args, **kwargs)

    monkeypatch.setattr(request_form, "prepare", slow_read)
    monkeypatch.setattr(modal_listeners, "PREPARE_BUDGET_S", 0.05)
    rita = slack.add_user("rita", real_name="Rita Requester")
    asked = await desk.say(rita, "My VPN keeps dropping every few minutes", with_buttons=True)
    await click(slack, rita, asked, "None of these — create a ticket")

    def form() -> dict[str, Any] | None:
        top = slack.modal_of(rita)
        return top if top is not None and top.get("submit") else None

    modal = await slack.wait_for(form, timeout=15)
    [opened] = slack.requests_for("views.open")
    assert "submit" not in opened["view"], "the placeholder: nothing to fill in yet"
    [updated] = slack.requests_for("views.update")
    assert updated["view_id"] == modal["id"]
    assert modal["blocks"][0]["element"]["initial_value"] == (
        "My VPN keeps dropping every few minutes"
    )
    created = await submit_request(desk, rita, modal)
    assert "ticket #1001" in created["seen"]


async def test_when_no_article_matches_create_a_ticket_opens_the_prefilled_modal(
    desk: SlackDesk, db: Database, slack: FakeSlackServer
) -> None:
    """Self-help finds nothing: the reply offers "Create a ticket" (the modal, prefilled with
    the question and what was answered so far) while the turn-by-turn intake goes on; when the
    modal cannot open, the press asks the intake's current question again."""
    rita = slack.add_user("rita", real_name="Rita Requester")
    before = desk.snapshot(rita)
    await slack.user_dms(rita, "The coffee machine in the lobby is leaking")
    offer = await desk.next_dm(rita, seen_before=before, contains="found no article")
    asked = await desk.next_dm(rita, seen_before=before, contains="What is it about?")
    assert "Create a ticket" in buttons(offer) and "Create a ticket" not in buttons(asked)

    # Slack will not open the modal: the chat intake asks its question again, nothing lost
    slack.fail_next("views.open", error="expired_trigger_id")
    again = await desk.press(rita, offer, "Create a ticket", contains="What is it about?")
    assert again["ts"] != asked["ts"]
    # she answers one question in the chat, then takes the form after all
    await desk.press(rita, again, "Not sure", contains="Who is affected?")
    modal = await open_modal(slack, rita, offer, "Create a ticket")
    values = str(modal["blocks"])
    assert "The coffee machine in the lobby is leaking" in values
    await submit_request(desk, rita, modal, "My team", "Today, please")
    async with db.uow() as uow:
        ticket = await uow.tickets.get(1001)
        assert len(await uow.tickets.search(limit=10)) == 1
    assert ticket is not None and ticket.title == "The coffee machine in the lobby is leaking"
    # the conversation started afresh: a new message is about the open ticket, not the intake
    await desk.say(rita, "It is dripping on the floor now", contains="Added to your ticket #1001")
