"""After a ticket exists: messages go to it, ratings and reopening from the resolution prompt."""

from __future__ import annotations

from core.button_data import Act, Pressed, button
from core.domain.conversation import Conversation, Draft, Step
from core.domain.entities import Ticket
from core.domain.enums import TicketStatus
from core.i18n import N_
from core.intake import long_text, selfhelp
from core.intake.forms import RatingComment
from core.intake.turn import Turn
from core.messages import Attachment
from core.ports import UnitOfWork
from core.services import tickets, workflow

ACTIVE = [s for s in TicketStatus if s.is_active]
# The rating comment as a form (a Slack modal): its title, its one field, its button.
RATING_TITLE = N_("Your rating")
COMMENT_LABEL = N_("Anything to add? (optional)")
SEND = N_("Send")
CHOICES_MAX = 10


async def to_open_ticket(turn: Turn, talk: Conversation) -> bool:
    """Add the message to the person's active ticket (asking which, if several).
    False when they have none, so the message starts a new request."""
    active = await turn.uow.tickets.search(
        statuses=ACTIVE, requester_id=turn.person_id, limit=CHOICES_MAX
    )
    if not active:
        return False
    draft = Draft(question=turn.event.text.strip(), files=list(turn.event.attachments))
    if len(draft.question) > long_text.QUESTION_MAX:  # goes to the ticket as a file
        await long_text.keep_as_file(turn, draft.files, draft.question)
        draft.question = ""
    if len(active) == 1:
        await _add(turn, active[0].number, draft)
        talk.go(Step.FOLLOWED, draft)
        turn.say(
            "Added to your ticket #{number}.",
            number=active[0].number,
            buttons=((turn.button("Start a new request instead", Act.NEW_REQUEST),),),
        )
        return True
    draft.tickets = [t.number for t in active]
    talk.go(Step.CHOOSING, draft)
    rows = [(button(f"#{t.number} · {t.title}"[:64], Act.ADD_TO, t.number),) for t in active]
    rows.append((turn.button("Start a new request instead", Act.NEW_REQUEST),))
    turn.say("Which ticket is this about?", buttons=tuple(rows))
    return True


async def _add(turn: Turn, number: int, draft: Draft) -> None:
    await tickets.reply(
        turn.uow,
        actor=turn.actor,
        number=number,
        body=draft.question or turn._("(file attached)"),
        attachments=tuple(draft.files),
        external_ref=turn.event.message_ref,
    )


async def press(turn: Turn, pressed: Pressed) -> bool:
    """Follow-up, rating and reopen buttons; False when stale."""
    talk = await turn.conversation()
    act = pressed.act
    if act is Act.ADD_TO and talk.step is Step.CHOOSING and pressed.number() in talk.draft.tickets:
        await _add(turn, pressed.number(), talk.draft)
        talk.reset()
        turn.say("Added to your ticket #{number}.", number=pressed.number(), edit=True)
    elif act is Act.NEW_REQUEST and talk.step in (Step.FOLLOWED, Step.CHOOSING):
        draft = talk.draft
        talk.reset()
        if draft.question:
            await selfhelp.start(turn, draft.question, draft.files)
        else:
            talk.go(Step.ASKING, Draft(files=draft.files))
            turn.say("Describe your problem or question in a message.")
    elif act is Act.RATE:
        return await _rate(turn, talk, pressed.number(0), pressed.number(1))
    elif act is Act.REOPEN:
        return await _reopen(turn, pressed.number())
    elif act is Act.SKIP and talk.step is Step.RATING_COMMENT:
        talk.reset()
        turn.say("Thank you!", edit=True)
    else:
        return False
    return True


async def _rate(turn: Turn, talk: Conversation, number: int, score: int) -> bool:
    if not 1 <= score <= 5:
        return False
    ticket = await tickets.view_ticket(turn.uow, actor=turn.actor, number=number)
    if not _takes_rating(ticket):
        turn.toast("This ticket is already rated or reopened. Thank you!")
        return True
    await workflow.rate(turn.uow, actor=turn.actor, number=ticket.number, score=score)
    turn.say(
        "You rated ticket #{number}: {stars}", number=ticket.number, stars="★" * score, edit=True
    )
    if turn.event.asked_in_form:
        return True  # the comment is asked for in the channel's form (rating_form)
    talk.go(Step.RATING_COMMENT, Draft(tickets=[ticket.number]))
    turn.say(
        "Thank you! Would you like to add a comment? Just write it here.",
        buttons=((turn.button("Skip", Act.SKIP),),),
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
        turn.uow, actor=turn.actor, number=talk.draft.tickets[0], comment=turn.event.text
    )
    talk.reset()
    turn.say("Thank you for your feedback!")


def _takes_rating(ticket: Ticket) -> bool:
    return ticket.rating_score is None and ticket.status == TicketStatus.RESOLVED


async def rating_comment_language(
    uow: UnitOfWork, *, channel: str, external_id: str, number: int
) -> str | None:
    """The person's language when their rating of ticket ``number`` would be taken now (their
    ticket, resolved, not rated yet), so a channel can ask for the comment alongside the press;
    None otherwise. A read only: the press itself rates."""
    person = await uow.people.by_identity(channel, external_id)
    ticket = await uow.tickets.get(number)
    if person is None or ticket is None or ticket.requester_id != person.id:
        return None
    return person.language if _takes_rating(ticket) else None


async def rating_form(turn: Turn, form: RatingComment) -> None:
    """The comment asked for in a form after a rating (an empty one, or the form closed: no
    comment)."""
    talk = await turn.conversation()
    if talk.step is Step.RATING_COMMENT and talk.draft.tickets == [form.ticket]:
        talk.reset()
    if not form.comment.strip():
        turn.say("Thank you!")
        return
    await workflow.rate(turn.uow, actor=turn.actor, number=form.ticket, comment=form.comment)
    turn.say("Thank you for your feedback!")


def files_of(turn: Turn) -> list[Attachment]:
    return list(turn.event.attachments)
