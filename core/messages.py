"""Channel-neutral outbound messages and the port every channel's sender implements.

The core never formats for a platform. It builds a :class:`Reply` out of styled
:class:`Span` pieces (so text that came from a person is never parsed as markup) and
optional button rows; each bot adapter renders that to its own format (Telegram HTML,
Slack Block Kit) with escaping, length limits and callback-data limits handled there.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from string import Formatter
from typing import Literal, Protocol, runtime_checkable

SpanStyle = Literal["plain", "bold", "italic", "code", "pre", "quote", "command", "mention"]


@dataclass(frozen=True, slots=True)
class Span:
    """A run of text with one style. ``url`` makes it a link (http/https only).

    Style ``command`` is a command hint: ``text`` is the command and its arguments without any
    syntax ("claim 1001"), and each channel writes it its own way ("/claim 1001" in Telegram,
    "/desk claim 1001" in Slack). So no core text ever spells a slash command.

    Style ``mention`` names a person: ``text`` is their name and ``user_ref`` their user id on
    the recipient's channel, so each channel links them its own way (a mention link in
    Telegram, ``<@U…>`` in Slack); without a ``user_ref`` it is plain text.
    """

    text: str
    style: SpanStyle = "plain"
    url: str | None = None
    user_ref: str | None = None


@dataclass(frozen=True, slots=True)
class Button:
    """A button; ``action`` is an opaque short token the core understands, e.g. ``claim:1001``.

    Actions are kept ASCII and at most 60 bytes so every platform can carry them.
    """

    label: str
    action: str

    def __post_init__(self) -> None:
        if len(self.action.encode()) > 60:
            raise ValueError(f"button action too long: {self.action!r}")


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file already stored on a platform, referenced by that platform's file id."""

    channel: str
    file_ref: str
    name: str = ""
    mime_type: str = ""
    size: int = 0


@dataclass(frozen=True, slots=True)
class Picture:
    """An image made here (a report), uploaded with the message: PNG bytes and a file name."""

    name: str
    data: bytes


@dataclass(frozen=True, slots=True)
class Reply:
    """One message to one recipient.

    ``markdown`` carries trusted Markdown (a knowledge-base article body) that the adapter
    renders safely after ``spans``. ``attachments`` are re-sent by reference where the
    recipient is on the same channel as the file.
    """

    spans: tuple[Span, ...] = ()
    buttons: tuple[tuple[Button, ...], ...] = ()
    markdown: str | None = None
    attachments: tuple[Attachment, ...] = field(default=())
    picture: Picture | None = None  # sent after the text

    def plain_text(self, command: CommandSyntax | None = None) -> str:
        """The message without styling, for logs, tests and channels without formatting;
        ``command`` writes command hints in a channel's syntax (bare when not given)."""
        text = "".join(
            command(span.text) if command and span.style == "command" else span.text
            for span in self.spans
        )
        if self.markdown:
            text = f"{text}\n\n{self.markdown}" if text else self.markdown
        return text


CommandSyntax = Callable[[str], str]
"""How a channel writes a command hint: "claim 1001" → "/claim 1001"."""


def text(*parts: str | Span) -> tuple[Span, ...]:
    """Build spans from a mix of plain strings and styled spans."""
    return tuple(part if isinstance(part, Span) else Span(part) for part in parts)


def bold(value: str) -> Span:
    return Span(value, "bold")


def italic(value: str) -> Span:
    return Span(value, "italic")


def code(value: str) -> Span:
    return Span(value, "code")


def quote(value: str) -> Span:
    return Span(value, "quote")


def mention(name: str, user_ref: str | None) -> Span:
    """A person's name, linked to them where the channel can (see :class:`Span`)."""
    return Span(name, "mention", user_ref=user_ref)


def command_hint(command: str) -> Span:
    """A command for the person to type, e.g. ``command_hint("claim 1001")``."""
    return Span(command, "command")


