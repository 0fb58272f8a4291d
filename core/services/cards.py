"""Ticket cards: the message agents see for each ticket in their rooms, edited as it changes."""

from __future__ import annotations

from dataclasses import dataclass

from core.button_data import Act, button
from core.domain.entities import Ticket
from core.domain.enums import TicketStatus
from core.i18n import gettext as _
from core.messages import Button, Reply, Span, bold, italic

SUMMARY_MAX = 300


@dataclass(frozen=True, slots=True)
class CardFacts:
    """What a card shows besides the ticket itself (names are looked up by the caller)."""

    requester: str
    assignee: str | None
    category: str | None
    attachments: int
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
    summary = ticket.description.strip()
    if len(summary) > SUMMARY_MAX:
        summary = summary[: SUMMARY_MAX - 1].rstrip() + "…"
    head = f"#{ticket.number} · {ticket.priority.value}"
    if facts.category:
        head += f" · {facts.category}"
    owner = facts.assignee or _(language, "unassigned")
    spans: list[Span] = [
        bold(head),
        Span("\n"),
        bold(ticket.title),
        Span("\n" + _(language, "From: {name}", name=facts.requester)),
        Span(
            "\n"
            + _(
                language,
                "Status: {status} · {owner}",
                status=status_label(language, ticket.status),
                owner=owner,
            )
        ),
    ]
    spans += [Span("\n" + line) for line in facts.deadlines]
    if facts.attachments:
        spans.append(Span("\n" + _(language, "Attachments: {count}", count=facts.attachments)))
    if summary and summary != ticket.title:
        spans += [Span("\n\n"), italic(summary)]
    return Reply(spans=tuple(spans), buttons=_buttons(ticket, language))


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
        button(_(language, "Resolve"), Act.RESOLVE, n),
    )
    return (tuple(first), second)
