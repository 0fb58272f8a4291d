"""Telegram's facts that need no connection: its name, user ids and command syntax.

Imports nothing of aiogram, so the command line can use it in a blink.
"""

from __future__ import annotations

from core.domain.numbers import parse_positive
from core.errors import InvalidInput


class TelegramProfile:
    name = "telegram"
    title = "Telegram"
    user_id_hint = "a number, e.g. 123456789 (a person gets theirs by sending /id to the bot)"

    def parse_user_id(self, raw: str) -> str:
        user_id = parse_positive(raw.strip())
        if user_id is None:
            raise InvalidInput(
                "A Telegram user id is a number (a person gets theirs by sending /id to the bot)."
            )
        return str(user_id)

    def command_hint(self, command: str) -> str:
        return f"/{command}"


TELEGRAM_PROFILE = TelegramProfile()