def fill(template: str, values: Mapping[str, object]) -> tuple[Span, ...]:
    """Fill a (translated) template's ``{placeholders}``: a :class:`Span` value keeps its style,
    anything else becomes plain text. Literal text is never parsed as markup."""
    out: list[Span] = []
    plain = ""
    for literal, name, spec, conversion in Formatter().parse(template):
        plain += literal
        if name is None:
            continue
        value = values[name]
        if isinstance(value, Span):
            if plain:
                out.append(Span(plain))
                plain = ""
            out.append(value)
        else:
            plain += format(str(value) if conversion else value, spec or "")
    if plain:
        out.append(Span(plain))
    return tuple(out)


class DeliveryError(Exception):
    """Base class for failures a sender reports back to the outbox."""


class RetryLater(DeliveryError):
    """The platform asked us to wait (rate limit) or was unreachable: try again later."""

    def __init__(self, reason: str, *, after_seconds: float | None = None) -> None:
        super().__init__(reason)
        self.after_seconds = after_seconds


class PermanentFailure(DeliveryError):
    """The platform refused the message for good (blocked bot, chat not found)."""


class Sender(Protocol):
    """Delivers a :class:`Reply` on one channel. Implemented by each bot adapter."""

    channel: str

    async def deliver(
        self,
        *,
        recipient: str,
        reply: Reply,
        edit_message_ref: str | None = None,
        reply_to_ref: str | None = None,
    ) -> str:
        """Send (or edit, when ``edit_message_ref`` is given) and return the platform's
        message reference. Raise :class:`RetryLater` or :class:`PermanentFailure`."""
        ...


@dataclass(frozen=True, slots=True)
class RelayedFrom:
    """The platform message an outbox message relays (an agent's reply to a card): marked
    when the relay is delivered, answered in its chat when the relay fails for good."""

    channel: str
    chat_ref: str
    message_ref: str

    PAYLOAD_KEY = "relayed_from"  # where an outbox payload carries it

    def add_to(self, payload: dict[str, object]) -> None:
        payload[self.PAYLOAD_KEY] = [self.channel, self.chat_ref, self.message_ref]

    @classmethod
    def of(cls, payload: dict[str, object]) -> RelayedFrom | None:
        found = payload.get(cls.PAYLOAD_KEY)
        if not isinstance(found, list) or len(found) != 3:
            return None
        return cls(*(str(part) for part in found))


@runtime_checkable
class RelayMarker(Protocol):
    """A sender that can mark a person's message as relayed (Telegram: a reaction)."""

    async def mark_relayed(self, *, chat_ref: str, message_ref: str) -> None:
        """Mark the message; raise anything on failure (the mark is a courtesy)."""
        ...


def reply_to_payload(reply: Reply) -> dict[str, object]:
    """Serialise for the outbox (JSON)."""
    return {
        "spans": [
            [s.text, s.style, s.url, s.user_ref] if s.user_ref else [s.text, s.style, s.url]
            for s in reply.spans
        ],
        "buttons": [[[b.label, b.action] for b in row] for row in reply.buttons],
        "markdown": reply.markdown,
        "attachments": [
            [a.channel, a.file_ref, a.name, a.mime_type, a.size] for a in reply.attachments
        ],
        "picture": (
            [reply.picture.name, base64.b64encode(reply.picture.data).decode()]
            if reply.picture
            else None
        ),
    }


def reply_from_payload(payload: dict[str, object]) -> Reply:
    spans = payload.get("spans") or []
    buttons = payload.get("buttons") or []
    attachments = payload.get("attachments") or []
    markdown = payload.get("markdown")
    picture = payload.get("picture")
    assert isinstance(spans, list) and isinstance(buttons, list) and isinstance(attachments, list)
    return Reply(
        spans=tuple(Span(*span) for span in spans),  # [text, style, url] or with a user_ref
        buttons=tuple(tuple(Button(label, action) for label, action in row) for row in buttons),
        markdown=markdown if isinstance(markdown, str) else None,
        attachments=tuple(Attachment(*a) for a in attachments),
        picture=(
            Picture(str(picture[0]), base64.b64decode(str(picture[1])))
            if isinstance(picture, list)
            else None
        ),
    )
