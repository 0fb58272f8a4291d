"""Errors the core raises. Each carries a message fit to show a person as it is.

The message is an English template with ``{placeholders}`` and the values to fill them. ``str()``
gives the English text (command line, logs, the admin panel); :meth:`ChatdeskError.translated`
gives it in a person's language, since the template is also the gettext message id.
"""

from __future__ import annotations

from enum import Enum

from core.messages import Span, fill


class Term(str):
    """A parameter that is itself a message id (a field name like "comment"): translated too."""

    __slots__ = ()


def _shown(value: object) -> object:
    """Enums read as words: TicketStatus.IN_PROGRESS → "in progress"; a span reads as its text."""
    if isinstance(value, Enum):
        return value.value.replace("_", " ")
    return value.text if isinstance(value, Span) else value


class ChatdeskError(Exception):
    """Base class: something a person asked for cannot be done; nothing was written."""

    def __init__(self, message: str, /, **params: object) -> None:
        self.template = message
        self.params = params
        shown = {name: _shown(value) for name, value in params.items()}
        super().__init__(message.format(**shown) if params else message)

    def spans(self, language: str | None) -> tuple[Span, ...]:
        """The message in ``language``; a :class:`Span` parameter (a command hint) keeps its style."""
        from core.i18n import gettext

        values = {
            name: gettext(language, str(_shown(value))) if isinstance(value, Enum | Term) else value
            for name, value in self.params.items()
        }
        return fill(gettext(language, self.template), values)

    def translated(self, language: str | None) -> str:
        return "".join(span.text for span in self.spans(language))


class NotFound(ChatdeskError):
    pass


class PermissionDenied(ChatdeskError):
    pass


class InvalidInput(ChatdeskError):
    pass


class InvalidTransition(ChatdeskError):
    pass


class AlreadyClaimed(ChatdeskError):
    def __init__(self, number: int, by: str) -> None:
        super().__init__("Ticket #{number} is already claimed by {name}.", number=number, name=by)
        self.number = number
        self.by = by


class Conflict(ChatdeskError):
    """What is to be made exists already (an account somebody has)."""


class ConfigurationError(ChatdeskError):
    """For operators (settings, command line); shown in English."""
