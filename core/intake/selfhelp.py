"""Self-help first: suggest articles for a question, open one, learn whether it helped."""

from __future__ import annotations

from core.domain.conversation import Conversation
from core.domain.knowledge import SuggestionOutcome
from core.intake import ticket_form
from core.intake.turn import Turn
from core.messages import Button, Reply, bold
from core.services import suggestions

SUGGESTING = "suggesting"
READING = "reading"


async def start(turn: Turn, question: str, files: list[list[object]] | None = None) -> None:
    """Suggest articles for ``question``; with none confident enough, go straight to intake."""
    result = await suggestions.suggest(
        turn.uow, turn.kb, question=question, channel=turn.event.channel, person_id=turn.person_id
    )
    talk = await turn.conversation()
    if not result.items:
        await ticket_form.begin(turn, question=question, event_id=result.event_id, files=files)
        return
    talk.go(
        SUGGESTING,
        q=question,
        ev=result.event_id,
        ids=[s.article.id for s in result.items],
        titles=[s.article.title for s in result.items],
        rej=[],
        files=files or [],
    )
    _show_list(turn, talk, first=True)


def _show_list(turn: Turn, talk: Conversation, *, first: bool) -> None:
    ev = talk.data["ev"]
    rows = [
        (Button(title, f"kb:o:{ev}:{i}"),)
        for i, (article_id, title) in enumerate(
            zip(talk.data["ids"], talk.data["titles"], strict=True)
        )
        if article_id not in talk.data["rej"]
    ]
    rows.append((turn.button("None of these — create a ticket", f"kb:t:{ev}"),))
    rows.append((turn.button("Cancel", "cancel"),))
    turn.say(
        "These articles may help:" if first else "Perhaps one of these, then:",
        buttons=tuple(rows),
    )


async def press(turn: Turn, action: str) -> bool:
    """Handle a ``kb:`` button; False when it does not belong to the current suggestions."""
    talk = await turn.conversation()
    parts = action.split(":")
    if talk.state not in (SUGGESTING, READING) or len(parts) < 3:
        return False
    if parts[2] != str(talk.data["ev"]):
        return False
    verb = parts[1]
    if verb == "t":
        await _to_ticket(turn, talk)
        return True
    if len(parts) != 4 or not parts[3].isdigit() or int(parts[3]) >= len(talk.data["ids"]):
        return False
    index = int(parts[3])
    article_id: str = talk.data["ids"][index]
    if verb == "o":
        await _open(turn, talk, index, article_id)
    elif verb == "y" and talk.state == READING and talk.data.get("at") == index:
        await suggestions.record_outcome(
            turn.uow,
            event_id=talk.data["ev"],
            outcome=SuggestionOutcome.HELPED,
            article_id=article_id,
            learn_after=turn.kb.learn_after,
        )
        talk.reset()
        turn.say("Glad it helped! Write to me any time you need something else.")
    elif verb == "n" and talk.state == READING and talk.data.get("at") == index:
        talk.data["rej"] = [*talk.data["rej"], article_id]
        talk.state = SUGGESTING
        if len(talk.data["rej"]) < len(talk.data["ids"]):
            _show_list(turn, talk, first=False)
        else:
            await _to_ticket(turn, talk)
    else:
        return False
    return True


async def _open(turn: Turn, talk: Conversation, index: int, article_id: str) -> None:
    article = await suggestions.article_opened(
        turn.uow, article_id=article_id, event_id=talk.data["ev"]
    )
    talk.state = READING
    talk.data["at"] = index
    ev = talk.data["ev"]
    buttons = (
        (
            turn.button("This solved it", f"kb:y:{ev}:{index}"),
            turn.button("Not helpful", f"kb:n:{ev}:{index}"),
        ),
    )
    turn.send(Reply(spans=(bold(article.title),), markdown=article.body, buttons=buttons))


async def _to_ticket(turn: Turn, talk: Conversation) -> None:
    data = talk.data
    await ticket_form.begin(
        turn,
        question=data["q"],
        event_id=data["ev"],
        shown=list(data["titles"]),
        rejected=list(data["rej"]),
        files=data.get("files") or [],
    )


async def abandon(turn: Turn, talk: Conversation) -> None:
    """Leaving suggestions without a ticket: articles explicitly rejected still count."""
    if talk.state in (SUGGESTING, READING) and talk.data.get("rej"):
        await suggestions.record_outcome(
            turn.uow,
            event_id=talk.data["ev"],
            outcome=SuggestionOutcome.NOT_HELPED,
            article_id=talk.data["rej"][0],
        )
