"""Render a channel-neutral :class:`core.messages.Reply` as Telegram HTML plus an inline keyboard.

Every span is escaped, so text that came from a person is never parsed as markup; links are
made only for http/https URLs; long text is split into several messages within Telegram's
limit, and the keyboard goes on the last one. A command hint is written Telegram's way
("/claim 1001"), which Telegram itself makes tappable; a mention links the person by user id.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bots.telegram.html_split import TELEGRAM_TEXT_LIMIT, split_html
from bots.telegram.markdown import escape, is_web_url, markdown_to_telegram_html
from bots.telegram.profile import TELEGRAM_PROFILE
from core.messages import Button, Reply, Span

__all__ = [
    "RenderedReply",
    "markdown_to_telegram_html",
    "render_buttons",
    "render_reply",
    "render_spans",
    "split_html",
]

BUTTON_LABEL_MAX = 48
BUTTONS_PER_ROW_MAX = 8
BUTTONS_MAX = 100
CALLBACK_DATA_MAX_BYTES = 64

_STYLE_TAGS = {"bold": "b", "italic": "i", "code": "code", "pre": "pre", "quote": "blockquote"}


@dataclass(frozen=True, slots=True)
class RenderedReply:
    """Telegram HTML message texts (each within the limit) and the keyboard for the last."""

    chunks: list[str]
    keyboard: InlineKeyboardMarkup | None


def render_span(span: Span) -> str:
    text = TELEGRAM_PROFILE.command_hint(span.text) if span.style == "command" else span.text
    body = escape(text)
    tag = _STYLE_TAGS.get(span.style)
    if tag is not None:
        body = f"<{tag}>{body}</{tag}>"
    if span.url and is_web_url(span.url):
        body = f'<a href="{html.escape(span.url, quote=True)}">{body}</a>'
    elif (
        span.style == "mention"
        and span.user_ref
        and span.user_ref.isascii()
        and span.user_ref.isdecimal()
    ):
        body = f'<a href="tg://user?id={span.user_ref}">{body}</a>'  # a mention by user id
    return body


def render_spans(spans: tuple[Span, ...] | list[Span]) -> str:
    return "".join(render_span(span) for span in spans if span.text)


def _label(text: str) -> str:
    label = " ".join(text.split())
    if len(label) > BUTTON_LABEL_MAX:
        label = label[: BUTTON_LABEL_MAX - 1].rstrip() + "…"
    return label or "…"


def render_buttons(rows: tuple[tuple[Button, ...], ...]) -> InlineKeyboardMarkup | None:
    """One keyboard row per button row (rows wider than Telegram allows are wrapped);
    ``Button.action`` becomes callback_data unchanged. Buttons past Telegram's 100 are dropped."""
    keyboard: list[list[InlineKeyboardButton]] = []
    count = 0
    for row in rows:
        for start in range(0, len(row), BUTTONS_PER_ROW_MAX):
            line = []
            for button in row[start : start + BUTTONS_PER_ROW_MAX]:
                if not 1 <= len(button.action.encode()) <= CALLBACK_DATA_MAX_BYTES:
                    raise ValueError(f"button action not usable as callback_data: {button!r}")
                if count == BUTTONS_MAX:
                    break
                count += 1
                line.append(
                    InlineKeyboardButton(text=_label(button.label), callback_data=button.action)
                )
            if line:
                keyboard.append(line)
    return InlineKeyboardMarkup(inline_keyboard=keyboard) if keyboard else None


def render_reply(reply: Reply, *, limit: int = TELEGRAM_TEXT_LIMIT) -> RenderedReply:
    """Render spans, then the trusted Markdown after a blank line, split to ``limit``."""
    parts = [render_spans(reply.spans)]
    if reply.markdown:
        parts.append(markdown_to_telegram_html(reply.markdown))
    text = "\n\n".join(part for part in parts if part)
    return RenderedReply(chunks=split_html(text, limit), keyboard=render_buttons(reply.buttons))
