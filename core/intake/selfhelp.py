"""Self-help first: suggest articles for a question, open one, learn whether it helped."""

from __future__ import annotations

from core.button_data import Act, Pressed, button
from core.domain.conversation import Conversation, Draft, Step, Suggestions
from core.domain.knowledge import SuggestionOutcome
from core.intake import long_text, ticket_form
from core.intake.turn import Turn
from core.messages import Attachment, Reply, bold
from core.services import suggestions


async def start(turn: Turn, question: str, files: list[Attachment] | None = None) -> None:
    """Suggest articles for ``question``; with none confident enough, go straight to intake.
    A "question" too long to be one is kept as a file, and the person is asked for the question."""
    if len(question) > long_text.QUESTION_MAX:
        kept = list(files or ())
        file = await long_text.keep_as_file(turn, kept, question)
        talk = await turn.conversation()
        talk.go(Step.ASKING, Draft(files=kept))
        turn.say(
            "Your message is long ({length} characters), so I kept it as the file {name}; "
            "it will be attached to your request. Now please describe the problem "
            "in a sentence or two.",
            length=len(question),
            name=file.name,
        )
        return
    result = await suggestions.suggest(
        turn.uow, turn.kb, question=question, channel=turn.event.channel, person_id=turn.person_id
    )
    draft = Draft(question=question, files=list(files or ()))
    if not result.items:
        draft.suggestions = Suggestions(result.event_id, [], [])
        if turn.event.shows_forms:
            turn.say(
                "I found no article on this. You can fill in the request form at once, "
                "or answer my questions here.",
                buttons=((turn.button("Create a ticket", Act.NONE_HELPED, result.event_id),),),
            )
        await ticket_form.begin(turn, draft)
        return
    draft.suggestions = Suggestions(
        result.event_id,
        [s.article.id for s in result.items],
        [s.article.title for s in result.items],
    )
    talk = await turn.conversation()
    talk.go(Step.SUGGESTING, draft)
    _show_list(turn, draft.suggestions, first=True)


def _show_list(turn: Turn, shown: Suggestions, *, first: bool) -> None:
    event = shown.event_id
    rows = [(button(title, Act.ARTICLE_OPEN, event, i),) for i, title in shown.remaining()]
    rows.append((turn.button("None of these — create a ticket", Act.NONE_HELPED, event),))
    rows.append((turn.button("Cancel", Act.CANCEL),))
    turn.say(
        "These articles may help:" if first else "Perhaps one of these, then:",
        buttons=tuple(rows),
    )


async def press(turn: Turn, pressed: Pressed) -> bool:
    """A suggestion button; False when it does not belong to the suggestions on screen."""
    talk = await turn.conversation()
    shown = talk.draft.suggestions
    if shown is None or pressed.number(0) != shown.event_id:
        return False
    if talk.step.is_intake and pressed.act is Act.NONE_HELPED and turn.event.shows_forms:
        # "Create a ticket" when no article matched, and the form could not be shown: the
        # intake for this question is already under way, so its current question is asked again.
        # (Without forms the press is stale, as before: "This button is no longer active".)
        await ticket_form.ask_again(turn, talk)
        return True
    if talk.step not in (Step.SUGGESTING, Step.READING):
        return False
    if pressed.act is Act.NONE_HELPED:
        # Choosing "none of these" rejects every article still on the list: the person saw them.
        shown.rejected += [shown.article_ids[i] for i, _ in shown.remaining()]
        await ticket_form.begin(turn, talk.draft)
        return True
    index = pressed.number(1) if len(pressed.args) > 1 else -1
    if not 0 <= index < len(shown.article_ids):
        return False
    article_id = shown.article_ids[index]
    if pressed.act is Act.ARTICLE_OPEN:
        await _open(turn, talk, shown, index)
    elif pressed.act is Act.ARTICLE_HELPED and talk.step is Step.READING and shown.reading == index:
        await suggestions.record_outcome(
            turn.uow,
            event_id=shown.event_id,
            outcome=SuggestionOutcome.HELPED,
            article_id=article_id,
            rejected=shown.rejected,
            learn_after=turn.kb.learn_after,
            read=turn.kb.engine.reading,
        )
        talk.reset()
        turn.say("Glad it helped! Write to me any time you need something else.")
    elif (
        pressed.act is Act.ARTICLE_NOT_HELPED
        and talk.step is Step.READING
        and shown.reading == index
    ):
        shown.rejected.append(article_id)
        shown.reading = None
        talk.step = Step.SUGGESTING
        if shown.remaining():
            _show_list(turn, shown, first=False)
        else:
            await ticket_form.begin(turn, talk.draft)
    else:
        return False
    return True


async def _open(turn: Turn, talk: Conversation, shown: Suggestions, index: int) -> None:
    article = await suggestions.article_opened(
        turn.uow, article_id=shown.article_ids[index], event_id=shown.event_id
    )
    talk.step = Step.READING
    shown.reading = index
    buttons = (
        (
            turn.button("This solved it", Act.ARTICLE_HELPED, shown.event_id, index),
            turn.button("Not helpful", Act.ARTICLE_NOT_HELPED, shown.event_id, index),
        ),
    )
    turn.send(Reply(spans=(bold(article.title),), markdown=article.body, buttons=buttons))


async def abandon(turn: Turn, talk: Conversation) -> None:
    """Leaving a question without a ticket (cancel, a new question, an idle draft): every
    article the person rejected still counts as not helpful."""
    shown = talk.draft.suggestions
    if shown is not None and shown.rejected and talk.step is not Step.IDLE:
        await suggestions.record_outcome(
            turn.uow,
            event_id=shown.event_id,
            outcome=SuggestionOutcome.NOT_HELPED,
            rejected=shown.rejected,
        )
