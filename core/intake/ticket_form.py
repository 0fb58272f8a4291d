"""Intake: category, who is affected, how urgent, details and files, summary, create."""

from __future__ import annotations

from typing import Any

from core.domain.conversation import Conversation
from core.domain.enums import Level
from core.domain.knowledge import SuggestionOutcome
from core.domain.priority import priority_for
from core.i18n import gettext
from core.intake.texts import N_
from core.intake.turn import Turn
from core.messages import Attachment, Reply, Span, bold
from core.services import suggestions, tickets
from core.services.context import TITLE_MAX

CATEGORY, IMPACT, URGENCY, DETAILS, SUMMARY = "category", "impact", "urgency", "details", "summary"
STATES = (CATEGORY, IMPACT, URGENCY, DETAILS, SUMMARY)
IMPACTS = {1: N_("Just me"), 2: N_("My team"), 3: N_("Many people or the whole office")}
URGENCIES = {1: N_("It can wait"), 2: N_("Today, please"), 3: N_("I cannot work")}


async def begin(
    turn: Turn,
    *,
    question: str,
    event_id: int | None,
    shown: list[str] | None = None,
    rejected: list[str] | None = None,
    files: list[list[Any]] | None = None,
) -> None:
    talk = await turn.conversation()
    talk.go(
        CATEGORY,
        q=question,
        ev=event_id,
        shown=shown or [],
        rej=rejected or [],
        files=files or [],
        det=[],
    )
    await _ask_category(turn, talk)


async def _ask_category(turn: Turn, talk: Conversation) -> None:
    categories = await turn.uow.catalog.categories()
    if not categories:
        talk.data["cat"] = None
        _ask_impact(turn, talk)
        return
    talk.state = CATEGORY
    rows = [(turn.button(c.label(turn.language), f"cat:{c.slug}"),) for c in categories]
    rows.append((turn.button("Cancel", "cancel"),))
    turn.say("Let's register a ticket. What is it about?", buttons=tuple(rows))


def _ask_impact(turn: Turn, talk: Conversation) -> None:
    talk.state = IMPACT
    rows = [(turn.button(label, f"imp:{level}"),) for level, label in IMPACTS.items()]
    turn.say("Who is affected?", buttons=(*rows, (turn.button("Cancel", "cancel"),)))


def _ask_urgency(turn: Turn, talk: Conversation) -> None:
    talk.state = URGENCY
    rows = [(turn.button(label, f"urg:{level}"),) for level, label in URGENCIES.items()]
    turn.say("How urgent is it?", buttons=(*rows, (turn.button("Cancel", "cancel"),)))


def _ask_details(turn: Turn, talk: Conversation) -> None:
    talk.state = DETAILS
    turn.say(
        "Add any details, screenshots or files that may help, then press Done.",
        buttons=((turn.button("Done", "done"), turn.button("Cancel", "cancel")),),
    )


def reprompt(turn: Turn, talk: Conversation) -> None:
    """The person typed where a button was expected: ask the same question again."""
    turn.say("Please choose one of the buttons above, or /cancel.")


async def press(turn: Turn, action: str) -> bool:
    """Handle an intake button; False when it does not fit the current step."""
    talk = await turn.conversation()
    verb, _, value = action.partition(":")
    if verb == "cat" and talk.state == CATEGORY:
        category = await turn.uow.catalog.category(value)
        if category is None or not category.is_active:
            return False
        talk.data["cat"] = value
        _ask_impact(turn, talk)
    elif verb == "imp" and talk.state == IMPACT and value.isdigit() and int(value) in IMPACTS:
        talk.data["imp"] = int(value)
        _ask_urgency(turn, talk)
    elif verb == "urg" and talk.state == URGENCY and value.isdigit() and int(value) in URGENCIES:
        talk.data["urg"] = int(value)
        _ask_details(turn, talk)
    elif action == "done" and talk.state == DETAILS:
        await _show_summary(turn, talk)
    elif action == "edit" and talk.state == SUMMARY:
        await _ask_category(turn, talk)
    elif action == "create" and talk.state == SUMMARY:
        await _create(turn, talk)
    else:
        return False
    return True


def add_details(turn: Turn, talk: Conversation) -> None:
    """Text and files sent during the details step are gathered for the ticket."""
    text = turn.event.text.strip()
    if text:
        talk.data["det"] = [*talk.data["det"], text]
    files = [[a.channel, a.file_ref, a.name, a.mime_type, a.size] for a in turn.event.attachments]
    talk.data["files"] = [*talk.data["files"], *files]
    turn.say(
        "File added ({count} so far). Add more or press Done."
        if files
        else "Added. Add more or press Done.",
        count=len(talk.data["files"]),
        buttons=((turn.button("Done", "done"), turn.button("Cancel", "cancel")),),
    )


async def _show_summary(turn: Turn, talk: Conversation) -> None:
    talk.state = SUMMARY
    data = talk.data
    category = await turn.uow.catalog.category(data["cat"]) if data.get("cat") else None
    lines = [
        turn._("Category: {name}", name=category.label(turn.language) if category else "—"),
        turn._("Affected: {value}", value=turn._(IMPACTS[data["imp"]])),
        turn._("Urgency: {value}", value=turn._(URGENCIES[data["urg"]])),
    ]
    if data["det"]:
        lines.append(turn._("Details: {text}", text="\n".join(data["det"])))
    if data["files"]:
        lines.append(turn._("Files: {count}", count=len(data["files"])))
    spans = (
        Span(turn._("Please check your request:") + "\n"),
        bold(_title(data["q"])),
        Span("\n" + "\n".join(lines)),
    )
    buttons = (
        (turn.button("Create", "create"), turn.button("Edit", "edit")),
        (turn.button("Cancel", "cancel"),),
    )
    turn.send(Reply(spans=spans, buttons=buttons))


async def _create(turn: Turn, talk: Conversation) -> None:
    data = talk.data
    request = tickets.NewTicket(
        title=_title(data["q"]),
        description=_description(turn, data),
        category=data.get("cat"),
        impact=Level(data["imp"]),
        urgency=Level(data["urg"]),
        conversation_ref=turn.event.chat_ref,
        attachments=tuple(Attachment(*item) for item in data["files"]),
    )
    ticket = await tickets.open_ticket(turn.uow, actor=turn.actor, request=request, announce=False)
    if data.get("ev") is not None:
        if data["rej"]:
            await suggestions.record_outcome(
                turn.uow,
                event_id=data["ev"],
                outcome=SuggestionOutcome.NOT_HELPED,
                article_id=data["rej"][0],
            )
        await suggestions.record_outcome(
            turn.uow, event_id=data["ev"], outcome=SuggestionOutcome.ESCALATED, ticket_id=ticket.id
        )
    talk.reset()
    turn.say(
        "Your request is registered as ticket #{number} (priority {priority}). "
        "We will write to you here; you can add to it by simply replying.",
        number=ticket.number,
        priority=priority_for(Level(data["imp"]), Level(data["urg"])).value,
    )


def _title(question: str) -> str:
    first = next((line.strip() for line in question.splitlines() if line.strip()), question.strip())
    return first if len(first) <= TITLE_MAX else first[: TITLE_MAX - 1].rstrip() + "…"


def _description(turn: Turn, data: dict[str, Any]) -> str:
    desk = turn.config.default_language
    parts = [data["q"].strip(), *data["det"]]
    if data["shown"]:
        parts.append(
            gettext(
                desk,
                "Suggested articles that did not help: {titles}",
                titles="; ".join(data["shown"]),
            )
        )
    return "\n\n".join(p for p in parts if p)
