"""Intake: category, who is affected, how urgent, details and files, summary, create."""

from __future__ import annotations

from core.button_data import Act, Pressed, button
from core.domain.conversation import Conversation, Draft, Step
from core.domain.entities import Category
from core.domain.enums import Level
from core.domain.knowledge import SuggestionOutcome
from core.domain.priority import PRIORITY_WORDS
from core.i18n import N_, gettext
from core.intake import long_text
from core.intake.turn import Buttons, Turn
from core.messages import Button, Reply, Span, bold
from core.services import categories, suggestions, ticket_text, tickets
from core.services.context import TITLE_MAX, name_of
from core.services.ticket_routing import StopListed

IMPACTS = {1: N_("Just me"), 2: N_("My team"), 3: N_("Many people or the whole office")}
URGENCIES = {1: N_("It can wait"), 2: N_("Today, please"), 3: N_("I cannot work")}


async def begin(turn: Turn, draft: Draft) -> None:
    """Start the intake for the draft's question (carrying its suggestions and files)."""
    talk = await turn.conversation()
    talk.go(Step.CATEGORY, draft)
    await _ask_category(turn, talk)


async def _ask_category(
    turn: Turn,
    talk: Conversation,
    *,
    under: int | None = None,
    active: list[Category] | None = None,
) -> None:
    """Offer the categories under ``under`` (the top ones for None) as buttons, with "Not sure";
    go on to the next question when there are none (a leaf was chosen, or none exist).
    ``active``: the active categories, when this turn has read them already."""
    talk.draft.category_id = under
    if active is None:
        active = await turn.uow.catalog.categories()
    options = categories.choices(active, under)
    if not options:
        _ask_impact(turn, talk)
        return
    talk.step = Step.CATEGORY
    rows: list[tuple[Button, ...]] = [
        (button(c.label(turn.language), Act.CATEGORY, _id(c.id)),) for c in options
    ]
    rows.append((turn.button("Not sure", Act.CATEGORY), turn.button("Cancel", Act.CANCEL)))
    turn.say(
        "Let's register a ticket. What is it about?"
        if under is None
        else "Which of these, more exactly?",
        buttons=tuple(rows),
    )


def _ask_impact(turn: Turn, talk: Conversation) -> None:
    talk.step = Step.IMPACT
    rows = [(turn.button(label, Act.IMPACT, level),) for level, label in IMPACTS.items()]
    turn.say("Who is affected?", buttons=(*rows, (turn.button("Cancel", Act.CANCEL),)))


def _ask_urgency(turn: Turn, talk: Conversation) -> None:
    talk.step = Step.URGENCY
    rows = [(turn.button(label, Act.URGENCY, level),) for level, label in URGENCIES.items()]
    turn.say("How urgent is it?", buttons=(*rows, (turn.button("Cancel", Act.CANCEL),)))


def _done_or_cancel(turn: Turn) -> Buttons:
    return ((turn.button("Done", Act.DONE), turn.button("Cancel", Act.CANCEL)),)


def _ask_details(turn: Turn, talk: Conversation) -> None:
    talk.step = Step.DETAILS
    turn.say(
        "Add any details, screenshots or files that may help, then press Done.",
        buttons=_done_or_cancel(turn),
    )


async def ask_again(turn: Turn, talk: Conversation) -> None:
    """Ask the question of the step the draft stands at (after "continue the draft")."""
    if talk.step is Step.CATEGORY:
        await _ask_category(turn, talk, under=talk.draft.category_id)
    elif talk.step is Step.IMPACT:
        _ask_impact(turn, talk)
    elif talk.step is Step.URGENCY:
        _ask_urgency(turn, talk)
    elif talk.step is Step.DETAILS:
        _ask_details(turn, talk)
    else:
        await _show_summary(turn, talk)


def reprompt(turn: Turn, talk: Conversation) -> None:
    """The person typed where a button was expected: ask the same question again."""
    turn.say("Please choose one of the buttons above, or press Cancel.")


async def press(turn: Turn, pressed: Pressed) -> bool:
    """An intake button; False when it does not fit the current step."""
    talk = await turn.conversation()
    act, step, draft = pressed.act, talk.step, talk.draft
    if act is Act.CATEGORY and step is Step.CATEGORY:
        if not pressed.args:  # "not sure": the level above (or none) stands; the desk sorts it out
            _ask_impact(turn, talk)
            return True
        active = await turn.uow.catalog.categories()
        category = next((c for c in active if c.id == pressed.number()), None)
        if category is None or category.parent_id != draft.category_id:
            return False  # archived meanwhile, or a button from another level
        await _ask_category(turn, talk, under=category.id, active=active)
    elif act is Act.IMPACT and step is Step.IMPACT and pressed.number() in IMPACTS:
        draft.impact = pressed.number()
        _ask_urgency(turn, talk)
    elif act is Act.URGENCY and step is Step.URGENCY and pressed.number() in URGENCIES:
        draft.urgency = pressed.number()
        _ask_details(turn, talk)
    elif act is Act.DONE and step is Step.DETAILS:
        await _show_summary(turn, talk)
    elif act is Act.EDIT and step is Step.SUMMARY:
        await _ask_category(turn, talk)
    elif act is Act.CREATE and step is Step.SUMMARY:
        await create(turn, draft, talk=talk)
    else:
        return False
    return True


