"""Files shared in the DM go into the request (by their Slack file id); a file over the limit is
answered with a clear notice and nothing else happens. (Here through the turn-by-turn intake,
which takes over when the new-request modal cannot open; files with the modal: test_modals.)"""

from __future__ import annotations

from storage.unit_of_work import Database
from tests.fakes.slack_server import FakeSlackServer
from tests.integration.slack.desk import SlackDesk


async def test_a_file_shared_in_the_dm_is_attached_to_the_ticket(
    desk: SlackDesk, db: Database, slack: FakeSlackServer
) -> None:
    rita = slack.add_user("rita", real_name="Rita Requester")
    asked = await desk.say(rita, "My VPN keeps dropping every few minutes", with_buttons=True)
    # Slack would not open the modal (a trigger past its 3 s): the chat intake goes on instead
    slack.fail_next("views.open", error="expired_trigger_id")
    category = await desk.press(
        rita, asked, "None of these — create a ticket", contains="What is it about?"
    )
    impact = await desk.press(rita, category, "Network", with_buttons=True)
    urgency = await desk.press(rita, impact, "My team", with_buttons=True)
    done = await desk.press(rita, urgency, "I cannot work", contains="press Done")

    before = desk.snapshot(rita)
    await slack.user_shares_file(rita, b"x" * 100, "huge.mov", "video/quicktime", size=30 << 20)
    notice = await desk.next_dm(rita, seen_before=before, contains="up to 20 MB")
    assert "huge.mov" in notice["seen"]

    before = desk.snapshot(rita)
    await slack.user_shares_file(rita, b"\x89PNG fake", "screen.png", "image/png", text="Wi-Fi")
    await desk.next_dm(rita, seen_before=before)
    summary = await desk.press(rita, done, "Done", contains="Files: 1")
    await desk.press(rita, summary, "Create", contains="#1001")
    async with db.uow() as uow:
        ticket = await uow.tickets.get(1001)
        assert ticket is not None and ticket.id is not None
        files = await uow.history.attachments(ticket.id)
    assert [f.name for f in files] == ["screen.png"]
