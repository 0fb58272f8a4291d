"""What the agents' commands do, in their rooms or in a private chat with the bot. Each is
declared (name, arguments, help line) in :mod:`core.intake.desk_commands`."""

from __future__ import annotations

from core.domain.entities import Ticket
from core.domain.enums import TicketStatus
from core.domain.knowledge import ArticleStatus, ConfirmationSource
from core.domain.priority import parse_priority
from core.errors import InvalidInput, NotFound
from core.intake.commands import Args, MissingArgs
from core.intake.turn import Turn
from core.intake.views import ticket_for_agent, ticket_line
from core.services import (
    auto_assignment,
    canned_replies,
    phrasing_learning,
    tickets,
    weekly_report,
    workflow,
)
from core.services.cards import status_label
from core.services.clocks import desk_zone
from core.services.time_left import soonest

ACTIVE = [s for s in TicketStatus if s.is_active]
LIST_LIMIT = 30
KB_LIMIT = 5
MESSAGE_LIMIT = 20_000  # the longest ticket message


async def queue(turn: Turn, args: Args) -> None:
    found = await turn.uow.tickets.search(
        statuses=ACTIVE, unassigned=True, by_deadline=True, limit=LIST_LIMIT
    )
    if not found:
        turn.say("The queue is empty.")
        return
    turn.say("Unassigned tickets:\n{lines}", lines=await _lines(turn, found))


async def mine(turn: Turn, args: Args) -> None:
    found = await turn.uow.tickets.search(
        statuses=ACTIVE, assignee_id=turn.person_id, by_deadline=True, limit=LIST_LIMIT
    )
    if not found:
        turn.say("You have no active tickets.")
        return
    turn.say("Your tickets:\n{lines}", lines=await _lines(turn, found))


async def _lines(turn: Turn, found: list[Ticket]) -> str:
    """One line per ticket: number, status, title, priority and its nearest deadline."""
    now = turn.uow.clock.now()
    lines = []
    for ticket in found:
        line = f"{ticket_line(turn.language, ticket)} · {ticket.priority.value}"
        zone = await desk_zone(turn.uow, ticket.group_id)
        left = soonest(turn.language, ticket.sla, zone=zone, now=now)
        lines.append(f"{line} · {left}" if left else line)
    return "\n".join(lines)


async def claim(turn: Turn, args: Args) -> None:
    await workflow.claim(turn.uow, actor=turn.actor, number=args.ticket)
    turn.say("You took ticket #{number}.", number=args.ticket)


async def assign(turn: Turn, args: Args) -> None:
    agent = await turn.uow.people.find(args.word)
    if agent is None or not agent.is_agent:
        raise InvalidInput("No agent matches {who}.", who=args.word)
    await workflow.assign(turn.uow, actor=turn.actor, number=args.ticket, assignee_id=agent.id)
    turn.say("Ticket #{number} is assigned to {name}.", number=args.ticket, name=agent.display_name)


async def reply(turn: Turn, args: Args) -> None:
    await tickets.reply(
        turn.uow,
        actor=turn.actor,
        number=args.ticket,
        body=args.text,
        external_ref=turn.event.message_ref,
    )
    turn.say("Sent to the requester of ticket #{number}.", number=args.ticket)


async def note(turn: Turn, args: Args) -> None:
    await tickets.add_note(turn.uow, actor=turn.actor, number=args.ticket, body=args.text)
    turn.say("Internal note added to ticket #{number}.", number=args.ticket)


async def status(turn: Turn, args: Args) -> None:
    target = TicketStatus(args.word)  # one of the declared choices
    await workflow.change_status(turn.uow, actor=turn.actor, number=args.ticket, status=target)
    label = status_label(turn.language, target)
    turn.say("Ticket #{number} is now {status}.", number=args.ticket, status=label)


async def priority(turn: Turn, args: Args) -> None:
    value = parse_priority(args.word)
    await workflow.set_priority(turn.uow, actor=turn.actor, number=args.ticket, priority=value)
    turn.say("Ticket #{number} is now {status}.", number=args.ticket, status=value.value)


async def resolve(turn: Turn, args: Args) -> None:
    await workflow.resolve(turn.uow, actor=turn.actor, number=args.ticket, resolution=args.text)
    turn.say("Ticket #{number} is resolved.", number=args.ticket)


