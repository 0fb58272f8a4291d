"""Every chat command, declared once: name, audience, arguments, help line and handler.

Help texts, usage errors and each messenger's command menu are generated from :data:`COMMANDS`;
a channel only decides how a command is typed there (``/claim 1001``, ``/desk claim 1001``).
"""

from __future__ import annotations

from core.domain.enums import Priority, TicketStatus
from core.i18n import N_
from core.intake import agent_commands as agent
from core.intake import employee_commands as employee
from core.intake import selfhelp
from core.intake.commands import Args, Audience, Command, CommandRegistry, Param, ParamKind
from core.intake.turn import Turn
from core.messages import Reply, Span, command_hint
from core.services import invites

EMPLOYEE, AGENT = Audience.EMPLOYEE, Audience.AGENT
TICKET = Param("N", ParamKind.TICKET)
TEXT = Param(N_("text"), ParamKind.TEXT)


async def employee_help(turn: Turn, args: Args) -> None:
    intro = turn._(
        "Write your question in your own words: I will suggest articles that may help, "
        "and if none does, we will register a ticket together."
    )
    turn.send(Reply(spans=(Span(intro + "\n"), *COMMANDS.help_spans(EMPLOYEE, turn.language))))


async def agent_help(turn: Turn, args: Args) -> None:
    spans = COMMANDS.help_spans(AGENT, turn.language)
    turn.send(Reply(spans=(Span(turn._("Agent commands:")), *spans)))


async def start(turn: Turn, args: Args) -> None:
    """The first contact (and an invite: ``start agent-<token>``)."""
    talk = await turn.conversation()
    await selfhelp.abandon(turn, talk)
    talk.reset()
    if args.text.startswith(invites.INVITE_PREFIX):
        await invites.redeem_invite(turn.uow, token=args.text, person=turn.person)
        turn.say(
            "Welcome to the support team, {name}! Send {help} to see the agent commands.",
            name=turn.person.display_name,
            help=command_hint("help"),
        )
        return
    turn.say("Hello, {name}!", name=turn.person.display_name)
    await employee_help(turn, args)


STATUSES = tuple(s.value for s in TicketStatus if s is not TicketStatus.NEW)
PRIORITIES = tuple(p.value for p in Priority)

COMMANDS = CommandRegistry(
    [
        Command("start", EMPLOYEE, N_("Start"), start, (Param("", ParamKind.TEXT, True),), False),
        Command(
            "new",
            EMPLOYEE,
            N_("Start a new request"),
            employee.new_request,
            (Param(N_("text"), ParamKind.TEXT, True),),
        ),
        Command("my", EMPLOYEE, N_("Your tickets"), employee.my_tickets),
        Command("ticket", EMPLOYEE, N_("Show one of your tickets"), employee.ticket, (TICKET,)),
        Command("language", EMPLOYEE, N_("Change the language"), employee.language),
        Command("cancel", EMPLOYEE, N_("Leave the current dialogue"), employee.cancel),
        Command(
            "link",
            EMPLOYEE,
            N_("Link your accounts in two messengers (alone: get a code)"),
            employee.link,
            (Param(N_("code"), ParamKind.TEXT, optional=True),),
        ),
        Command("help", EMPLOYEE, N_("What the bot can do"), employee_help),
        Command("id", EMPLOYEE, N_("Your id on this messenger"), employee.user_id, in_menu=False),
        Command("queue", AGENT, N_("Unassigned tickets, most urgent first"), agent.queue),
        Command("mine", AGENT, N_("Tickets assigned to you"), agent.mine),
        Command(
            "report",
            AGENT,
            N_("Last week's summary picture"),
            agent.report,
            (Param("week", ParamKind.WORD, choices=("week",)),),
        ),
        Command("claim", AGENT, N_("Take a ticket"), agent.claim, (TICKET,)),
        Command(
            "assign",
            AGENT,
            N_("Give a ticket to an agent"),
            agent.assign,
            (TICKET, Param("@username", ParamKind.WORD)),
        ),
        Command("reply", AGENT, N_("Answer the requester"), agent.reply, (TICKET, TEXT)),
        Command("note", AGENT, N_("Internal note"), agent.note, (TICKET, TEXT)),
        Command(
            "status",
            AGENT,
            N_("Change the status"),
            agent.status,
            (TICKET, Param("", ParamKind.WORD, choices=STATUSES)),
        ),
        Command(
            "priority",
            AGENT,
            N_("Change the priority"),
            agent.priority,
            (TICKET, Param("", ParamKind.WORD, choices=PRIORITIES)),
        ),
        Command(
            "resolve",
            AGENT,
            N_("Resolve, with an optional resolution"),
            agent.resolve,
            (TICKET, Param(N_("resolution"), ParamKind.TEXT, optional=True)),
        ),
        Command("reopen", AGENT, N_("Reopen a resolved ticket"), agent.reopen, (TICKET,)),
        Command("ticket", AGENT, N_("Details and latest messages"), agent.ticket, (TICKET,)),
        Command(
            "canned",
            AGENT,
            N_("Send a canned reply (alone: list them)"),
            agent.canned,
            (Param(N_("name"), ParamKind.WORD, optional=True), Param("N", ParamKind.TICKET, True)),
        ),
        Command(
            "kb",
            AGENT,
            N_("Search the knowledge base"),
            agent.kb,
            (Param(N_("question"), ParamKind.TEXT),),
        ),
        Command(
            "send",
            AGENT,
            N_("Send the requester a knowledge-base article"),
            agent.send,
            (TICKET, Param(N_("article"), ParamKind.WORD)),
        ),
        Command(
            "away",
            AGENT,
            N_("Away: no new tickets; unstarted ones are handed back"),
            agent.away,
        ),
        Command("back", AGENT, N_("Back: new tickets can be assigned to you again"), agent.back),
        Command("help", AGENT, N_("Agent commands"), agent_help),
    ]
)
