"""After a ticket exists: messages go to it, ratings and reopening from the resolution prompt."""

from __future__ import annotations

from typing import Any

from core.domain.conversation import Conversation
from core.domain.enums import TicketStatus
from core.intake import selfhelp
from core.intake.turn import Turn
from core.messages import Attachment, Button
from core.services import tickets, workflow

FOLLOWED, CHOOSING, RATING_COMMENT = "followed", "choosing", "rating_comment"
ACTIVE = [s for s in TicketStatus if s.is_active]


def files_of(turn: Turn) -> list[list[Any]]:
    return [[a.channel, a.file_ref, a.name, a.mime_type, a.size] for a in turn.event.attachments]


async def to_open_ticket(turn: Turn, talk: Conversation) -> bool:
    """Add the message to the person's active ticket (asking which, if several).
    False when they have none, so the message starts a new request."""
    active = await turn.uow.tickets.search(statuses=ACTIVE, requester_id=turn.person_id, limit=10)
    if not active:
        return False
    text, files = turn.event.text.strip(), files_of(turn)
    if len(active) == 1:
        await _add(turn, active[0].number, text, files)
        talk.go(FOLLOWED, text=text, files=files)
        turn.say(
            "Added to your ticket #{number}.",
            number=active[0].number,
            buttons=((turn.button("Start a new request instead", "new"),),),
        )
        return True
    talk.go(CHOOSING, text=text, files=files, numbers=[t.number for t in active])
    rows = [(Button(f"#{t.number} · {t.title}"[:64], f"to:{t.number}"),) for t in active]
    rows.append((turn.button("Start a new request instead", "new"),))
    turn.say("Which ticket is this about?", buttons=tuple(rows))
    return True


async def _add(turn: Turn, number: int, text: str, files: list[list[Any]]) -> None:
    await tickets.reply(
        turn.uow,
        actor=turn.actor,
        number=number,
        body=text or turn._("(file attached)"),
        attachments=tuple(Attachment(*item) for item in files),
        external_ref=turn.event.message_ref,
    )


async def press(turn: Turn, action: str) -> bool:
    """``to:N``, ``new``, ``rate:N:S``, ``reopen:N``, ``skip``; False when stale."""
    talk = await turn.conversation()
    verb, _, rest = action.partition(":")
    if (
        verb == "to"
        and talk.state == CHOOSING
        and rest.isdigit()
        and int(rest) in talk.data["numbers"]
    ):
        await _add(turn, int(rest), talk.data["text"], talk.data["files"])
        talk.reset()
        turn.say("Added to your ticket #{number}.", number=int(rest), edit=True)
    elif action == "new" and talk.state in (FOLLOWED, CHOOSING):
        text, files = talk.data["text"], talk.data["files"]
        talk.reset()
        if text:
            await selfhelp.start(turn, text, files)
        else:
            talk.go("asking", files=files)
            turn.say("Describe your problem or question in a message.")
    elif verb == "rate":
        return await _rate(turn, talk, rest)
    elif verb == "reopen" and rest.isdigit():
        return await _reopen(turn, int(rest))
    elif action == "skip" and talk.state == RATING_COMMENT:
        talk.reset()
        turn.say("Thank you!", edit=True)
    else:
        return False
    return True


async def _rate(turn: Turn, talk: Conversation, rest: str) -> bool:
    number, _, score = rest.partition(":")
    if not (number.isdigit() and score.isdigit()):
        return False
    ticket = await tickets.view_ticket(turn.uow, actor=turn.actor, number=int(number))
    if ticket.rating_score is not None or ticket.status != TicketStatus.RESOLVED:
        turn.toast("This ticket is already rated or reopened. Thank you!")
        return True
    await workflow.rate(turn.uow, actor=turn.actor, number=ticket.number, score=int(score))
    turn.say(
        "You rated ticket #{number}: {stars}",
        number=ticket.number,
        stars="★" * int(score),
        edit=True,
    )
    talk.go(RATING_COMMENT, number=ticket.number)
    turn.say(
        "Thank you! Would you like to add a comment? Just write it here.",
        buttons=((turn.button("Skip", "skip"),),),
    )
    return True


async def _reopen(turn: Turn, number: int) -> bool:
    ticket = await tickets.view_ticket(turn.uow, actor=turn.actor, number=number)
    if ticket.status != TicketStatus.RESOLVED:
        turn.toast("This ticket is already rated or reopened. Thank you!")
        return True
    await workflow.reopen(turn.uow, actor=turn.actor, number=number)
    turn.toast("Reopened: we will get back to you.")
    return True


async def rating_comment(turn: Turn, talk: Conversation) -> None:
    await workflow.rate(
        turn.uow, actor=turn.actor, number=talk.data["number"], comment=turn.event.text
    )
    talk.reset()
    turn.say("Thank you for your feedback!")
