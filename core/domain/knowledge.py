"""Knowledge-base entities: articles, each suggestion shown, and the questions we could not answer."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class ArticleStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"  # only these are suggested
    ARCHIVED = "archived"


class SuggestionOutcome(StrEnum):
    PENDING = "pending"  # shown, no answer yet
    HELPED = "helped"  # "this solved it": a deflected request
    NOT_HELPED = "not_helped"
    ESCALATED = "escalated"  # went on to a ticket
    NONE_FOUND = "none_found"  # nothing cleared the confidence threshold


class UnansweredReason(StrEnum):
    NO_SUGGESTION = "no_suggestion"
    NOT_HELPED = "not_helped"


@dataclass(eq=False)
class Article:
    id: str  # slug, e.g. vpn-connect
    title: str
    body: str  # Markdown
    language: str
    category: str = ""
    tags: list[str] = dataclasses.field(default_factory=list)
    phrasings: list[str] = dataclasses.field(default_factory=list)
    status: ArticleStatus = ArticleStatus.PUBLISHED
    # The id of the article this one translates: a translation group is suggested once, in the
    # asker's language when it has a member in it.
    translation_of: str | None = None
    author: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    suggested_count: int = 0
    opened_count: int = 0
    helped_count: int = 0
    not_helped_count: int = 0


@dataclass(eq=False)
class SuggestionEvent:
    """One time the bot suggested articles for a question (or found none)."""

    question: str
    channel: str
    article_ids: list[str] = dataclasses.field(default_factory=list)
    scores: list[float] = dataclasses.field(default_factory=list)
    language: str | None = None
    person_id: int | None = None
    outcome: SuggestionOutcome = SuggestionOutcome.PENDING
    helped_article_id: str | None = None
    ticket_id: int | None = None
    created_at: datetime | None = None
    answered_at: datetime | None = None
    id: int | None = None


@dataclass(eq=False)
class UnansweredQuestion:
    """A group of near-identical questions the knowledge base did not answer: a new article's brief."""

    normalized: str
    sample: str
    reason: UnansweredReason
    language: str | None = None
    count: int = 1
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    resolved: bool = False  # an admin covered it with an article, or dismissed it
    id: int | None = None


class CandidateStatus(StrEnum):
    PENDING = "pending"  # collecting confirmations; a curator may decide early
    ACCEPTED = "accepted"  # added to the article's phrasings (by a curator or automatically)
    REJECTED = "rejected"  # a curator said no: never added, however many confirm it


class ConfirmationSource(StrEnum):
    HELPED = "helped"  # the asker pressed "this solved it" on a suggestion
    AGENT_LINK = "agent_link"  # an agent answered the requester's ticket with the article


@dataclass(eq=False)
class PhrasingCandidate:
    """A question people asked that an article answered: a phrasing the article may learn.

    Near-identical questions for one article are one candidate; ``people`` counts the distinct
    people who confirmed it (a "this solved it", or an agent sending them the article)."""

    article_id: str
    normalized: str
    sample: str
    status: CandidateStatus = CandidateStatus.PENDING
    people: int = 0
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    decided_at: datetime | None = None
    decided_by: str | None = None  # a curator's name, or "automatic"
    id: int | None = None
