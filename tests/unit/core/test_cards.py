"""A ticket card reads in the order agents scan it, says nothing twice and stays short."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from core.domain.entities import Ticket
from core.domain.enums import Priority, TicketStatus
from core.messages import Span, reply_from_payload, reply_to_payload
from core.services import ticket_text
from core.services.cards import CardFacts, render_card

OPENED = datetime(2026, 3, 9, 9, 0, tzinfo=UTC)
TRIED = (
    "VPN keeps disconnecting",
    "Connecting to the corporate VPN",
    "Wi-Fi drops in meeting rooms",
    "Reset your password",
)


def _ticket(description: str, title: str = "My VPN keeps dropping") -> Ticket:
    return Ticket(
        number=1042,
        title=title,
        description=description,
        requester_id=7,
        priority=Priority.P2,
        status=TicketStatus.OPEN,
        created_at=OPENED,
    )


def _facts(**changes: object) -> CardFacts:
    values: dict[str, object] = {
        "requester": "Rita Ray",
        "assignee": None,
        "category": "Network › VPN",
        "attachments": 2,
        "now": OPENED + timedelta(hours=2, minutes=5),
        "requester_ref": "501",
    }
    values.update(changes)
    return CardFacts(**values)  # type: ignore[arg-type]


def test_the_card_reads_number_priority_category_requester_age_then_summary_tried_files() -> None:
    description = ticket_text.compose(
        "My VPN keeps dropping\nIt started after Monday's update.",
        ["Office Wi-Fi, 3rd floor"],
        TRIED,
        "en",
    )
    card = render_card(_ticket(description), _facts(), "en")
    assert card.plain_text().split("\n") == [
        "#1042 · P2 · Network › VPN · Rita Ray · 2 h 5 m ago",
        "My VPN keeps dropping",
        "It started after Monday's update. Office Wi-Fi, 3rd floor",
        "Tried: VPN keeps disconnecting; Connecting to the corporate VPN (+2)",
        "Attachments: 2",
        "Status: open · unassigned",
    ]
    assert Span("Rita Ray", "mention", user_ref="501") in card.spans, "a mention of the requester"
    assert {b.label for row in card.buttons for b in row} >= {"Claim", "Resolve"}


def test_the_title_is_not_repeated_and_a_long_summary_is_cut() -> None:
    only_title = render_card(_ticket("My VPN keeps dropping"), _facts(attachments=0), "en")
    assert only_title.plain_text().split("\n") == [
        "#1042 · P2 · Network › VPN · Rita Ray · 2 h 5 m ago",
        "My VPN keeps dropping",
        "Status: open · unassigned",
    ]
    long = render_card(_ticket("My VPN keeps dropping\n" + "word " * 200), _facts(), "en")
    summary = long.plain_text().split("\n")[2]
    assert summary.startswith("word word") and summary.endswith("…") and len(summary) <= 200


def test_a_title_cut_from_a_long_first_line_goes_on_in_the_summary() -> None:
    question = "My VPN keeps dropping whenever I join a video call from the third floor"
    card = render_card(_ticket(question, title="My VPN keeps dropping whenever…"), _facts(), "en")
    assert card.plain_text().split("\n")[1:3] == [
        "My VPN keeps dropping whenever…",
        "…I join a video call from the third floor",
    ]


def test_a_russian_description_and_card() -> None:
    description = ticket_text.compose("Не работает VPN", [], ["Подключение к VPN"], "ru")
    assert description.startswith("Не работает VPN\n\n") and "Подключение к VPN" in description
    parts = ticket_text.read(description, "Не работает VPN")
    assert parts == ticket_text.DescriptionParts(words="", tried=("Подключение к VPN",))
    card = render_card(
        _ticket(description, title="Не работает VPN"), _facts(now=OPENED, category=None), "ru"
    )
    lines = card.plain_text().split("\n")
    assert lines[0] == "#1042 · P2 · Rita Ray · только что"
    assert lines[1:3] == ["Не работает VPN", "Не помогли: Подключение к VPN"]


def test_a_requester_on_another_channel_is_named_without_a_link() -> None:
    card = render_card(_ticket("My VPN keeps dropping"), _facts(requester_ref=None), "en")
    assert Span("Rita Ray", "mention") in card.spans


def test_a_mention_survives_the_outbox() -> None:
    card = render_card(_ticket("My VPN keeps dropping"), _facts(), "en")
    assert reply_from_payload(reply_to_payload(card)) == card
