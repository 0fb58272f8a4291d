"""A ticket's description as the intake writes it, and read back for its card.

The description is the record people read in the panel and on the command line: the question,
the details added during the intake, and a last paragraph naming the suggested articles that did
not help. A card shows the same parts apart (the person's words short, the articles as one line),
so writing and reading the paragraphs live together here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from core.i18n import N_, gettext
from core.settings import SUPPORTED_LANGUAGES

TRIED = N_("Suggested articles that did not help: {titles}")
TITLE_SEPARATOR = "; "


def compose(question: str, details: Sequence[str], tried: Sequence[str], language: str) -> str:
    """The description: the question, each detail, then (when any) the articles tried, in the
    desk's ``language``."""
    parts = [question.strip(), *(d.strip() for d in details)]
    if tried:
        parts.append(gettext(language, TRIED, titles=TITLE_SEPARATOR.join(tried)))
    return "\n\n".join(p for p in parts if p)


@dataclass(frozen=True, slots=True)
class DescriptionParts:
    words: str  # what the requester wrote, without the title it starts with
    tried: tuple[str, ...]  # the titles of the articles that did not help


def read(description: str, title: str) -> DescriptionParts:
    """Split a description into the requester's words and the articles tried (in whichever
    supported language it was written). The title is cut from the start of the words, so a
    card does not say it twice."""
    prefixes = tuple(
        gettext(language, TRIED).split("{titles}")[0] for language in SUPPORTED_LANGUAGES
    )
    words: list[str] = []
    tried: list[str] = []
    for paragraph in description.strip().split("\n\n"):
        prefix = next((p for p in prefixes if paragraph.startswith(p)), None)
        if prefix is None:
            words.append(paragraph)
        else:
            tried += [t for t in paragraph[len(prefix) :].split(TITLE_SEPARATOR) if t.strip()]
    text = "\n\n".join(words).strip()
    shown = title[:-1].rstrip() if title.endswith("…") else title
    if shown and text.startswith(shown):
        text = text[len(shown) :].strip()
        if shown != title and text:  # a long first line was cut for the title: it goes on here
            text = "…" + text
    return DescriptionParts(words=text.strip(), tried=tuple(t.strip() for t in tried))
