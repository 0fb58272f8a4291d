"""Agents' commands, in their group or in a private chat with the bot."""

from __future__ import annotations

from core.domain.enums import TicketStatus
from core.domain.priority import parse_priority
from core.errors import InvalidInput, PermissionDenied
from core.intake.commands import bot_commands
from core.intake.turn import Turn
from core.intake.views import ticket_for_agent, ticket_line
from core.services import tickets, workflow
from core.services.cards import status_label

AGENT_ONLY = (
    "queue",
    "mine",
    "claim",
    "assign",
    "reply",
    "note",
    "status",
    "priority",
    "resolve",
    "reopen",
    "kb",
)
USAGE = {
    "claim": "/claim N",
    "assign": "/assign N @username",
    "reply": "/reply N text",
    "note": "/note N text",
    "status": "/status N open|assigned|in_progress|waiting|resolved|closed",
    "priority": "/priority N P1|P2|P3|P4",
    "resolve": "/resolve N [resolution]",
    "reopen": "/reopen N",
    "ticket": "/ticket N",
    "kb": "/kb question",
}
ACTIVE = [s for s in TicketStatus if s.is_active]


def require_agent(turn: Turn) -> None:
    if not turn.person.is_agent:
        raise PermissionDenied(turn._("Sorry, this is only for the support team."))


def _usage(turn: Turn, name: str) -> InvalidInput:
    return InvalidInput(turn._("Usage: {usage}", usage=USAGE[name]))


def _split(turn: Turn, name: str, *, rest_required: bool = False) -> tuple[int, str]:
    head, _, rest = turn.event.args.strip().partition(" ")
    head = head.lstrip("#")
    if not head.isdigit() or (rest_required and not rest.strip()):
        raise _usage(turn, name)
    return int(head), rest.strip()


async def command(turn: Turn) -> None:
    require_agent(turn)
    name, uow, me = turn.event.command, turn.uow, turn.actor
    if name in ("help", "start"):
        agent_help(turn)
    elif name in ("queue", "mine"):
        found = await uow.tickets.search(
            statuses=ACTIVE,
            unassigned=name == "queue",
            assignee_id=me.id if name == "mine" else None,
            limit=30,
        )
        if not found:
            turn.say("The queue is empty." if name == "queue" else "You have no active tickets.")
            return
        lines = [f"{ticket_line(turn.language, t)} · {t.priority.value}" for t in found]
        turn.say(
            "Unassigned tickets:\n{lines}" if name == "queue" else "Your tickets:\n{lines}",
            lines="\n".join(lines),
        )
    elif name == "claim":
        number, _ = _split(turn, name)
        await workflow.claim(uow, actor=me, number=number)
        turn.say("You took ticket #{number}.", number=number)
    elif name == "assign":
        number, who = _split(turn, name, rest_required=True)
        agent = await uow.people.find(who)
        if agent is None or not agent.is_agent:
            raise InvalidInput(turn._("No agent matches {who}.", who=who))
        await workflow.assign(uow, actor=me, number=number, assignee_id=agent.id)
        turn.say("Ticket #{number} is assigned to {name}.", number=number, name=agent.display_name)
    elif name == "reply":
        number, text = _split(turn, name, rest_required=True)
        await tickets.reply(
            uow, actor=me, number=number, body=text, external_ref=turn.event.message_ref
        )
        turn.say("Sent to the requester of ticket #{number}.", number=number)
    elif name == "note":
        number, text = _split(turn, name, rest_required=True)
        await tickets.add_note(uow, actor=me, number=number, body=text)
        turn.say("Internal note added to ticket #{number}.", number=number)
    elif name == "status":
        number, value = _split(turn, name, rest_required=True)
        try:
            status = TicketStatus(value.lower().replace(" ", "_").replace("-", "_"))
        except ValueError:
            raise _usage(turn, name) from None
        await workflow.change_status(uow, actor=me, number=number, status=status)
        label = status_label(turn.language, status)
        turn.say("Ticket #{number} is now {status}.", number=number, status=label)
    elif name == "priority":
        number, value = _split(turn, name, rest_required=True)
        await workflow.set_priority(uow, actor=me, number=number, priority=parse_priority(value))
        turn.say("Ticket #{number} is now {status}.", number=number, status=value.upper())
    elif name == "resolve":
        number, text = _split(turn, name)
        await workflow.resolve(uow, actor=me, number=number, resolution=text)
        turn.say("Ticket #{number} is resolved.", number=number)
    elif name == "reopen":
        number, _ = _split(turn, name)
        await workflow.reopen(uow, actor=me, number=number)
        turn.say("Ticket #{number} is reopened.", number=number)
    elif name == "ticket":
        number, _ = _split(turn, name)
        turn.send(await ticket_for_agent(turn, number))
    elif name == "kb":
        await _kb(turn)
    else:
        turn.say("I do not know that command. /help lists what I can do.")


async def _kb(turn: Turn) -> None:
    query = turn.event.args.strip()
    if not query:
        raise _usage(turn, "kb")
    # Straight from the index: an agent's lookup is not an employee's question for the statistics.
    found = turn.kb.engine.suggest(query, limit=5)
    lines = []
    for hit in found:
        article = await turn.uow.articles.get(hit.article_id)
        if article is not None:
            lines.append(f"{article.title} ({article.id}, {hit.score:.2f})")
    if not lines:
        turn.say("No article matches.")
        return
    turn.say("Articles:\n{lines}", lines="\n".join(lines))


def agent_help(turn: Turn) -> None:
    lines = [f"/{name} — {text}" for name, text in bot_commands(turn.language, for_agents=True)]
    turn.say("Agent commands:\n{lines}", lines="\n".join(lines))
