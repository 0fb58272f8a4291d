"""Render trusted Markdown (knowledge-base article bodies) as Telegram HTML.

Supported: ``#`` headings (bold lines), ``**bold**``/``__bold__``, ``*italic*``/``_italic_``,
inline code, fenced code blocks (``<pre>``), ``>`` quotes, bulleted and numbered lists (kept as
text lines, bullets shown as "•"), and ``[text](http(s)://...)`` links. Anything else is escaped
and shown as written. Every tag opened is closed, so the output always parses.
"""

from __future__ import annotations

import html
import re
from urllib.parse import urlparse

_FENCE = re.compile(r"^\s*(```|~~~)\s*([\w+#.-]*)\s*$")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$")
_BULLET = re.compile(r"^(\s*)[-*+]\s+(.*)$")
_NUMBERED = re.compile(r"^(\s*)(\d{1,9})[.)]\s+(.*)$")
_QUOTE = re.compile(r"^\s{0,3}>\s?(.*)$")
_INLINE = re.compile(
    r"`(?P<code>[^`\n]+)`"
    r"|\[(?P<label>[^\]\n]+)\]\((?P<url>[^)\s]+)\)"
    r"|\*\*(?P<bold>(?!\s).+?(?<!\s))\*\*"
    r"|(?<!\w)__(?P<bold2>(?!\s).+?(?<!\s))__(?!\w)"
    r"|(?<![\w*])\*(?P<italic>(?![\s*]).*?(?<![\s*]))\*(?![\w*])"
    r"|(?<![\w_])_(?P<italic2>(?![\s_]).*?(?<![\s_]))_(?![\w_])"
)


def escape(value: str) -> str:
    return html.escape(value, quote=False)


def is_web_url(url: str) -> bool:
    parsed = urlparse(url)
    return parsed.scheme in ("http", "https") and bool(parsed.netloc)


def inline_to_html(value: str) -> str:
    out: list[str] = []
    position = 0
    for match in _INLINE.finditer(value):
        out.append(escape(value[position : match.start()]))
        position = match.end()
        groups = match.groupdict()
        if groups["code"] is not None:
            out.append(f"<code>{escape(groups['code'])}</code>")
        elif groups["label"] is not None:
            label = inline_to_html(groups["label"])
            url = groups["url"]
            out.append(f'<a href="{html.escape(url)}">{label}</a>' if is_web_url(url) else label)
        elif (bold := groups["bold"] or groups["bold2"]) is not None:
            out.append(f"<b>{inline_to_html(bold)}</b>")
        else:
            out.append(f"<i>{inline_to_html(groups['italic'] or groups['italic2'])}</i>")
    out.append(escape(value[position:]))
    return "".join(out)


def _line_to_html(line: str) -> str:
    if heading := _HEADING.match(line):
        return f"<b>{inline_to_html(heading.group(1))}</b>" if heading.group(1) else ""
    if bullet := _BULLET.match(line):
        return f"{bullet.group(1)}• {inline_to_html(bullet.group(2))}"
    if numbered := _NUMBERED.match(line):
        indent, number, rest = numbered.groups()
        return f"{indent}{number}. {inline_to_html(rest)}"
    return inline_to_html(line)


def markdown_to_telegram_html(markdown: str) -> str:
    """Convert trusted Markdown to balanced Telegram HTML; unknown syntax is escaped."""
    out: list[str] = []
    lines = markdown.replace("\r\n", "\n").split("\n")
    i = 0
    while i < len(lines):
        fence = _FENCE.match(lines[i])
        if fence:
            end = next(
                (j for j in range(i + 1, len(lines)) if lines[j].strip() == fence.group(1)),
                len(lines),
            )
            body = escape("\n".join(lines[i + 1 : end]))
            language = fence.group(2)
            if language:
                body = f'<code class="language-{html.escape(language)}">{body}</code>'
            out.append(f"<pre>{body}</pre>")
            i = end + 1
            continue
        if _QUOTE.match(lines[i]):
            quoted = []
            while i < len(lines) and (quote := _QUOTE.match(lines[i])):
                quoted.append(_line_to_html(quote.group(1)))
                i += 1
            out.append("<blockquote>" + "\n".join(quoted) + "</blockquote>")
            continue
        out.append(_line_to_html(lines[i]))
        i += 1
    return "\n".join(out).strip("\n")
