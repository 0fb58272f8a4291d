"""Split Telegram HTML into messages that each fit Telegram's length limit.

Telegram counts the limit on the text *after* entity parsing, in UTF-16 code units, so
tags cost nothing and ``&amp;`` costs one. Cuts prefer paragraph breaks, then line breaks,
then spaces; tags open at a cut are closed before it and reopened after it, and a cut never
falls inside a tag, an HTML entity, a surrogate pair or before a combining mark.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass

TELEGRAM_TEXT_LIMIT = 4096

_TOKEN = re.compile(r"<[^>]*>|&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[a-zA-Z]+);|[^<&]|&", re.DOTALL)
_TAG_NAME = re.compile(r"</?([a-zA-Z][a-zA-Z0-9-]*)")
_JOINERS = {"\u200d", "\ufe0f", "\ufe0e"}
_MARKUP = re.compile(r"<[^>]*>|&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[a-zA-Z]+);")


@dataclass(frozen=True, slots=True)
class _Atom:
    source: str
    char: str = ""  # the visible character(s); empty for tags
    opens: str | None = None
    closes: str | None = None

    @property
    def units(self) -> int:
        return len(self.char.encode("utf-16-le")) // 2


def _atoms(source: str) -> list[_Atom]:
    atoms = []
    for token in _TOKEN.findall(source):
        if token.startswith("<") and (name := _TAG_NAME.match(token)):
            tag = name.group(1).lower()
            closing = token.startswith("</")
            atoms.append(
                _Atom(token, opens=None if closing else tag, closes=tag if closing else None)
            )
        else:
            atoms.append(_Atom(token, html.unescape(token) if token.startswith("&") else token))
    return atoms


def _is_glued(atom: _Atom) -> bool:
    """True if ``atom`` must stay with the character before it (no cut just before it)."""
    return atom.char in _JOINERS or (len(atom.char) == 1 and unicodedata.combining(atom.char) > 0)


def _cut_index(atoms: list[_Atom], start: int, end: int, limit: int) -> int:
    """Where to end a chunk that starts at ``start`` and overflows at ``end``."""
    floor = limit // 2
    visible = 0
    best: dict[int, int] = {}
    for i in range(start, end):
        visible += atoms[i].units
        char = atoms[i].char
        if char in ("\n", " ") and visible >= floor:
            paragraph = char == "\n" and i > start and atoms[i - 1].char == "\n"
            rank = 0 if paragraph else 1 if char == "\n" else 2
            best[rank] = i + 1
    for rank in (0, 1, 2):
        if rank in best:
            return best[rank]
    cut = end
    while cut > start + 1 and (_is_glued(atoms[cut]) or atoms[cut - 1].char == "\u200d"):
        cut -= 1
    return cut


def split_html(source: str, limit: int = TELEGRAM_TEXT_LIMIT) -> list[str]:
    """Split well-formed Telegram HTML into chunks whose parsed text is at most ``limit``
    UTF-16 code units; chunks that would be blank are dropped."""
    if limit < 2:
        raise ValueError("limit too small")
    if _fits_whole(source, limit):
        return [source]
    atoms = _atoms(source)
    chunks: list[str] = []
    stack: list[_Atom] = []
    start = 0
    while start < len(atoms):
        reopen = list(stack)
        visible, end = 0, start
        while end < len(atoms) and visible + atoms[end].units <= limit:
            visible += atoms[end].units
            end += 1
        cut = end if end == len(atoms) else _cut_index(atoms, start, end, limit)
        while cut > start + 1 and atoms[cut - 1].opens:  # don't leave an empty tag behind
            cut -= 1
        body = atoms[start:cut]
        for atom in body:
            if atom.opens:
                stack.append(atom)
            elif atom.closes and stack and stack[-1].closes is None:
                stack.pop()
        text = "".join(a.source for a in [*reopen, *body])
        text += "".join(f"</{a.opens}>" for a in reversed(stack))
        if any(a.char.strip() for a in body):
            chunks.append(text)
        start = cut
    return chunks


def _fits_whole(source: str, limit: int) -> bool:
    """True when ``source`` is one chunk as it stands, known without parsing it (most replies):
    its own length in UTF-16 units is within ``limit`` (tags and entities only add to it), it
    shows a character outside any tag or entity (so it is not blank), it has no stray ``<``
    and does not end in an opening tag (both of which the parse would drop)."""
    if len(source) * 2 > limit and len(source.encode("utf-16-le")) // 2 > limit:
        return False
    if source.endswith(">") and not source[source.rfind("<") :].startswith("</"):
        return False
    shown = _MARKUP.sub("", source)
    return "<" not in shown and bool(shown.strip())
