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
