"""What a channel adapter hands the engine, and what it gets back. No platform types here."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from core.domain.conversation import IdleLimits
from core.intake.forms import Form
from core.messages import Attachment, CommandSyntax, Reply
from core.ports import AgentRoom

EventKind = Literal["text", "button", "command", "attachment", "form"]


@dataclass(frozen=True, slots=True)
class ChannelUser:
    """The sender as the platform describes them. Slack ``external_id`` is ``TEAM:USER``.

    An empty ``display_name`` means the platform could not say (the id stands in until it can).
    ``email`` only when the platform vouches for it (Slack verifies its users' addresses;
    Telegram has none); ``time_zone`` an IANA name.
    """

    external_id: str
    display_name: str
    username: str | None = None
    language_code: str | None = None
    email: str | None = None
    time_zone: str | None = None


@dataclass(frozen=True, slots=True)
class InboundEvent:
    """One thing a person did in a chat.

    ``kind`` says which fields matter: ``text`` (``text``), ``button`` (``action``, the
    :attr:`core.messages.Button.action` pressed), ``command`` (``command`` without the slash and
    any ``@botname``, lower case; ``args`` the rest of the line) or ``attachment``
    (``attachments``, with the caption in ``text``; an album arrives as several events) or
    ``form`` (``form``, a form the channel showed, as submitted: :mod:`core.intake.forms`).
    """

    channel: str
    chat_ref: str  # the conversation: a private chat, or an agents' group
    user: ChannelUser
    kind: EventKind
    event_key: str  # platform dedupe key, e.g. "update:123"
    is_private: bool = True
    text: str = ""
    action: str = ""
    command: str = ""
    args: str = ""
    attachments: tuple[Attachment, ...] = ()
    message_ref: str | None = None  # the platform message (for a button: the one it sits on)
    reply_to_ref: str | None = None  # the platform message this one replies to
    form: Form | None = None
    # The channel already shows a form for the question this press leads to (Slack's rating
    # comment modal), so the engine does not ask it in the chat as well.
    asked_in_form: bool = False
    # The channel can show the new-request form (Slack's modal): when self-help finds no
    # article, the engine offers it with a button besides starting the turn-by-turn intake.
    shows_forms: bool = False


@dataclass(frozen=True, slots=True)
class Outgoing:
    """A reply to send now. ``edit_ref`` edits that platform message instead of sending anew."""

    channel: str
    recipient: str
    reply: Reply
    edit_ref: str | None = None
    reply_to_ref: str | None = None


@dataclass(slots=True)
class Outcome:
    """What handling an event produced. ``toast`` is the short answer to a button press
    (Telegram ``answerCallbackQuery``, a Slack ephemeral); ``duplicate`` marks a redelivery.
    ``by_agent``: whether the person who acted is an agent once the event is handled (None for a
    redelivery or a refusal), so a channel can keep per-person things such as command menus in step."""

    replies: list[Outgoing] = field(default_factory=list)
    toast: str | None = None
    duplicate: bool = False
    by_agent: bool | None = None

    def texts(self, command: CommandSyntax | None = None) -> list[str]:
        """The replies as plain text (command hints in ``command``'s syntax)."""
        return [item.reply.plain_text(command) for item in self.replies]


@dataclass(frozen=True, slots=True)
class DeskConfig:
    """Per-process settings the engine needs. ``agent_rooms`` are stored with
    :func:`core.intake.rooms.sync_agent_rooms` at start-up; the engine reads them from storage."""

    default_language: str = "en"
    agent_rooms: tuple[AgentRoom, ...] = ()
    timezone: str = "UTC"  # the desk's: report weeks are its local weeks
    limits: IdleLimits = IdleLimits()
