"""Ticket cards: the message agents see for each ticket in their rooms, edited as it changes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from core.button_data import Act, button
from core.domain.entities import Ticket
from core.domain.enums import TicketStatus
from core.i18n import gettext as _
from core.messages import Button, Reply, Span, bold, italic, mention
from core.services import ticket_text
from core.services.time_left import span

SUMMARY_MAX = 200  # characters of the requester's words a card shows
TRIED_MAX = 80  # characters of the "Tried:" line


@dataclass(frozen=True, slots=True)
class CardFacts:
    """What a card shows besides the ticket itself (looked up by the caller for one room)."""

    requester: str
    assignee: str | None
    category: str | None
    attachments: int
    now: datetime  # the ticket's age is counted to this moment
    requester_ref: str | None = None  # the requester's user id on the room's channel: a mention
    deadlines: tuple[str, ...] = ()  # "Response: due in 25 m (09:25)" (core.services.time_left)


def card_key(channel: str, chat_ref: str, number: int) -> str:
    """The outbox edit key under which a ticket's card in one room is sent and later edited."""
    return f"card:{channel}:{chat_ref}:{number}"


def status_label(language: str, status: TicketStatus) -> str:
    labels = {
        TicketStatus.NEW: _(language, "new"),
        TicketStatus.OPEN: _(language, "open"),
        TicketStatus.ASSIGNED: _(language, "assigned"),
        TicketStatus.IN_PROGRESS: _(language, "in progress"),
        TicketStatus.WAITING: _(language, "waiting for the requester"),
        TicketStatus.RESOLVED: _(language, "resolved"),
        TicketStatus.CLOSED: _(language, "closed"),
    }
    return labels[status]


def render_card(ticket: Ticket, facts: CardFacts, language: str) -> Reply:
    """The card, in the order agents scan it: number, priority, category, requester and age;
    the title and a short summary; the articles that did not help, as one line; the attachment
    count; the SLA deadlines; the status and owner. Buttons for what can be done next."""
    parts = ticket_text.read(ticket.description, ticket.title)
    head = f"#{ticket.number} · {ticket.priority.value}"
    if facts.category:
        head += f" · {facts.category}"
    spans: list[Span] = [
        bold(head),
        Span(" · "),
        mention(facts.requester, facts.requester_ref),
        Span(" · " + age(language, ticket, facts.now)),
        Span("\n"),
        bold(ticket.title),
    ]
    if parts.words:
        spans += [Span("\n"), italic(shorten(" ".join(parts.words.split()), SUMMARY_MAX))]
    if parts.tried:
        spans.append(Span("\n" + tried_line(language, parts.tried)))
    if facts.attachments:
        spans.append(Span("\n" + _(language, "Attachments: {count}", count=facts.attachments)))
    spans += [Span("\n" + line) for line in facts.deadlines]
    owner = facts.assignee or _(language, "unassigned")
    status = status_label(language, ticket.status)
    spans.append(Span("\n" + _(language, "Status: {status} · {owner}", status=status, owner=owner)))
    return Reply(spans=tuple(spans), buttons=_buttons(ticket, language))


def age(language: str, ticket: Ticket, now: datetime) -> str:
    """How long ago the ticket was opened: "2 h 5 m ago", "just now"."""
    if ticket.created_at is None or now - ticket.created_at < timedelta(minutes=1):
        return _(language, "just now")
    return _(language, "{span} ago", span=span(language, now - ticket.created_at))


def tried_line(language: str, titles: tuple[str, ...]) -> str:
    """ "Tried: VPN keeps disconnecting; Reset your password (+2)": as many titles as fit in
    one short line, and how many more there were."""
    shown: list[str] = []
    for title in titles:
        if shown and len("; ".join([*shown, title])) > TRIED_MAX:
            break
        shown.append(shorten(title, TRIED_MAX))
    text = "; ".join(shown)
    if len(titles) > len(shown):
        text += f" (+{len(titles) - len(shown)})"
    return _(language, "Tried: {titles}", titles=text)


def shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _buttons(ticket: Ticket, language: str) -> tuple[tuple[Button, ...], ...]:
    if not ticket.status.is_active:
        return ()
    n = ticket.number
    first: list[Button] = []
    if ticket.assignee_id is None:
        first.append(button(_(language, "Claim"), Act.CLAIM, n))
    first.append(button(_(language, "Assign…"), Act.ASSIGN, n))
    second = (
        button(_(language, "Priority…"), Act.PRIORITY, n),
        button(_(language, "Canned…"), Act.CANNED, n),
        button(_(language, "Resolve"), Act.RESOLVE, n),
    )
    return (tuple(first), second)
