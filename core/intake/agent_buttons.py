"""Ticket-card buttons in the agents' room, and agents replying to a card or relayed message."""

from __future__ import annotations

from core.button_data import Act, Pressed, button
from core.domain.enums import Priority, Role, TicketStatus
from core.errors import InvalidInput, PermissionDenied
from core.intake.turn import Turn
from core.messages import RelayedFrom, command_hint
from core.services import canned_replies, tickets, workflow

MAX_AGENT_BUTTONS = 30
NOTE_PREFIX = "note:"  # a reply starting with it is an internal note, not sent to the requester


def require_agent(turn: Turn) -> None:
    if not turn.person.is_agent:
        raise PermissionDenied("Sorry, this is only for the support team.")


async def press(turn: Turn, pressed: Pressed) -> None:
    """Claim, assign (then the agent), priority (then P1-P4), resolve at once (without a
    resolution note; the resolve command adds one)."""
    require_agent(turn)
    act, number, uow, me = pressed.act, pressed.number(0), turn.uow, turn.actor
    if act is Act.CLAIM:
        await workflow.claim(uow, actor=me, number=number)
        turn.toast("You took ticket #{number}.", number=number)
    elif act is Act.RESOLVE:
        await workflow.resolve(uow, actor=me, number=number, resolution="")
        turn.toast("Ticket #{number} is resolved.", number=number)
    elif act is Act.ASSIGN and len(pressed.args) == 1:
        agents = (await uow.people.with_role(Role.AGENT))[:MAX_AGENT_BUTTONS]
        rows = tuple((button(a.display_name, Act.ASSIGN, number, _id(a.id)),) for a in agents)
        turn.say("Assign ticket #{number} to:", number=number, buttons=rows)
    elif act is Act.ASSIGN:
        agent = await uow.people.get(pressed.number(1))
        if agent is None:
            turn.toast("This button is no longer active.")
            return
        await workflow.assign(uow, actor=me, number=number, assignee_id=agent.id)
        turn.say(
            "Ticket #{number} is assigned to {name}.",
            number=number,
            name=agent.display_name,
            edit=True,
        )
    elif act is Act.CANNED:
        await _canned(turn, pressed)
    elif act is Act.PRIORITY and len(pressed.args) == 1:
        row = tuple(button(p.value, Act.PRIORITY, number, p.value) for p in Priority)
        turn.say("Priority for ticket #{number}:", number=number, buttons=(row,))
    else:
        try:
            priority = Priority(pressed.word(1))
        except ValueError:
            turn.toast("This button is no longer active.")
            return
        await workflow.set_priority(uow, actor=me, number=number, priority=priority)
        turn.say(
            "Ticket #{number} is now {status}.", number=number, status=priority.value, edit=True
        )


async def _canned(turn: Turn, pressed: Pressed) -> None:
    """First press: the canned replies as buttons; second: send the one chosen."""
    number = pressed.number(0)
    if len(pressed.args) == 1:
        replies = (await turn.uow.canned.all())[:MAX_AGENT_BUTTONS]
        if not replies:
            turn.toast("There are no canned replies yet; supervisors add them in the admin panel.")
            return
        rows = tuple((button(r.name, Act.CANNED, number, _id(r.id)),) for r in replies)
        turn.say("Send ticket #{number} a canned reply:", number=number, buttons=rows)
        return
    sent = await canned_replies.send(
        turn.uow, actor=turn.actor, reply_id=pressed.number(1), number=number
    )
    turn.say(
        "Sent the canned reply “{name}” to the requester of ticket #{number}.",
        name=sent.reply.name,
        number=number,
        edit=True,
    )


async def reply_in_room(turn: Turn) -> None:
    """A reply to a card or relayed message goes to the requester as this agent's reply (one
    starting with ``note:`` is an internal note instead); anything else said in the room is the
    agents' own conversation and is left alone."""
    event = turn.event
    if event.reply_to_ref is None or not (event.text.strip() or event.attachments):
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
    if ticket.status is TicketStatus.CLOSED:
        raise InvalidInput(
            "Ticket #{number} is closed, so the requester was not sent this. "
            "To continue on it, reopen it with {command} and reply again.",
            number=ticket.number,
            command=command_hint(f"reopen {ticket.number}"),
        )
    text = event.text.strip()
    if text[: len(NOTE_PREFIX)].casefold() == NOTE_PREFIX:
        body = text[len(NOTE_PREFIX) :].strip()
        if body:
            await tickets.add_note(turn.uow, actor=turn.actor, number=ticket.number, body=body)
        return
    await tickets.reply(
        turn.uow,
        actor=turn.actor,
        number=ticket.number,
        body=text or turn._("(file attached)"),
        attachments=event.attachments,
        external_ref=event.message_ref,
        relayed_from=(
            RelayedFrom(event.channel, event.chat_ref, event.message_ref)
            if event.message_ref
            else None
        ),
    )


def _id(value: int | None) -> int:
    assert value is not None
    return value