async def add_details(turn: Turn, talk: Conversation) -> None:
    """Text and files sent during the details step are gathered for the ticket. Text too long
    for the description goes to the draft's pasted-text file; files beyond what a ticket
    takes are refused (the draft keeps the others)."""
    draft, text, files = talk.draft, turn.event.text.strip(), list(turn.event.attachments)
    pasting = bool(text) and not long_text.details_fit(draft.details, text)
    new_file = pasting and not any(long_text.is_pasted(f) for f in draft.files)
    if len(draft.files) + len(files) + new_file > tickets.MAX_ATTACHMENTS:
        turn.say(
            "A request can carry up to {limit} files, so this one was not added. "
            "Press Done, or share a link to the rest instead.",
            limit=tickets.MAX_ATTACHMENTS,
            buttons=_done_or_cancel(turn),
        )
        return
    draft.files += files
    if pasting:
        file = await long_text.keep_as_file(turn, draft.files, text)
        turn.say(
            "That is a long text, so I attached it to your request as the file {name} "
            "({size} KB so far). Add more or press Done.",
            name=file.name,
            size=long_text.kilobytes(file),
            buttons=_done_or_cancel(turn),
        )
        return
    if text:
        draft.details.append(text)
    turn.say(
        "File added ({count} so far). Add more or press Done."
        if files
        else "Added. Add more or press Done.",
        count=len(draft.files),
        buttons=_done_or_cancel(turn),
    )


async def _show_summary(turn: Turn, talk: Conversation) -> None:
    talk.step = Step.SUMMARY
    draft = talk.draft
    category = (
        await turn.uow.catalog.category_by_id(draft.category_id) if draft.category_id else None
    )
    lines = [
        turn._("Category: {name}", name=category.label(turn.language) if category else "—"),
        turn._("Affected: {value}", value=turn._(IMPACTS[draft.impact or 2])),
        turn._("Urgency: {value}", value=turn._(URGENCIES[draft.urgency or 2])),
    ]
    if draft.details:
        lines.append(turn._("Details: {text}", text="\n".join(draft.details)))
    if draft.files:
        lines.append(turn._("Files: {count}", count=len(draft.files)))
    spans = (
        Span(turn._("Please check your request:") + "\n"),
        bold(title_of(draft.question)),
        Span("\n" + "\n".join(lines)),
    )
    buttons = (
        (turn.button("Create", Act.CREATE), turn.button("Edit", Act.EDIT)),
        (turn.button("Cancel", Act.CANCEL),),
    )
    turn.send(Reply(spans=spans, buttons=buttons))


async def create(turn: Turn, draft: Draft, *, talk: Conversation | None) -> None:
    """Open the ticket ``draft`` describes (the title is its question's first line), record
    the suggestions it answers as escalated, and confirm in this chat. ``talk``, the
    conversation the draft belongs to, starts afresh once the ticket exists (or is refused)."""
    impact, urgency = Level(draft.impact or 2), Level(draft.urgency or 2)
    category = (
        await turn.uow.catalog.category_by_id(draft.category_id) if draft.category_id else None
    )
    request = tickets.NewTicket(
        title=title_of(draft.question),
        description=_description(turn, draft),
        category=category.slug if category and category.is_active else None,
        impact=impact,
        urgency=urgency,
        conversation_ref=turn.event.chat_ref,
        attachments=tuple(draft.files),
    )
    try:
        ticket = await tickets.open_ticket(
            turn.uow, actor=turn.actor, request=request, announce=False
        )
    except StopListed as refused:
        if talk is not None:
            talk.reset()
        turn.send(Reply(spans=refused.spans(turn.language)))
        return
    shown = draft.suggestions
    if shown is not None:
        await suggestions.record_outcome(
            turn.uow,
            event_id=shown.event_id,
            outcome=SuggestionOutcome.ESCALATED,
            ticket_id=ticket.id,
            rejected=shown.rejected,
        )
    if talk is not None:
        talk.reset()
    turn.say(
        "Your request is registered as ticket #{number} (priority: {priority}). "
        "We will write to you here; you can add to it by simply replying.",
        number=ticket.number,
        priority=turn._(PRIORITY_WORDS[ticket.priority]),
    )
    if ticket.assignee_id is not None:
        turn.say(
            "{agent} is now working on your ticket {ticket}.",
            agent=await name_of(turn.uow, ticket.assignee_id),
            ticket=f"#{ticket.number}",
        )


def title_of(question: str) -> str:
    first = next((line.strip() for line in question.splitlines() if line.strip()), question.strip())
    return first if len(first) <= TITLE_MAX else first[: TITLE_MAX - 1].rstrip() + "…"


def _description(turn: Turn, draft: Draft) -> str:
    desk = turn.config.default_language
    kept = [
        gettext(
            desk,
            "Long text kept as the attachment {name} ({size} KB).",
            name=file.name,
            size=long_text.kilobytes(file),
        )
        for file in draft.files
        if long_text.is_pasted(file)
    ]
    tried = draft.suggestions.titles if draft.suggestions else []
    return ticket_text.compose(draft.question, [*draft.details, *kept], tried, desk)


def _id(value: int | None) -> int:
    assert value is not None
    return value
