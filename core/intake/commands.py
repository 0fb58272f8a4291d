"""The bot's command list with descriptions, for Telegram ``setMyCommands`` and Slack help."""

from __future__ import annotations

from core.i18n import gettext as _
from core.intake.texts import N_

_EMPLOYEE = (
    ("new", N_("Start a new request")),
    ("my", N_("Your tickets")),
    ("ticket", N_("Show one of your tickets: /ticket N")),
    ("language", N_("Change the language")),
    ("cancel", N_("Leave the current dialogue")),
    ("help", N_("What the bot can do")),
)
_AGENT = (
    ("queue", N_("Unassigned tickets, most urgent first")),
    ("mine", N_("Tickets assigned to you")),
    ("claim", N_("Take a ticket: /claim N")),
    ("assign", N_("Give a ticket to an agent: /assign N @username")),
    ("reply", N_("Answer the requester: /reply N text")),
    ("note", N_("Internal note: /note N text")),
    ("status", N_("Change the status: /status N waiting")),
    ("priority", N_("Change the priority: /priority N P2")),
    ("resolve", N_("Resolve: /resolve N [resolution]")),
    ("reopen", N_("Reopen a resolved ticket: /reopen N")),
    ("ticket", N_("Details and latest messages: /ticket N")),
    ("kb", N_("Search the knowledge base: /kb question")),
    ("help", N_("Agent commands")),
)


def bot_commands(language: str, *, for_agents: bool = False) -> list[tuple[str, str]]:
    """(command, description) pairs in ``language``: the employee set, or the agents' set."""
    return [(name, _(language, text)) for name, text in (_AGENT if for_agents else _EMPLOYEE)]
