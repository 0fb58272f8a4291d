"""A conversation's stored state: the step of the dialogue a chat is in, and the typed draft of
what it has gathered so far. Stored as JSON; every waiting step expires."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from core.messages import Attachment


class Step(StrEnum):
    """Where a chat's dialogue stands: what the bot is waiting for."""

    IDLE = "idle"  # nothing: a message is a new question (or goes to the open ticket)
    ASKING = "asking"  # the question, after /new or a file sent alone
    SUGGESTING = "suggesting"  # a choice among suggested articles
    READING = "reading"  # whether the opened article helped
    CATEGORY = "category"  # intake: what the request is about
    IMPACT = "impact"  # intake: who is affected
    URGENCY = "urgency"  # intake: how urgent
    DETAILS = "details"  # intake: details and files until Done
    SUMMARY = "summary"  # intake: Create or Edit
    RESUMING = "resuming"  # an idle draft: continue it, or start a new request?
    FOLLOWED = "followed"  # a message went to the open ticket: or start a new request instead?
    CHOOSING = "choosing"  # which open ticket a message is about
    RATING_COMMENT = "rating_comment"  # an optional comment after a rating

    @property
    def is_intake(self) -> bool:
        return self in INTAKE_STEPS


INTAKE_STEPS = frozenset({Step.CATEGORY, Step.IMPACT, Step.URGENCY, Step.DETAILS, Step.SUMMARY})


@dataclass(frozen=True, slots=True)
class IdleLimits:
    """How long each kind of waiting lasts. After that, a message no longer answers the
    question the bot asked: it starts anew (an idle intake draft is offered back first)."""

    draft: timedelta = timedelta(minutes=30)  # intake steps
    rating_comment: timedelta = timedelta(minutes=5)
    prompt: timedelta = timedelta(minutes=15)  # every other waiting step

    def for_step(self, step: Step) -> timedelta | None:
        if step is Step.IDLE:
            return None
        if step.is_intake:
            return self.draft
        if step is Step.RATING_COMMENT:
            return self.rating_comment
        return self.prompt


@dataclass(slots=True)
class Suggestions:
    """The articles suggested for the question, and what the person did with them."""

    event_id: int
    article_ids: list[str]
    titles: list[str]
    rejected: list[str] = field(default_factory=list)  # article ids found not helpful
    reading: int | None = None  # index of the article open now

    def remaining(self) -> list[tuple[int, str]]:
        """(index, title) of the articles not rejected yet."""
        return [
            (index, title)
            for index, (article_id, title) in enumerate(
                zip(self.article_ids, self.titles, strict=True)
            )
            if article_id not in self.rejected
        ]


@dataclass(slots=True)
class Draft:
    """What a conversation has gathered. Each step uses the fields it needs; a new step starts
    from a fresh draft unless it carries the old one on explicitly."""

    question: str = ""
    files: list[Attachment] = field(default_factory=list)
    suggestions: Suggestions | None = None
    category_id: int | None = None
    impact: int | None = None
    urgency: int | None = None
    details: list[str] = field(default_factory=list)
    tickets: list[int] = field(default_factory=list)  # CHOOSING: the candidates; RATING: the one
    resume_step: Step | None = None  # RESUMING: where the idle draft stood
    pending: str = ""  # RESUMING: the message that found the draft idle

    def to_json(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["files"] = [dataclasses.asdict(file) for file in self.files]
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Draft:
        known = {f.name for f in dataclasses.fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        values["files"] = [Attachment(**file) for file in values.get("files") or []]
        if values.get("suggestions") is not None:
            values["suggestions"] = Suggestions(**values["suggestions"])
        if values.get("resume_step") is not None:
            values["resume_step"] = Step(values["resume_step"])
        return cls(**values)


@dataclass(eq=False)
class Conversation:
    """One chat's dialogue position."""

    channel: str
    chat_ref: str
    person_id: int
    step: Step = Step.IDLE
    draft: Draft = field(default_factory=Draft)
    updated_at: datetime | None = None

    def go(self, step: Step, draft: Draft | None = None) -> None:
        """Move to ``step`` with ``draft`` (a fresh one when not given: nothing carried over
        implicitly)."""
        self.step = step
        self.draft = draft if draft is not None else Draft()

    def reset(self) -> None:
        self.go(Step.IDLE)

    def idle_for(self, now: datetime) -> timedelta:
        return now - self.updated_at if self.updated_at else timedelta(0)

    def expired(self, now: datetime, limits: IdleLimits) -> bool:
        """True when the bot has waited in this step longer than its limit."""
        limit = limits.for_step(self.step)
        return limit is not None and self.idle_for(now) > limit