async def reopen(turn: Turn, args: Args) -> None:
    await workflow.reopen(turn.uow, actor=turn.actor, number=args.ticket)
    turn.say("Ticket #{number} is reopened.", number=args.ticket)


async def ticket(turn: Turn, args: Args) -> None:
    turn.send(await ticket_for_agent(turn, args.ticket))


async def send(turn: Turn, args: Args) -> None:
    """Answer a ticket with an article: the requester gets it as the agent's reply, and the
    ticket's question counts as the requester confirming the article answers it (a candidate
    phrasing of the article, as a "this solved it" would)."""
    article = await turn.uow.articles.get(args.word)
    if article is None or article.status != ArticleStatus.PUBLISHED:
        raise NotFound("There is no article '{id}'.", id=args.word)
    ticket = await turn.uow.tickets.get(args.ticket)
    if ticket is None:
        raise NotFound("There is no ticket #{number}.", number=args.ticket)
    await tickets.reply(
        turn.uow,
        actor=turn.actor,
        number=args.ticket,
        body=f"{article.title}\n\n{article.body.strip()}"[:MESSAGE_LIMIT],
        external_ref=turn.event.message_ref,
    )
    await phrasing_learning.confirm(
        turn.uow,
        article_id=article.id,
        question=ticket.title,
        person=phrasing_learning.person_key(person_id=ticket.requester_id),
        source=ConfirmationSource.AGENT_LINK,
        learn_after=turn.kb.learn_after,
        read=turn.kb.engine.reading,
    )
    turn.say(
        "Sent “{title}” to the requester of ticket #{number}.",
        title=article.title,
        number=args.ticket,
    )


async def kb(turn: Turn, args: Args) -> None:
    # Straight from the index: an agent's lookup is not an employee's question for the statistics.
    lines = []
    for hit in turn.kb.engine.suggest(args.text, limit=KB_LIMIT):
        article = await turn.uow.articles.get(hit.article_id)
        if article is not None:
            lines.append(f"{article.title} ({article.id}, {hit.score:.2f})")
    if not lines:
        turn.say("No article matches.")
        return
    turn.say("Articles:\n{lines}", lines="\n".join(lines))


async def canned(turn: Turn, args: Args) -> None:
    """``canned NAME N`` sends a canned reply; ``canned`` alone lists them."""
    if not args.word:
        replies = await turn.uow.canned.all()
        if not replies:
            turn.say("There are no canned replies yet; supervisors add them in the admin panel.")
            return
        lines = "\n".join(f"{r.name} — {_first_line(r.body)}" for r in replies[:LIST_LIMIT])
        turn.say("Canned replies:\n{lines}", lines=lines)
        return
    if not args.ticket:
        raise MissingArgs
    sent = await canned_replies.send(
        turn.uow,
        actor=turn.actor,
        name=args.word,
        number=args.ticket,
        external_ref=turn.event.message_ref,
    )
    turn.say(
        "Sent the canned reply “{name}” to the requester of ticket #{number}.",
        name=sent.reply.name,
        number=args.ticket,
    )


def _first_line(text: str, limit: int = 60) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= limit else line[: limit - 1] + "…"


async def away(turn: Turn, args: Args) -> None:
    """No new tickets for me; my unstarted ones go back to the queue or to a colleague."""
    result = await auto_assignment.go_away(turn.uow, actor=turn.actor)
    turn.say("You are marked as away: no new tickets will be assigned to you.")
    if result.released:
        turn.say(
            "Back in the queue: {tickets}.",
            tickets=", ".join(f"#{number}" for number in result.released),
        )
    if result.reassigned:
        turn.say(
            "Passed on to other agents: {tickets}.",
            tickets=", ".join(f"#{number} → {name}" for number, name in result.reassigned),
        )


async def back(turn: Turn, args: Args) -> None:
    await auto_assignment.come_back(turn.uow, actor=turn.actor)
    turn.say("Welcome back: new tickets can be assigned to you again.")


async def report(turn: Turn, args: Args) -> None:
    """Last week's summary picture, here and now (the rooms also get it every Monday)."""
    this, before = await weekly_report.latest_weeks(turn.uow, timezone=turn.config.timezone)
    turn.send(weekly_report.weekly_reply(this, before, turn.language))
