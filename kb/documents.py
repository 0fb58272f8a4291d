"""The article text the suggestion engine indexes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["ArticleText", "LANGUAGES", "TWIN_SUFFIX", "twin_by_name"]

LANGUAGES = ("en", "ru")
# The naming rule of knowledge bases that predate ``translation_of`` (the shared dataset's
# README documents it): the Russian translation of article ``X`` is named ``X-ru``.
TWIN_SUFFIX = {"ru": "-ru"}


@dataclass(frozen=True, slots=True)
class ArticleText:
    """What the engine indexes for one knowledge-base article."""

    id: str  # slug
    title: str
    body: str  # Markdown
    language: str  # "en" | "ru"
    category: str = ""
    tags: tuple[str, ...] = ()
    phrasings: tuple[str, ...] = ()  # alternative questions people ask for it
    # The id of the article this one translates; articles linked this way (directly or
    # through the same original) form one translation group, suggested once.
    translation_of: str | None = None

    @property
    def group(self) -> str:
        """The id that names this article's translation group."""
        return self.translation_of or self.id


def twin_by_name(
    article_id: str, language: str, known: Mapping[str, tuple[str, str | None]]
) -> str | None:
    """The translation group *article_id* joins by the naming rule, or None.

    *known* maps the ids of the other articles to their (language, translation_of).
    ``X-ru`` (in Russian) translates ``X`` when ``X`` exists in another language; it joins
    ``X``'s group (``X`` itself, or the article ``X`` translates). Callers apply this only
    to articles without an explicit ``translation_of``: an explicit link wins.
    """
    suffix = TWIN_SUFFIX.get(language)
    if suffix is None or not article_id.endswith(suffix):
        return None
    original = article_id.removesuffix(suffix)
    found = known.get(original)
    if not original or found is None or found[0] == language:
        return None
    return found[1] or original
