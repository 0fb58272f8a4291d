"""Ticket-card buttons in the agents' room, and agents replying to a card or relayed message."""

from __future__ import annotations

from core.domain.enums import Role
from core.domain.priority import parse_priority
from core.intake.agents import require_agent
from core.intake.turn import Turn
from core.messages import Button
from core.services import tickets, workflow

CARD_VERBS = ("claim", "assign", "prio", "resolve")
MAX_AGENT_BUTTONS = 30


async def press(turn: Turn) -> None:
    """``claim:N``, ``assign:N`` → agent buttons ``assign:N:<person id>``, ``prio:N`` → ``prio:N:P2``,
    ``resolve:N`` (resolves at once, without a resolution note; ``/resolve N text`` adds one)."""
    require_agent(turn)
    parts = turn.event.action.split(":")
    if len(parts) < 2 or not parts[1].isdigit():
        turn.toast("This button is no longer active.")
        return
    verb, number, uow, me = parts[0], int(parts[1]), turn.uow, turn.actor
    if verb == "claim":
        await workflow.claim(uow, actor=me, number=number)
        turn.toast("You took ticket #{number}.", number=number)
    elif verb == "resolve":
        await workflow.resolve(uow, actor=me, number=number, resolution="")
        turn.toast("Ticket #{number} is resolved.", number=number)
    elif verb == "assign" and len(parts) == 2:
        agents = (await uow.people.with_role(Role.AGENT))[:MAX_AGENT_BUTTONS]
        rows = tuple((Button(a.display_name, f"assign:{number}:{a.id}"),) for a in agents)
        turn.say("Assign ticket #{number} to:", number=number, buttons=rows)
    elif verb == "assign" and parts[2].isdigit():
        agent = await uow.people.get(int(parts[2]))
        await workflow.assign(uow, actor=me, number=number, assignee_id=int(parts[2]))
        name = agent.display_name if agent else parts[2]
        turn.say("Ticket #{number} is assigned to {name}.", number=number, name=name, edit=True)
    elif verb == "prio" and len(parts) == 2:
        row = tuple(Button(p, f"prio:{number}:{p}") for p in ("P1", "P2", "P3", "P4"))
        turn.say("Priority for ticket #{number}:", number=number, buttons=(row,))
    elif verb == "prio":
        priority = parse_priority(parts[2])
        await workflow.set_priority(uow, actor=me, number=number, priority=priority)
        turn.say(
            "Ticket #{number} is now {status}.", number=number, status=priority.value, edit=True
        )
    else:
        turn.toast("This button is no longer active.")


async def reply_in_room(turn: Turn) -> None:
    """A reply to a card or relayed message goes to the requester as this agent's reply;
    anything else said in the room is the agents' own conversation and is left alone."""
    event = turn.event
    if event.reply_to_ref is None:
        return
    ticket_id = await turn.uow.outbox.ticket_for_ref(
        event.channel, event.chat_ref, event.reply_to_ref
    )
    if ticket_id is None:
        return
    require_agent(turn)
    ticket = await turn.uow.tickets.get_by_id(ticket_id)
    if ticket is None:
        return
    await tickets.reply(
        turn.uow,
        actor=turn.actor,
        number=ticket.number,
        body=event.text.strip() or turn._("(file attached)"),
        attachments=event.attachments,
        external_ref=event.message_ref,
    )
