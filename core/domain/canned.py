"""Canned replies: answers agents send often, stored once, with macros such as
``{requester.first_name}`` or ``{ticket.number}`` filled in for the ticket at hand.

The template language is deliberately tiny: ``{name}`` for a macro from :data:`MACROS`,
``{{`` and ``}}`` for literal braces, nothing else (no attribute access, no formatting specs),
so a template can neither reach into objects nor fail half-way: it is checked as a whole before
it is stored and again before it is sent.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from core.errors import InvalidInput
from core.i18n import N_

NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,31}")  # typed after /canned; fits button data too
NAME_MAX = 32
BODY_MAX = 4_000

# Every macro, with what it stands for (shown in the panel, message ids for translation).
MACROS: dict[str, str] = {
    "requester.first_name": N_("The requester's first name"),
    "requester.name": N_("The requester's full name"),
    "ticket.number": N_("The ticket number, without #"),
    "ticket.title": N_("The ticket's title"),
    "ticket.priority": N_("The ticket's priority, P1 to P4"),
    "agent.name": N_("The sending agent's full name"),
    "agent.first_name": N_("The sending agent's first name"),
}
_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")


@dataclass(eq=False)
class CannedReply:
    name: str  # lower-case, kebab or snake case: /canned <name> N
    body: str  # the template
    author_name: str = ""  # who saved it last
    updated_at: datetime | None = None
    id: int | None = None


def check_name(name: str) -> str:
    """The name, lower-cased, if it can be typed after ``/canned``; otherwise a clear refusal."""
    cleaned = name.strip().lower()
    if not NAME.fullmatch(cleaned):
        raise InvalidInput(
            "A canned reply's name is one word of up to {limit} letters, digits, - or _ "
            "(like vpn-reset), starting with a letter or digit.",
            limit=NAME_MAX,
        )
    return cleaned


def macros_in(template: str) -> list[str]:
    """The macros a template uses, in order; an unknown macro or a stray brace is refused
    with a message that names it."""
    used: list[str] = []
    for match in _TOKEN.finditer(template):
        token = match.group(0)
        if token in ("{{", "}}"):
            continue
        if match.group(1) is None:
            raise InvalidInput(
                "A lone “{brace}” in the text; write {{{{ or }}}} for a brace itself.",
                brace=token,
            )
        name = match.group(1).strip()
        if name not in MACROS:
            raise InvalidInput(
                "Unknown macro {{{macro}}}. The macros are: {known}.",
                macro=name[:40],
                known=", ".join(f"{{{known}}}" for known in MACROS),
            )
        used.append(name)
    return used


def render(template: str, values: Mapping[str, str]) -> str:
    """The template with every macro replaced by its value (checked as :func:`macros_in`)."""
    macros_in(template)

    def fill(match: re.Match[str]) -> str:
        token = match.group(0)
        if token == "{{":
            return "{"
        if token == "}}":
            return "}"
        return values[match.group(1).strip()]

    return _TOKEN.sub(fill, template)


def first_name(full_name: str) -> str:
    return (full_name.split() or [full_name])[0]
