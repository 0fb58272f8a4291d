"""The new-request form: what the turn-by-turn intake asks (summary, details, who is affected,
how urgent, category), filled in at once — Slack's modal.

:func:`prepare` gives a channel the form's texts, choices and starting values (taken from the
conversation when the form answers its suggestions); :func:`problems` says field by field what
to correct before anything is written; :func:`submit` opens the ticket through the same
:func:`core.intake.ticket_form.create` the turn-by-turn intake ends with.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.domain.conversation import Conversation, Draft, Step
from core.domain.entities import Category
from core.errors import InvalidInput
from core.i18n import N_, gettext
from core.intake import long_text, ticket_form
from core.intake.forms import Field, RequestForm
from core.intake.turn import Turn
from core.ports import UnitOfWork
from core.services import categories as category_service
from core.services.context import TITLE_MAX

LABELS = {
    Field.SUMMARY: N_("Summary"),
    Field.DETAILS: N_("Details"),
    Field.IMPACT: N_("Who is affected?"),
    Field.URGENCY: N_("How urgent is it?"),
    Field.CATEGORY: N_("What is it about?"),
}
TITLE = N_("New request")
SUBMIT = N_("Create")
CLOSE = N_("Cancel")
FILES_NOTE = N_("Files from our conversation will be attached: {count}.")
PATH_SEPARATOR = " › "


@dataclass(frozen=True, slots=True)
class Choice:
    value: int
    label: str


@dataclass(frozen=True, slots=True)
class FormSetup:
    """Everything a channel needs to show the form, in the person's ``language``."""

    language: str
    form: RequestForm  # the starting values
    labels: dict[Field, str]
    impacts: tuple[Choice, ...]
    urgencies: tuple[Choice, ...]
    categories: tuple[Choice, ...]  # every active category, in tree order, with its path
    files: int  # files in the conversation's draft that the ticket will carry

    def text(self, message: str, **values: object) -> str:
        return gettext(self.language, message, **values)


async def prepare(
    uow: UnitOfWork,
    *,
    channel: str,
    external_id: str,
    chat_ref: str | None,
    suggestions_event: int | None,
    default_language: str,
) -> FormSetup:
    """The form for this person. When it answers the suggestions the conversation in
    ``chat_ref`` is showing, it starts from that question (and will carry its files)."""
    person = await uow.people.by_identity(channel, external_id)
    language = person.language if person is not None else default_language
    form, files = RequestForm(), 0
    if chat_ref is not None and suggestions_event is not None:
        talk = await uow.conversations.get(channel, chat_ref)
        if talk is not None and _answers(talk, suggestions_event):
            form = _from_question(talk.draft, suggestions_event)
            files = len(talk.draft.files)
    everything = await uow.catalog.categories()
    return FormSetup(
        language=language,
        form=form,
        labels={name: gettext(language, label) for name, label in LABELS.items()},
        impacts=_levels(ticket_form.IMPACTS, language),
        urgencies=_levels(ticket_form.URGENCIES, language),
        categories=_category_choices(everything, language),
        files=files,
    )


def problems(form: RequestForm, language: str) -> dict[Field, str]:
    """What to correct, by field (empty when the form can be submitted)."""
    found: dict[Field, str] = {}
    summary = form.summary.strip()
    if not summary:
        found[Field.SUMMARY] = N_("Please describe the problem in a few words.")
    elif len(summary) > TITLE_MAX or "\n" in summary:
        found[Field.SUMMARY] = N_(
            "Please keep the summary to one line of up to {limit} characters; "
            "the rest belongs in the details."
        )
    if len(form.details.strip()) > long_text.DETAILS_MAX:
        found[Field.DETAILS] = N_(
            "The details are too long (at most {limit} characters). "
            "Please shorten them; you can send long texts as a file in our chat."
        )
    if form.impact not in ticket_form.IMPACTS:
        found[Field.IMPACT] = N_("Please choose who is affected.")
    if form.urgency not in ticket_form.URGENCIES:
        found[Field.URGENCY] = N_("Please choose how urgent it is.")
    limits = {Field.SUMMARY: TITLE_MAX, Field.DETAILS: long_text.DETAILS_MAX}
    return {
        name: gettext(language, message, limit=limits.get(name, 0))
        for name, message in found.items()
    }


async def submit(turn: Turn, form: RequestForm) -> None:
    """Open the ticket the form describes. When the form answers the conversation's
    suggestions, the ticket carries the conversation's files and the articles tried, and the
    conversation starts afresh; otherwise the conversation is left as it is."""
    wrong = problems(form, turn.language)
    if wrong:
        raise InvalidInput(next(iter(wrong.values())))  # the channel checks first; never trusted
    talk = await turn.conversation()
    answers = form.suggestions_event is not None and _answers(talk, form.suggestions_event)
    shown = talk.draft.suggestions if answers else None
    if shown is not None:
        # As with "None of these": every article still on the list was seen and not chosen.
        shown.rejected += [shown.article_ids[i] for i, _ in shown.remaining()]
    draft = Draft(
        question=form.summary.strip(),
        details=[form.details.strip()] if form.details.strip() else [],
        files=list(talk.draft.files) if answers else [],
        suggestions=shown,
        category_id=form.category_id,
        impact=form.impact,
        urgency=form.urgency,
    )
    await ticket_form.create(turn, draft, talk=talk if answers else None)


def _answers(talk: Conversation, suggestions_event: int) -> bool:
    shown = talk.draft.suggestions
    return (
        (talk.step in (Step.SUGGESTING, Step.READING) or talk.step.is_intake)
        and shown is not None
        and shown.event_id == suggestions_event
    )


def _from_question(draft: Draft, suggestions_event: int) -> RequestForm:
    """The question's first line as the summary, the rest as the details."""
    question = draft.question.strip()
    summary = ticket_form.title_of(question)
    first, _, rest = question.partition("\n")
    details = rest.strip() if summary == first.strip() else question
    return RequestForm(
        summary=summary,
        details=details,
        impact=draft.impact,
        urgency=draft.urgency,
        category_id=draft.category_id,
        suggestions_event=suggestions_event,
    )


def _levels(levels: dict[int, str], language: str) -> tuple[Choice, ...]:
    return tuple(Choice(level, gettext(language, label)) for level, label in levels.items())


def _category_choices(everything: list[Category], language: str) -> tuple[Choice, ...]:
    active = [c for c in everything if c.is_active]
    by_id = {c.id: c for c in active}
    out: list[Choice] = []
    for node in category_service.tree(active):
        path: list[str] = []
        current: Category | None = node.category
        while current is not None:
            path.append(current.label(language))
            current = by_id.get(current.parent_id) if current.parent_id is not None else None
        assert node.category.id is not None
        out.append(Choice(node.category.id, PATH_SEPARATOR.join(reversed(path))))
    return tuple(out)
