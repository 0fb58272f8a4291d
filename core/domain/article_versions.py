"""The history of a knowledge-base article: every saved version, who made it and when, and the
changes agents propose for a supervisor to apply."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from core.domain.knowledge import Article, ArticleStatus

CONTENT_FIELDS = ("title", "body", "language", "category", "tags", "phrasings", "status")


class VersionState(StrEnum):
    APPLIED = "applied"  # the article was (at that time) this
    PROPOSED = "proposed"  # an agent's change, waiting for a supervisor
    DISCARDED = "discarded"  # a proposal a supervisor turned down


@dataclass(eq=False)
class ArticleVersion:
    article_id: str
    number: int  # 1, 2, ... per article
    title: str
    body: str
    language: str
    category: str
    tags: list[str] = dataclasses.field(default_factory=list)
    phrasings: list[str] = dataclasses.field(default_factory=list)
    status: ArticleStatus = ArticleStatus.DRAFT
    action: str = "edited"  # created, edited, published, archived, phrasing added, proposed
    state: VersionState = VersionState.APPLIED
    author_id: int | None = None
    author_name: str = ""
    created_at: datetime | None = None
    id: int | None = None

    def content(self) -> dict[str, object]:
        return {name: getattr(self, name) for name in CONTENT_FIELDS}


def snapshot(article: Article | ArticleVersion) -> dict[str, object]:
    """What a version keeps of an article (or another version)."""
    return {
        name: list(value) if isinstance(value, list) else value
        for name in CONTENT_FIELDS
        for value in [getattr(article, name)]
    }


def action_for(before: ArticleStatus | None, after: ArticleStatus) -> str:
    """The word for what a save did, for the history (``before``: None for a new article)."""
    if before is None:
        return "created"
    if before != after:
        return {
            ArticleStatus.PUBLISHED: "published",
            ArticleStatus.ARCHIVED: "archived",
            ArticleStatus.DRAFT: "unpublished",
        }[after]
    return "edited"


def may_save_directly(
    *, supervisor: bool, before: ArticleStatus | None, after: ArticleStatus
) -> bool:
    """Supervisors and admins edit anything. Agents write drafts (new ones, or drafts that stay
    drafts); a change they make to a published or archived article is a proposal."""
    return supervisor or (before in (None, ArticleStatus.DRAFT) and after == ArticleStatus.DRAFT)
