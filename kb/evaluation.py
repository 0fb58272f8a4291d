"""Quality metrics for article suggestions (pure functions, no I/O).

A question is a mapping with ``q`` (text), ``lang`` and ``expected`` (an
article id, or None when no article covers it).  ``suggest`` is any callable
returning ranked article ids (or objects with an ``article_id``) for a text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from kb.documents import ArticleText, twin_by_name

__all__ = ["Metrics", "Evaluation", "evaluate", "link_suffix_translations", "ranked_ids"]


class _HasArticleId(Protocol):
    @property
    def article_id(self) -> str: ...


SuggestFn = Callable[[str], Sequence[str | _HasArticleId]]


@dataclass(frozen=True, slots=True)
class Metrics:
    n: int  # questions with an expected article
    hit_at_1: float
    hit_at_3: float
    mrr: float
    n_oos: int  # questions with expected = None
    oos_rejection: float  # share of those answered with []


@dataclass(frozen=True, slots=True)
class Evaluation:
    overall: Metrics
    by_language: dict[str, Metrics] = field(default_factory=dict)
    misses: tuple[tuple[str, str | None, tuple[str, ...]], ...] = ()  # (q, expected, got)


def ranked_ids(result: Sequence[str | _HasArticleId]) -> tuple[str, ...]:
    return tuple(r if isinstance(r, str) else r.article_id for r in result)


@dataclass(slots=True)
class _Tally:
    n: int = 0
    hit1: int = 0
    hit3: int = 0
    reciprocal: float = 0.0
    n_oos: int = 0
    rejected: int = 0

    def add(self, expected: str | None, got: tuple[str, ...]) -> None:
        if expected is None:
            self.n_oos += 1
            self.rejected += not got
            return
        self.n += 1
        self.hit1 += got[:1] == (expected,)
        self.hit3 += expected in got[:3]
        if expected in got:
            self.reciprocal += 1.0 / (got.index(expected) + 1)

    def metrics(self) -> Metrics:
        n = self.n or 1
        return Metrics(
            n=self.n,
            hit_at_1=self.hit1 / n,
            hit_at_3=self.hit3 / n,
            mrr=self.reciprocal / n,
            n_oos=self.n_oos,
            oos_rejection=self.rejected / self.n_oos if self.n_oos else 1.0,
        )


def evaluate(questions: Iterable[Mapping[str, Any]], suggest: SuggestFn) -> Evaluation:
    """hit@1, hit@3 and MRR over in-scope questions, out-of-scope rejection over
    the others, overall and per ``lang``; ``misses`` lists every wrong answer."""
    overall = _Tally()
    per_language: dict[str, _Tally] = {}
    misses: list[tuple[str, str | None, tuple[str, ...]]] = []
    for question in questions:
        text = str(question["q"])
        expected = question.get("expected")
        expected_id = None if expected is None else str(expected)
        got = ranked_ids(suggest(text))
        overall.add(expected_id, got)
        per_language.setdefault(str(question.get("lang", "?")), _Tally()).add(expected_id, got)
        if (expected_id is None and got) or (expected_id is not None and got[:1] != (expected_id,)):
            misses.append((text, expected_id, got))
    return Evaluation(
        overall=overall.metrics(),
        by_language={lang: t.metrics() for lang, t in sorted(per_language.items())},
        misses=tuple(misses),
    )


def link_suffix_translations(articles: Iterable[ArticleText]) -> list[ArticleText]:
    """Articles with ``translation_of`` set by the naming rule (:func:`kb.documents.twin_by_name`)
    where they have no explicit link: the shared KB dataset predates ``translation_of``
    (import links the same way)."""
    items = list(articles)
    known = {a.id: (a.language, a.translation_of) for a in items}
    linked = []
    for a in items:
        twin = None if a.translation_of else twin_by_name(a.id, a.language, known)
        linked.append(replace(a, translation_of=twin) if twin else a)
    return linked
