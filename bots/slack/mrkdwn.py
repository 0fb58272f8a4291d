"""Slack's ``mrkdwn``: escaping what people wrote, styled spans, article Markdown, splitting.

Slack reads ``&``, ``<`` and ``>`` as control characters: ``<!channel>``, ``<!here>`` and
``<@U123>`` notify people. Every text from a person goes through :func:`escape`, so whatever
they typed arrives as they typed it and pings no one. Only chatdesk's own links are written
as ``<url|label>``.
"""

from __future__ import annotations

import re
from urllib.parse import urlparse

from bots.slack.profile import SLACK_PROFILE
from core.messages import Span

SECTION_TEXT_MAX = 3000  # a section block's text

_STYLE_MARKS = {"bold": "*", "italic": "_", "code": "`"}
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$")
_LINK = re.compile(r"\[([^\]\n]+)\]\(([^)\s]+)\)")
_STRONG = re.compile(r"\*\*(?!\s)(.+?)(?<!\s)\*\*")
_ENTITY_OR_LINK = re.compile(r"&[a-z]{2,4};|<[^<>\n]*>")


def escape(value: str) -> str:
    """Text shown as written: ``&``, ``<`` and ``>`` as entities (nothing else is needed)."""
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def is_web_url(url: str) -> bool:
    parsed = urlparse(url)
    return parsed.scheme in ("http", "https") and bool(parsed.netloc) and not set(url) & set("<>|")


def link(url: str, label: str) -> str:
    """``<url|label>`` for a web URL; just the (escaped) label for anything else."""
    shown = escape(label)
    return f"<{url}|{shown}>" if is_web_url(url) else shown


def render_span(span: Span) -> str:
    if span.style == "command":
        body = f"`{escape(SLACK_PROFILE.command_hint(span.text))}`"
    elif span.style == "pre":
        body = f"```{escape(span.text)}```"
    elif span.style == "quote":
        body = "\n".join(f"&gt; {escape(line)}" for line in span.text.split("\n"))
    else:
        mark = _STYLE_MARKS.get(span.style, "")
        body = _wrap(escape(span.text), mark)
    if span.url and span.style != "command":
        body = f"<{span.url}|{body}>" if is_web_url(span.url) else body
    return body


def _wrap(text: str, mark: str) -> str:
    """Style marks hug non-blank text only (Slack ignores ``* x *``); blank edges stay outside."""
    if not mark or not text.strip():
        return text
    stripped = text.strip()
    start = text.index(stripped)
    return f"{text[:start]}{mark}{stripped}{mark}{text[start + len(stripped) :]}"


def render_spans(spans: tuple[Span, ...] | list[Span]) -> str:
    return "".join(render_span(span) for span in spans if span.text)


def markdown_to_mrkdwn(markdown: str) -> str:
    """Trusted article Markdown as mrkdwn: headings and ``**strong**`` bold, ``[label](url)``
    links; the rest is already close to mrkdwn and is shown as written (escaped)."""
    lines = []
    for line in markdown.replace("\r\n", "\n").split("\n"):
        heading = _HEADING.match(line)
        text = f"**{heading.group(1)}**" if heading else line
        lines.append(_inline(text))
    return "\n".join(lines).strip("\n")


def _inline(line: str) -> str:
    out, position = [], 0
    for match in _LINK.finditer(line):
        out.append(_strong(escape(line[position : match.start()])))
        out.append(link(match.group(2), match.group(1)))
        position = match.end()
    out.append(_strong(escape(line[position:])))
    return "".join(out)


def _strong(text: str) -> str:
    return _STRONG.sub(lambda m: f"*{m.group(1)}*", text)


def split_mrkdwn(text: str, limit: int = SECTION_TEXT_MAX) -> list[str]:
    """Pieces of at most ``limit`` characters, cut at a line break where there is one, never
    inside an entity (``&amp;``) or a link (``<url|label>``). Nothing is dropped."""
    pieces: list[str] = []
    rest = text
    while len(rest) > limit:
        cut = rest.rfind("\n", 0, limit + 1)
        if cut <= 0:
            cut = _safe_cut(rest, limit)
        pieces.append(rest[:cut])
        rest = rest[cut:].lstrip("\n")
    if rest or not pieces:
        pieces.append(rest)
    return [piece for piece in pieces if piece] or [""]


def _safe_cut(text: str, limit: int) -> int:
    """The last position ≤ ``limit`` not inside an entity or link (space preferred)."""
    cut = limit
    for match in _ENTITY_OR_LINK.finditer(text, 0, limit + 64):
        if match.start() < cut < match.end():
            cut = match.start()
            break
    space = text.rfind(" ", 0, cut)
    if space > cut // 2:
        cut = space
    return max(cut, 1)
