"""Telegram command menus, one per kind of chat, generated from the command registry.

- Every private chat (the default): the employees' menu.
- The agents' rooms: the agents' menu.
- Each agent's private chat (a chat scope: in Telegram a private chat's id is the user's id): the
  agents' menu and the employees' commands an agent can also use there.

Who is an agent changes while the bot runs (an invite redeemed, an agent added or removed in
the panel or on the command line), so the agents' chats are kept in step: at start, whenever
a person writes in their private chat (:meth:`CommandMenus.seen`), and on a regular
:meth:`CommandMenus.sync` with the stored agents.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Sequence

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError, TelegramBadRequest
from aiogram.types import (
    BotCommand,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
)

from bots.telegram.profile import TELEGRAM_PROFILE
from core.intake.commands import Command
from core.intake.desk_commands import COMMANDS
from core.ports import AgentRoom
from core.settings import SUPPORTED_LANGUAGES

log = logging.getLogger(__name__)
MENU_DESCRIPTION_MAX = 256
SYNC_SECONDS = 60.0  # how often the agents' private menus are compared with the stored agents


def menu(*, agent: bool, private: bool, language: str) -> list[BotCommand]:
    """The menu of one kind of chat, in ``language``, from the command registry."""
    return [
        BotCommand(command=command.name, description=describe(command, help_line, language))
        for command, help_line in COMMANDS.menu_for(agent=agent, private=private, language=language)
    ]


def describe(command: Command, help_line: str, language: str) -> str:
    """ "Take a ticket: /claim N": the help line, and the arguments when there are some."""
    text = help_line
    if command.params:
        text += ": " + TELEGRAM_PROFILE.command_hint(command.usage(language))
    return text[:MENU_DESCRIPTION_MAX]


def _language_code(language: str) -> str | None:
    return None if language == "en" else language  # English is the menu for every other language


class CommandMenus:
    def __init__(self, bot: Bot, rooms: Sequence[AgentRoom]) -> None:
        self.bot = bot
        self.rooms = rooms
        self._agent_menu: dict[str, bool] = {}  # private chat → whether it shows the agents' menu
        self._unreachable: set[str] = set()  # agents who never opened a chat with the bot

    async def register(self, agents: Collection[str]) -> None:
        """At start: the default menu, the rooms' menu and every agent's private menu."""
        for language in SUPPORTED_LANGUAGES:
            code = _language_code(language)
            await self.bot.set_my_commands(
                menu(agent=False, private=True, language=language),
                scope=BotCommandScopeAllPrivateChats(),
                language_code=code,
            )
            for room in self.rooms:
                try:
                    await self.bot.set_my_commands(
                        menu(agent=True, private=False, language=language),
                        scope=BotCommandScopeChat(chat_id=room.chat_ref),
                        language_code=code,
                    )
                except TelegramBadRequest as exc:  # the bot is not in that group (yet)
                    log.warning("telegram: no menu for agents' room %s: %s", room.chat_ref, exc)
        await self.sync(agents)

    async def sync(self, agents: Collection[str]) -> None:
        """Every agent's private chat shows the agents' menu, and a chat that showed it falls
        back to the default once its person is no longer an agent."""
        for chat in sorted(set(agents) - self._unreachable):
            if not self._agent_menu.get(chat):
                await self._show_agent_menu(chat)
        for chat, shown in list(self._agent_menu.items()):
            if shown and chat not in agents:
                await self._show_default_menu(chat)

    async def seen(self, chat_ref: str, *, is_agent: bool) -> None:
        """A person wrote in their private chat: an agent who does not have the agents' menu yet
        (the first contact, an invite just redeemed) gets it now, and one who is no longer an
        agent loses it."""
        self._unreachable.discard(chat_ref)
        if is_agent and not self._agent_menu.get(chat_ref):
            await self._show_agent_menu(chat_ref)
        elif not is_agent and self._agent_menu.get(chat_ref):
            await self._show_default_menu(chat_ref)

    async def _show_agent_menu(self, chat: str) -> None:
        try:
            for language in SUPPORTED_LANGUAGES:
                await self.bot.set_my_commands(
                    menu(agent=True, private=True, language=language),
                    scope=BotCommandScopeChat(chat_id=chat),
                    language_code=_language_code(language),
                )
        except TelegramBadRequest as exc:  # "chat not found": they have not written to the bot yet
            log.info("telegram: no agents' menu for chat %s yet: %s", chat, exc.message)
            self._unreachable.add(chat)
        except TelegramAPIError as exc:  # an outage or a rate limit: the next sync tries again
            log.warning("telegram: could not set the agents' menu for chat %s: %s", chat, exc)
        else:
            self._agent_menu[chat] = True

    async def _show_default_menu(self, chat: str) -> None:
        try:
            for language in SUPPORTED_LANGUAGES:
                await self.bot.delete_my_commands(
                    scope=BotCommandScopeChat(chat_id=chat), language_code=_language_code(language)
                )
        except TelegramAPIError as exc:
            log.warning("telegram: could not reset the menu for chat %s: %s", chat, exc)
        else:
            self._agent_menu[chat] = False
