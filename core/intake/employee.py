"""The employee's side of the private chat: commands, and routing messages and buttons by the
dialogue's current step."""

from __future__ import annotations

from core.domain.conversation import IDLE
from core.errors import InvalidInput
from core.intake import followup, selfhelp, ticket_form
from core.intake.turn import Turn
from core.intake.views import ticket_for_requester, ticket_line
from core.services import invites
from core.settings import SUPPORTED_LANGUAGES

ASKING = "asking"
LANGUAGE_NAMES = {"en": "English", "ru": "Русский"}
EMPLOYEE_COMMANDS = ("start", "help", "language", "cancel", "my", "ticket", "new")


async def command(turn: Turn) -> None:
    name, args = turn.event.command, turn.event.args.strip()
    talk = await turn.conversation()
    if name == "start":
        await selfhelp.abandon(turn, talk)
        talk.reset()
        if args.startswith(invites.INVITE_PREFIX):
            await invites.redeem_invite(turn.uow, token=args, person=turn.person)
            turn.say(
                "Welcome to the support team, {name}! Send /help to see the agent commands.",
                name=turn.person.display_name,
            )
            return
        turn.say("Hello, {name}!", name=turn.person.display_name)
        help_text(turn)
    elif name == "help":
        help_text(turn)
    elif name == "id":
        # What an admin needs for `chatdesk agents add NAME --telegram ID`.
        turn.say(
            "Your {channel} id is {id}.",
            channel=turn.event.channel.capitalize(),
            id=turn.event.user.external_id,
        )
    elif name == "language":
        rows = tuple(
            (turn.button(LANGUAGE_NAMES[code], f"lang:{code}"),) for code in SUPPORTED_LANGUAGES
        )
        turn.say("Choose your language:", buttons=rows)
    elif name == "cancel":
        if talk.state == IDLE:
            turn.say("There is nothing to cancel.")
            return
        await selfhelp.abandon(turn, talk)
        talk.reset()
        turn.say("Cancelled. Write to me any time.")
    elif name == "my":
        mine = await turn.uow.tickets.search(requester_id=turn.person_id, limit=20)
        if not mine:
            turn.say("You have no tickets yet.")
            return
        lines = [ticket_line(turn.language, t) for t in sorted(mine, key=lambda t: -t.number)]
        turn.say("Your tickets:\n{lines}", lines="\n".join(lines))
    elif name == "ticket":
        turn.send(await ticket_for_requester(turn, _number(turn, args)))
    elif name == "new":
        await selfhelp.abandon(turn, talk)
        talk.reset()
        if args:
            await selfhelp.start(turn, args)
        else:
            talk.go(ASKING)
            turn.say("Describe your problem or question in a message.")
    else:
        turn.say("I do not know that command. /help lists what I can do.")


def help_text(turn: Turn) -> None:
    turn.say(
        "Write your question in your own words: I will suggest articles that may help, "
        "and if none does, we will register a ticket together.\n\n"
        "/new — a new request\n/my — your tickets\n/ticket N — one of your tickets\n"
        "/language — change the language\n/cancel — leave the current dialogue\n/help — this help"
    )


def _number(turn: Turn, args: str) -> int:
    value = args.strip().lstrip("#")
    if not value.isdigit():
        raise InvalidInput(turn._("Usage: /ticket N (the ticket number)."))
    return int(value)


async def message(turn: Turn) -> None:
    """Text or files in the private chat, read according to the current step."""
    talk = await turn.conversation()
    text = turn.event.text.strip()
    if talk.state == ticket_form.DETAILS:
        ticket_form.add_details(turn, talk)
    elif talk.state in (
        ticket_form.CATEGORY,
        ticket_form.IMPACT,
        ticket_form.URGENCY,
        ticket_form.SUMMARY,
    ):
        ticket_form.reprompt(turn, talk)
    elif talk.state == followup.RATING_COMMENT and text:
        await followup.rating_comment(turn, talk)
    elif talk.state == ASKING:
        files = [*talk.data.get("files", []), *followup.files_of(turn)]
        if text:
            await selfhelp.start(turn, text, files)
        else:
            talk.go(ASKING, files=files)
            turn.say("Got the file. Now describe the problem in a few words.")
    elif talk.state in (selfhelp.SUGGESTING, selfhelp.READING) and text:
        await selfhelp.abandon(turn, talk)
        await selfhelp.start(turn, text, followup.files_of(turn))
    elif await followup.to_open_ticket(turn, talk):
        return
    elif text:
        await selfhelp.start(turn, text, followup.files_of(turn))
    else:
        talk.go(ASKING, files=followup.files_of(turn))
        turn.say("Got the file. Now describe the problem in a few words.")


async def press(turn: Turn) -> None:
    """A button in the private chat. A button that no longer fits gets a polite toast."""
    action = turn.event.action
    talk = await turn.conversation()
    if action.startswith("lang:") and action[5:] in SUPPORTED_LANGUAGES:
        turn.person.language = turn.language = action[5:]
        turn.say("Language: {name}", name=LANGUAGE_NAMES[turn.language], edit=True)
        return
    if action == "cancel" and talk.state != IDLE:
        await selfhelp.abandon(turn, talk)
        talk.reset()
        turn.say("Cancelled. Write to me any time.", edit=True)
        return
    if action.startswith("kb:"):
        handled = await selfhelp.press(turn, action)
    elif action.split(":")[0] in ("cat", "imp", "urg", "done", "edit", "create"):
        handled = await ticket_form.press(turn, action)
    else:
        handled = await followup.press(turn, action)
    if not handled:
        turn.toast("This button is no longer active.")
