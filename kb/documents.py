"""The article text the suggestion engine indexes."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ArticleText", "LANGUAGES"]

LANGUAGES = ("en", "ru")


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
