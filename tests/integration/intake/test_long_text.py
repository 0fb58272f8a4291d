"""Limits where text enters, with a way forward: a message too long to be a question is kept as
a .txt file and the person is asked for the question at once; long text pasted into the details
goes to that file; the ticket gets it as an attachment; the conversation row stays small."""

from __future__ import annotations

from core.domain.conversation import Step
from core.domain.entities import STORED_FILES, Ticket
from core.intake.long_text import DETAILS_MAX, PASTE_NAME, QUESTION_MAX
from core.services.tickets import MAX_ATTACHMENTS
from storage.unit_of_work import Database
from tests.integration.intake.harness import ChatUser, Desk, articles, buttons
from tests.support.desk import make_groups

LOG_LINE = "2026-11-30 12:00:01 ERROR vpn: tunnel reset by peer (code 0x2746)\n"


def _log(length: int) -> str:
    return (LOG_LINE * (length // len(LOG_LINE) + 1))[:length]


async def _row_sizes(desk: Desk, user: ChatUser) -> tuple[Step, int]:
    """The step, and how many characters of text the conversation row keeps."""
    async with desk.db.uow() as uow:
        talk = await uow.conversations.get(desk.channel, user.chat_ref)
    assert talk is not None
    draft = talk.draft
    return talk.step, len(draft.question) + len(draft.pending) + sum(map(len, draft.details))


async def _to_details(user: ChatUser, question: str) -> None:
    asked = await user.says(question)
    if "None of these — create a ticket" in buttons(asked):
        asked = await user.press(buttons(asked)["None of these — create a ticket"])
    impact = await user.press(buttons(asked)["Network"])
    urgency = await user.press(buttons(impact)["Just me"])
    details = await user.press(buttons(urgency)["It can wait"])
    assert "press Done" in details.texts()[0]


async def _create(user: ChatUser) -> Ticket:
    summary = await user.press("done")
    created = await user.press(buttons(summary)["Create"])
    assert "registered as ticket #1001" in created.texts()[0], created.texts()
    async with user.desk.db.uow() as uow:
        ticket = await uow.tickets.get(1001)
    assert ticket is not None
    return ticket


async def _pasted_text(db: Database, ticket: Ticket) -> str:
    """The text of the ticket's pasted-text attachment (there is exactly one)."""
    async with db.uow() as uow:
        assert ticket.id is not None
        [kept] = [a for a in await uow.history.attachments(ticket.id) if a.name == PASTE_NAME]
        assert kept.channel == STORED_FILES and kept.mime_type == "text/plain"
        stored = await uow.files.get(int(kept.file_ref))
    assert stored is not None and stored.size == len(stored.content) == kept.size
    return stored.content.decode()


async def test_a_100000_character_message_becomes_an_attachment_of_the_ticket(
    db: Database, channel: str
) -> None:
    await make_groups(db)
    desk = await Desk(db, channel=channel).start(articles())
    rita = desk.user("Rita", "501")
    huge = _log(100_000)

    answer = await rita.says(huge)
    [text] = answer.texts()
    assert text.startswith("Your message is long (100000 characters), so I kept it as the file")
    assert "describe the problem in a sentence or two" in text
    assert await _row_sizes(desk, rita) == (Step.ASKING, 0)

    await _to_details(rita, "VPN tunnel keeps resetting")
    ticket = await _create(rita)
    assert ticket.title == "VPN tunnel keeps resetting"
    assert await _pasted_text(db, ticket) == huge
    assert "Long text kept as the attachment pasted-text.txt (98 KB)." in ticket.description


async def test_a_pasted_24000_character_log_goes_to_one_file_and_the_ticket_is_created(
    db: Database, channel: str
) -> None:
    await make_groups(db)
    desk = await Desk(db, channel=channel).start(articles())
    rita = desk.user("Rita", "501")
    await _to_details(rita, "VPN tunnel keeps resetting")
    note = await rita.says("It started after the update on Monday.")
    assert note.texts()[0].startswith("Added.")

    log = _log(24_000)
    pieces = [log[i : i + 4_000] for i in range(0, len(log), 4_000)]  # as a messenger splits it
    for number, piece in enumerate(pieces, 1):
        said = await rita.says(piece)
        [text] = said.texts()
        assert text.startswith("That is a long text, so I attached it to your request as the file")
        assert f"({round(number * 4_002 / 1024)} KB so far)" in text
        step, kept = await _row_sizes(desk, rita)
        assert step is Step.DETAILS and kept <= QUESTION_MAX + DETAILS_MAX

    ticket = await _create(rita)
    assert await _pasted_text(db, ticket) == "\n\n".join(pieces)
    assert "It started after the update on Monday." in ticket.description
    assert LOG_LINE.strip() not in ticket.description, "the log is in the file, not inline"


async def test_many_short_details_spill_into_the_file_once_the_description_is_full(
    db: Database, channel: str
) -> None:
    await make_groups(db)
    desk = await Desk(db, channel=channel).start(articles())
    rita = desk.user("Rita", "501")
    await _to_details(rita, "VPN tunnel keeps resetting")
    line = "x" * 1_500
    answers = [(await rita.says(line)).texts()[0] for _ in range(8)]
    inline = [a for a in answers if a.startswith("Added.")]
    assert len(inline) == DETAILS_MAX // (len(line) + 2)
    assert all("attached it to your request" in a for a in answers[len(inline) :])
    ticket = await _create(rita)
    assert len(ticket.description) <= 20_000
    assert (await _pasted_text(db, ticket)).count(line) == 8 - len(inline)


async def test_a_file_beyond_what_a_ticket_takes_is_refused_politely(
    db: Database, channel: str
) -> None:
    await make_groups(db)
    desk = await Desk(db, channel=channel).start(articles())
    rita = desk.user("Rita", "501")
    await _to_details(rita, "VPN tunnel keeps resetting")
    for index in range(MAX_ATTACHMENTS):
        assert "File added" in (await rita.sends_file(f"shot{index}.png")).texts()[0]
    refused = await rita.sends_file("one-too-many.png")
    assert refused.texts()[0].startswith(f"A request can carry up to {MAX_ATTACHMENTS} files")
    ticket = await _create(rita)
    async with db.uow() as uow:
        assert ticket.id is not None
        assert len(await uow.history.attachments(ticket.id)) == MAX_ATTACHMENTS


async def test_a_long_message_to_an_open_ticket_is_added_as_a_file(
    db: Database, channel: str
) -> None:
    await make_groups(db)
    desk = await Desk(db, channel=channel).start(articles())
    rita = desk.user("Rita", "501")
    await _to_details(rita, "VPN tunnel keeps resetting")
    ticket = await _create(rita)
    added = await rita.says(_log(30_000))
    assert added.texts()[0] == "Added to your ticket #1001."
    assert await _row_sizes(desk, rita) == (Step.FOLLOWED, 0)
    assert await _pasted_text(db, ticket) == _log(30_000)
