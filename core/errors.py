"""Errors the core raises. Each carries a message fit to show a person as it is."""

from __future__ import annotations


class ChatdeskError(Exception):
    """Base class: something a person asked for cannot be done; nothing was written."""


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
        super().__init__(f"Ticket #{number} is already claimed by {by}.")
        self.number = number
        self.by = by


class ConfigurationError(ChatdeskError):
    pass
