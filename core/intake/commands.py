"""The command registry: each command is declared once (name, audience, arguments, help line,
handler), and help texts, usage errors, routing and every messenger's command menu come from
that one declaration. The commands themselves are in :mod:`core.intake.desk_commands`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from enum import Enum, StrEnum

from core.domain.numbers import looks_like_a_number, parse_ticket_number
from core.errors import InvalidInput, NotFound, PermissionDenied
from core.i18n import gettext
from core.intake.turn import Turn
from core.messages import Span, command_hint


class Audience(StrEnum):
    EMPLOYEE = "employee"  # anyone, in a private chat with the bot
    AGENT = "agent"  # the support team, in their rooms or in a private chat


class ParamKind(Enum):
    TICKET = "a ticket number"
    WORD = "one word"
    TEXT = "the rest of the line"


@dataclass(frozen=True, slots=True)
class Param:
    """One argument. ``label`` is how usage shows it: a message id ("text") or a literal
    ("N", "P1|P2|P3|P4")."""

    label: str
    kind: ParamKind
    optional: bool = False
    choices: tuple[str, ...] = ()  # a WORD must be one of these (any case); usage lists them

    def shown(self, language: str | None) -> str:
        label = "|".join(self.choices) if self.choices else gettext(language, self.label)
        return f"[{label}]" if self.optional else label


@dataclass(frozen=True, slots=True)
class Args:
    """A command's parsed arguments: the ticket number, one word and the rest of the line."""

    ticket: int = 0
    word: str = ""
    text: str = ""


Handler = Callable[[Turn, Args], Awaitable[None]]


class MissingArgs(Exception):
    """Raised by a handler whose optional arguments only make sense together (``canned``
    alone lists, ``canned NAME N`` sends): answered with the command's usage line."""


@dataclass(frozen=True, slots=True)
class Command:
    name: str  # lower-case ASCII, as typed after the channel's command syntax
    audience: Audience
    help: str  # one line, a message id
    handler: Handler
    params: tuple[Param, ...] = ()
    in_menu: bool = True  # listed in help texts and messenger menus

    def usage(self, language: str | None) -> str:
        """ "assign N @username" (translated labels; optional ones in brackets)."""
        return " ".join([self.name, *(param.shown(language) for param in self.params)])

    def parse(self, line: str, language: str | None) -> Args:
        """Read the arguments; a missing or malformed one raises a usage error, and a number
        that cannot be a ticket (¹⁰⁰¹, 25 digits) raises "no such ticket"."""
        rest = line.strip()
        ticket, word, text = 0, "", ""
        for param in self.params:
            if param.kind is ParamKind.TEXT:
                head, rest = rest, ""
            else:
                head, _, rest = rest.partition(" ")
                rest = rest.strip()
            if not head:
                if param.optional:
                    continue
                raise self.usage_error(language)
            if param.kind is ParamKind.TICKET:
                number = parse_ticket_number(head)
                if number is None and looks_like_a_number(head):
                    raise NotFound("There is no ticket #{number}.", number=head.lstrip("#")[:40])
                if number is None:
                    raise self.usage_error(language)
                ticket = number
            elif param.kind is ParamKind.WORD:
                word = _choice(param, head) if param.choices else head
                if not word:
                    raise self.usage_error(language)
            else:
                text = head
        return Args(ticket, word, text)

    def usage_error(self, language: str | None) -> InvalidInput:
        return InvalidInput("Usage: {usage}", usage=command_hint(self.usage(language)))


class CommandRegistry:
    """The commands, looked up by name and audience."""

    def __init__(self, commands: Iterable[Command]) -> None:
        self._commands: dict[tuple[str, Audience], Command] = {}
        for command in commands:
            key = (command.name, command.audience)
            if key in self._commands:
                raise ValueError(f"command {command.name!r} declared twice for {command.audience}")
            if not (command.name.isascii() and command.name.isalnum() and command.name.islower()):
                raise ValueError(f"command names are lower-case ASCII words: {command.name!r}")
            self._commands[key] = command

    def get(self, name: str, audience: Audience) -> Command | None:
        return self._commands.get((name, audience))

    def listed(self, audience: Audience) -> list[Command]:
        """The commands an audience sees in help texts and menus, in declaration order."""
        return [c for c in self._commands.values() if c.audience is audience and c.in_menu]

    def menu(self, audience: Audience, language: str | None) -> list[tuple[Command, str]]:
        """(command, its help line in ``language``) for a messenger's command menu."""
        return [(c, gettext(language, c.help)) for c in self.listed(audience)]

    def reachable(self, *, agent: bool, private: bool) -> list[Command]:
        """The listed commands a person can use in a chat, picked as :meth:`choose` picks them:
        an agent gets the agents' commands, and in a private chat anyone gets the employees'
        ones whose names the agents' do not take. A menu per kind of chat comes from this."""
        found = self.listed(Audience.AGENT) if agent else []
        if private:
            taken = {c.name for c in found}
            found += [c for c in self.listed(Audience.EMPLOYEE) if c.name not in taken]
        return found

    def menu_for(
        self, *, agent: bool, private: bool, language: str | None
    ) -> list[tuple[Command, str]]:
        """(command, its help line in ``language``) for the menu of one kind of chat."""
        return [
            (c, gettext(language, c.help)) for c in self.reachable(agent=agent, private=private)
        ]

    def help_spans(self, audience: Audience, language: str | None) -> list[Span]:
        """One line per listed command: the command hint, a dash, the help line."""
        spans: list[Span] = []
        for command, help_line in self.menu(audience, language):
            spans += [Span("\n"), command_hint(command.usage(language)), Span(f" — {help_line}")]
        return spans

    def choose(self, turn: Turn) -> Command:
        """The command an event names, for this person in this chat.

        An agent gets the agents' version of a name; in a private chat anyone gets the
        employees' one; an agents' command typed by anyone else is refused politely.
        """
        name = turn.event.command
        agent_version = self.get(name, Audience.AGENT)
        employee_version = self.get(name, Audience.EMPLOYEE) if turn.event.is_private else None
        if agent_version is not None and turn.person.is_agent:
            return agent_version
        if employee_version is not None:
            return employee_version
        if agent_version is not None:
            raise PermissionDenied("Sorry, this is only for the support team.")
        raise InvalidInput(
            "I do not know that command. {help} lists what I can do.", help=command_hint("help")
        )

    async def dispatch(self, turn: Turn) -> None:
        command = self.choose(turn)
        try:
            await command.handler(turn, command.parse(turn.event.args, turn.language))
        except MissingArgs:
            raise command.usage_error(turn.language) from None


def _choice(param: Param, given: str) -> str:
    """The declared choice ``given`` names, ignoring case and "-" for "_"; empty if none."""
    wanted = given.casefold().replace("-", "_")
    return next((c for c in param.choices if c.casefold() == wanted), "")
