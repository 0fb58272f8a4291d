"""What the employees' commands do in a private chat with the bot. Each is declared (name,
arguments, help line) in :mod:`core.intake.desk_commands`."""

from __future__ import annotations

from core.button_data import Act
from core.domain.conversation import Step
from core.intake import selfhelp
from core.intake.commands import Args
from core.intake.turn import Turn
from core.intake.views import ticket_for_requester, ticket_line
from core.messages import Reply, bold, command_hint
from core.services import link_codes
from core.settings import LANGUAGE_NAMES, SUPPORTED_LANGUAGES

MY_TICKETS_LIMIT = 20


async def user_id(turn: Turn, args: Args) -> None:
    # What an admin needs for `chatdesk agents add NAME --<channel> ID`.
    turn.say(
        "Your {channel} id is {id}.",
        channel=turn.event.channel.capitalize(),
        id=turn.event.user.external_id,
    )


async def language(turn: Turn, args: Args) -> None:
    rows = tuple(
        (turn.button(LANGUAGE_NAMES[code], Act.LANGUAGE, code),) for code in SUPPORTED_LANGUAGES
    )
    turn.say("Choose your language:", buttons=rows)


async def cancel(turn: Turn, args: Args) -> None:
    talk = await turn.conversation()
    if talk.step is Step.IDLE:
        turn.say("There is nothing to cancel.")
        return
    await selfhelp.abandon(turn, talk)
    talk.reset()
    turn.say("Cancelled. Write to me any time.")


async def my_tickets(turn: Turn, args: Args) -> None:
    mine = await turn.uow.tickets.search(requester_id=turn.person_id, limit=MY_TICKETS_LIMIT)
    if not mine:
        turn.say("You have no tickets yet.")
        return
    lines = [ticket_line(turn.language, t) for t in sorted(mine, key=lambda t: -t.number)]
    turn.say("Your tickets:\n{lines}", lines="\n".join(lines))


async def ticket(turn: Turn, args: Args) -> None:
    turn.send(await ticket_for_requester(turn, args.ticket))


async def new_request(turn: Turn, args: Args) -> None:
    talk = await turn.conversation()
    await selfhelp.abandon(turn, talk)
    talk.reset()
    if args.text:
        await selfhelp.start(turn, args.text)
    else:
        talk.go(Step.ASKING)
        turn.say("Describe your problem or question in a message.")


async def link(turn: Turn, args: Args) -> None:
    """Alone: a code for linking this account; with a code from another messenger: link."""
    user = turn.event.user
    if not args.text:
        code = await link_codes.issue(
            turn.uow, channel=turn.event.channel, external_id=user.external_id
        )
        turn.say(
            "Your linking code is {code}. Within {minutes} minutes, send it to me from your other "
            "messenger with the link command (here that would be {hint}). Your tickets in both "
            "messengers then become one list.",
            code=bold(code),
            minutes=int(link_codes.LIFETIME.total_seconds() // 60),
            hint=command_hint(f"link {code}"),
        )
        return
    try:
        turn.person, joined = await link_codes.redeem(
            turn.uow, typed=args.text, person=turn.person, channel=turn.event.channel
        )
    except link_codes.WrongCode as wrong:
        # Answered, not raised: a refusal would roll back the count of wrong codes.
        turn.send(Reply(spans=wrong.spans(turn.language)))
        return
    if not joined:
        turn.say("These accounts are linked already.")
        return
    turn.say(
        "Done: your accounts are linked. {my} now lists your tickets from both messengers; news "
        "about a ticket comes where you asked for it.",
        my=command_hint("my"),
    )
