"""Telegram's HTML parse mode, as the fake Bot API server applies it.

Turns ``parse_mode=HTML`` text into (plain text, entities) the way Telegram does, and
rejects what Telegram rejects: unknown tags, unbalanced or crossed tags, bare ``<``.
It is deliberately *stricter* than Telegram in one respect: a bare ``&`` that does not
start an entity (``&amp;``, ``&lt;``, ``&gt;``, ``&quot;``, ``&#NN;``, ``&#xHH;``) is an error,
so a renderer that forgets to escape ``&`` fails in tests instead of silently passing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

ALLOWED_TAGS: dict[str, str] = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "code": "code",
    "pre": "pre",
    "a": "text_link",
    "blockquote": "blockquote",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "tg-emoji": "custom_emoji",
}

_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}
_ENTITY = re.compile(r"&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]+);")
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^<>]*?)?)\s*>")
_ATTR = re.compile(r"""([a-zA-Z-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?""")


class HtmlParseError(ValueError):
    """The text is not valid Telegram HTML; the message is Telegram-like."""


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit Telegram counts limits and offsets in."""
    return len(text.encode("utf-16-le")) // 2


@dataclass
class _Open:
    name: str
    attrs: dict[str, str]
    start: int  # UTF-16 offset in the plain text
    byte_offset: int


@dataclass
class ParsedText:
    text: str
    entities: list[dict[str, Any]] = field(default_factory=list)


def _decode_entity(token: str, offset: int) -> str:
    body = token[1:-1]
    if body.startswith(("#x", "#X")):
        code_point = int(body[2:], 16)
    elif body.startswith("#"):
        code_point = int(body[1:])
    elif body.lower() in _NAMED_ENTITIES:
        return _NAMED_ENTITIES[body.lower()]
    else:
        raise HtmlParseError(f"Unsupported HTML entity {token!r} at byte offset {offset}")
    if not 0 < code_point <= 0x10FFFF or 0xD800 <= code_point <= 0xDFFF:
        raise HtmlParseError(f"Invalid character reference {token!r} at byte offset {offset}")
    return chr(code_point)


def _parse_attrs(raw: str) -> dict[str, str]:
    attrs: dict[str, str] = {}
    for match in _ATTR.finditer(raw):
        value = next((g for g in match.group(2, 3, 4) if g is not None), "")
        attrs[match.group(1).lower()] = _ENTITY.sub(lambda m: _decode_entity(m.group(0), 0), value)
    return attrs


def _entity_for(tag: _Open, end: int, inside_pre: _Open | None) -> dict[str, Any] | None:
    kind = ALLOWED_TAGS[tag.name]
    if end == tag.start:
        return None
    entity: dict[str, Any] = {"type": kind, "offset": tag.start, "length": end - tag.start}
    if kind == "text_link":
        href = tag.attrs.get("href", "")
        if not href:
            return None
        entity["url"] = href
    elif kind == "blockquote" and "expandable" in tag.attrs:
        entity["type"] = "expandable_blockquote"
    elif kind == "custom_emoji":
        entity["custom_emoji_id"] = tag.attrs.get("emoji-id", "")
    elif kind == "pre" and tag.attrs.get("_language"):
        entity["language"] = tag.attrs["_language"]
    elif kind == "code" and inside_pre is not None:
        language = tag.attrs.get("class", "")
        if language.startswith("language-"):
            inside_pre.attrs["_language"] = language.removeprefix("language-")
            return None
    return entity


def parse_html(source: str) -> ParsedText:
    """Parse Telegram HTML into plain text and Bot API entity dicts (UTF-16 offsets)."""
    out: list[str] = []
    length = 0
    stack: list[_Open] = []
    entities: list[dict[str, Any]] = []
    i = 0
    while i < len(source):
        char = source[i]
        if char == "<":
            match = _TAG.match(source, i)
            if match is None:
                raise HtmlParseError(f"Unexpected start of tag or bare '<' at byte offset {i}")
            closing, name, raw_attrs = match.group(1), match.group(2).lower(), match.group(3)
            if name not in ALLOWED_TAGS:
                raise HtmlParseError(f'Unsupported start tag "{name}" at byte offset {i}')
            if closing:
                if not stack or stack[-1].name != name:
                    expected = f"</{stack[-1].name}>" if stack else "nothing"
                    raise HtmlParseError(
                        f'Unmatched end tag at byte offset {i}, expected "{expected}", '
                        f'found "</{name}>"'
                    )
                tag = stack.pop()
                inside_pre = next((t for t in stack if t.name == "pre"), None)
                entity = _entity_for(tag, length, inside_pre)
                if entity is not None:
                    entities.append(entity)
            else:
                attrs = _parse_attrs(raw_attrs)
                if name == "span" and attrs.get("class") != "tg-spoiler":
                    raise HtmlParseError('Tag "span" must have class "tg-spoiler"')
                stack.append(_Open(name, attrs, length, i))
            i = match.end()
            continue
        if char == "&":
            match = _ENTITY.match(source, i)
            if match is None:
                raise HtmlParseError(f"Bare '&' at byte offset {i} (fake server is strict)")
            decoded = _decode_entity(match.group(0), i)
            i = match.end()
        else:
            decoded = char
            i += 1
        out.append(decoded)
        length += utf16_len(decoded)
    if stack:
        raise HtmlParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1].name}"')
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return ParsedText("".join(out), entities)
