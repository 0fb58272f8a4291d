"""Ticket text for chats: one-line lists, the requester's view, the agent's view."""

from __future__ import annotations

from core.domain.entities import Ticket
from core.domain.enums import MessageKind
from core.domain.priority import PRIORITY_WORDS
from core.i18n import gettext as _
from core.intake.turn import Turn
from core.messages import Reply, Span, bold, italic, quote
from core.services import tickets
from core.services.cards import status_label
from core.services.context import name_of

LATEST_MESSAGES = 5


def ticket_line(language: str, ticket: Ticket) -> str:
    return f"#{ticket.number} · {status_label(language, ticket.status)} · {ticket.title}"


async def ticket_for_requester(turn: Turn, number: int) -> Reply:
    """One of the person's own tickets with its public conversation (NotFound for others')."""
    ticket = await tickets.view_ticket(turn.uow, actor=turn.actor, number=number)
    return await _render(turn, ticket, include_internal=False)


async def ticket_for_agent(turn: Turn, number: int) -> Reply:
    """Any ticket, with details and the latest messages including internal notes."""
    ticket = await tickets.view_ticket(turn.uow, actor=turn.actor, number=number)
    return await _render(turn, ticket, include_internal=True)


async def _render(turn: Turn, ticket: Ticket, *, include_internal: bool) -> Reply:
    lang, uow = turn.language, turn.uow
    assert ticket.id is not None
    spans: list[Span] = [
        bold(f"#{ticket.number} · {ticket.title}"),
        Span(
            "\n"
            + _(
                lang,
                "Status: {status} · {owner}",
                status=status_label(lang, ticket.status),
                owner=await _owner(turn, ticket),
            )
            + "\n"
            + _(lang, "Priority: {priority}", priority=_priority(lang, ticket, include_internal))
        ),
    ]
    if include_internal:
        spans.append(
            Span("\n" + _(lang, "From: {name}", name=await name_of(uow, ticket.requester_id)))
        )
        spans += [Span("\n\n"), quote(ticket.description)]
    if ticket.resolution:
        spans.append(Span("\n" + _(lang, "Resolution: {text}", text=ticket.resolution)))
    if ticket.rating_score:
        spans.append(Span("\n" + _(lang, "Rating: {stars}", stars="★" * ticket.rating_score)))
    messages = await uow.history.messages(ticket.id, include_internal=include_internal)
    for message in messages[-LATEST_MESSAGES:]:
        author = await name_of(uow, message.author_id) if message.author_id else _(lang, "system")
        label = f"{author}" + (
            f" ({_(lang, 'internal note')})" if message.kind == MessageKind.INTERNAL else ""
        )
        spans += [Span("\n\n"), italic(label + ":"), Span("\n"), quote(message.body)]
    return Reply(spans=tuple(spans))


async def _owner(turn: Turn, ticket: Ticket) -> str:
    if ticket.assignee_id is None:
        return _(turn.language, "unassigned")
    return await name_of(turn.uow, ticket.assignee_id)


def _priority(language: str, ticket: Ticket, for_agents: bool) -> str:
    """Agents read P1-P4; employees read plain words ("P4" reads as "you are last")."""
    return ticket.priority.value if for_agents else _(language, PRIORITY_WORDS[ticket.priority])
