"""The employee's side of the private chat: messages and buttons, read according to the
dialogue's current step. A step that has waited too long no longer catches the next message."""

from __future__ import annotations

from core.button_data import Act, Pressed
from core.domain.conversation import Conversation, Draft, Step
from core.intake import followup, long_text, request_form, selfhelp, ticket_form
from core.intake.forms import RatingComment, RequestForm
from core.intake.turn import Turn
from core.settings import LANGUAGE_NAMES, SUPPORTED_LANGUAGES

QUOTE_MAX = 60


async def message(turn: Turn) -> None:
    """Text or files in the private chat."""
    text = turn.event.text.strip()
    if not text and not turn.event.attachments:
        # Only invisible characters (the inbound scrub made them ""): nothing to act on.
        turn.say("Your message looks empty to me. Please describe your request in words.")
        return
    talk = await turn.conversation()
    if await turn.stale() and await _expire(turn, talk):
        return
    if talk.step is Step.DETAILS:
        await ticket_form.add_details(turn, talk)
    elif talk.step.is_intake or talk.step is Step.RESUMING:
        ticket_form.reprompt(turn, talk)
    elif talk.step is Step.RATING_COMMENT and text:
        await followup.rating_comment(turn, talk)
    elif talk.step is Step.ASKING:
        files = [*talk.draft.files, *turn.event.attachments]
        if text:
            await selfhelp.start(turn, text, files)
        else:
            talk.go(Step.ASKING, Draft(files=files))
            turn.say("Got the file. Now describe the problem in a few words.")
    elif talk.step in (Step.SUGGESTING, Step.READING) and text:
        await selfhelp.abandon(turn, talk)
        await selfhelp.start(turn, text, followup.files_of(turn))
    elif await followup.to_open_ticket(turn, talk):
        return
    elif text:
        await selfhelp.start(turn, text, followup.files_of(turn))
    else:
        talk.go(Step.ASKING, Draft(files=followup.files_of(turn)))
        turn.say("Got the file. Now describe the problem in a few words.")


async def form(turn: Turn) -> None:
    """A form the channel showed, submitted (see :mod:`core.intake.forms`)."""
    submitted = turn.event.form
    if isinstance(submitted, RequestForm):
        await request_form.submit(turn, submitted)
    elif isinstance(submitted, RatingComment):
        await followup.rating_form(turn, submitted)


async def _expire(turn: Turn, talk: Conversation) -> bool:
    """The chat waited too long in its step. An intake draft is offered back (continue it, or
    start anew with this message): True, the message is answered. Anything else is let go, and
    the message is read as if the chat were idle: False."""
    if talk.step.is_intake:
        draft, text = talk.draft, turn.event.text.strip()
        draft.files += turn.event.attachments
        if len(text) > long_text.QUESTION_MAX:  # kept with the draft, not in the row
            await long_text.keep_as_file(turn, draft.files, text)
            text = ""
        draft.resume_step, draft.pending = talk.step, text
        talk.go(Step.RESUMING, draft)
        turn.say(
            "You have an unfinished request about “{subject}”. "
            "Continue it, or start a new request with your new message?",
            subject=_shorten(draft.question),
            buttons=(
                (turn.button("Continue the draft", Act.CONTINUE_DRAFT),),
                (turn.button("Start a new request", Act.START_OVER),),
            ),
        )
        return True
    await selfhelp.abandon(turn, talk)
    talk.reset()
    return False


async def _resume(turn: Turn, talk: Conversation, pressed: Pressed) -> bool:
    draft = talk.draft
    if talk.step is not Step.RESUMING or draft.resume_step is None:
        return False
    pending, draft.pending = draft.pending, ""
    if pressed.act is Act.CONTINUE_DRAFT:
        step, draft.resume_step = draft.resume_step, None
        talk.go(step, draft)
        if step is Step.DETAILS and pending:
            draft.details.append(pending)
        await ticket_form.ask_again(turn, talk)
        return True
    await selfhelp.abandon(turn, talk)
    talk.reset()
    if pending:
        await selfhelp.start(turn, pending)
    else:
        talk.go(Step.ASKING)
        turn.say("Describe your problem or question in a message.")
    return True


async def press(turn: Turn, pressed: Pressed) -> None:
    """A button in the private chat. A button that no longer fits gets a polite toast."""
    talk = await turn.conversation()
    act = pressed.act
    if act is Act.LANGUAGE:
        if pressed.word(0) not in SUPPORTED_LANGUAGES:
            turn.toast("This button is no longer active.")
            return
        turn.person.language = turn.language = pressed.word(0)
        turn.say("Language: {name}", name=LANGUAGE_NAMES[turn.language], edit=True)
        return
    if act is Act.CANCEL and talk.step is not Step.IDLE:
        await selfhelp.abandon(turn, talk)
        talk.reset()
        turn.say("Cancelled. Write to me any time.", edit=True)
        return
    if act in (Act.CONTINUE_DRAFT, Act.START_OVER):
        handled = await _resume(turn, talk, pressed)
    elif act in SELF_HELP:
        handled = await selfhelp.press(turn, pressed)
    elif act in INTAKE:
        handled = await ticket_form.press(turn, pressed)
    else:
        handled = await followup.press(turn, pressed)
    if not handled:
        turn.toast("This button is no longer active.")


SELF_HELP = frozenset(
    {Act.ARTICLE_OPEN, Act.ARTICLE_HELPED, Act.ARTICLE_NOT_HELPED, Act.NONE_HELPED}
)
INTAKE = frozenset({Act.CATEGORY, Act.IMPACT, Act.URGENCY, Act.DONE, Act.EDIT, Act.CREATE})


def _shorten(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= QUOTE_MAX else line[: QUOTE_MAX - 1].rstrip() + "…"
