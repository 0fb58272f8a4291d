"""Fusing the lexical and semantic signals, per translation group, and deciding whether to answer.

A translation group (an article and its translations) is one topic, so its
evidence is the best of its members': the best lexical confidence, lexical
in-scope confidence, term coverage and cosine.  Two numbers come of it:

* ``rank`` orders the groups: a weighted mean of the lexical confidence and
  the cosine mapped to 0..1 between a floor and a ceiling,

      rank = (1 - w) * lexical + w * semantic01

* ``in_scope`` is the probability that the question is about this group's
  topic at all, from a small logistic model over the group's signals *in the
  context of the other candidates* (:data:`DECISION_FEATURES`: the lexical
  in-scope confidence, the cosine, the best cosine of any article, the margin
  of its rank over the best other group, whether both signals put it first,
  how much of the question it covers...).  A question whose words all point
  at one article but whose meaning does not (a near-topic request), or the
  reverse (a paraphrase), is judged on both.

The best group is answered only when its ``in_scope`` reaches the threshold;
runners-up are shown while their rank is at least ``runner_up_share`` of the
best one's.  Every number is fitted by ``bench/kb_fit.py`` (cross-validation
over the question sets; the frozen set is never used to fit) and shipped here
as constants; ``w = 0`` with the cosine features' weights 0 is the lexical
engine alone.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from kb.ranking import Candidate, scope_confidence

__all__ = [
    "DECISION_FEATURES",
    "DEFAULT_FUSION",
    "LEXICAL_ONLY",
    "FusionParams",
    "GroupEvidence",
    "Signals",
    "decision_features",
    "fuse",
]

DECISION_FEATURES = (
    "scope",  # the group's lexical in-scope confidence
    "lexical",  # its lexical confidence
    "coverage",  # share of the question's term weight it matches
    "key_coverage",  # the same in title and tags
    "fuzzy",  # rapidfuzz similarity of the question's terms and its key terms
    "margin",  # its rank less the best other group's
    "cosine",  # its cosine with the question
    "best_cosine",  # the best cosine of any candidate (how close the base comes at all)
    "cosine_margin",  # its cosine less the best other group's
    "agreement",  # 1 when it is first by the lexical signal and by the cosine
)


@dataclass(frozen=True, slots=True)
class FusionParams:
    semantic_weight: float  # share of the cosine in the rank
    semantic_floor: float  # cosine that counts as no semantic evidence
    semantic_ceiling: float  # cosine that counts as full evidence
    decision: tuple[float, ...]  # intercept, then one weight per DECISION_FEATURES
    threshold: float  # in-scope probability the best answer needs
    runner_up_share: float = 0.5  # share of the best rank a runner-up needs

    def semantic01(self, cosine: float) -> float:
        span = self.semantic_ceiling - self.semantic_floor
        return min(1.0, max(0.0, (cosine - self.semantic_floor) / span)) if span > 0 else 0.0

    def probability(self, features: Sequence[float]) -> float:
        z = self.decision[0] + sum(w * f for w, f in zip(self.decision[1:], features, strict=True))
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))


@dataclass(slots=True)
class Signals:
    """What the two signals say about one article (0 where a signal did not find it)."""

    lexical: float = 0.0  # the lexical confidence (ranking)
    scope: float = 0.0  # the lexical in-scope confidence
    coverage: float = 0.0
    key_coverage: float = 0.0
    fuzzy: float = 0.0
    semantic: float = 0.0  # cosine of the question and article vectors

    @classmethod
    def of(cls, c: Candidate) -> Signals:
        return cls(c.confidence, scope_confidence(c), c.coverage, c.key_coverage, c.fuzzy)

    def order(self) -> tuple[float, float, float]:
        return (self.lexical, self.scope, self.semantic)


@dataclass(slots=True)
class GroupEvidence:
    group: str
    article_id: str  # the member to show: the asker's language when the group has it
    lexical: float = 0.0
    scope: float = 0.0
    coverage: float = 0.0
    key_coverage: float = 0.0
    fuzzy: float = 0.0
    semantic: float = 0.0  # cosine
    rank: float = 0.0
    in_scope: float = 0.0

    def take(self, signals: Signals) -> None:
        """Add one member's signals: the group's evidence is the best of its members'."""
        self.lexical = max(self.lexical, signals.lexical)
        self.scope = max(self.scope, signals.scope)
        self.coverage = max(self.coverage, signals.coverage)
        self.key_coverage = max(self.key_coverage, signals.key_coverage)
        self.fuzzy = max(self.fuzzy, signals.fuzzy)
        self.semantic = max(self.semantic, signals.semantic)


def _best_other(values: Sequence[float]) -> list[float]:
    """For each position, the largest value at any other position (0 when there is none)."""
    if len(values) < 2:
        return [0.0] * len(values)
    first = max(range(len(values)), key=values.__getitem__)
    second = max(v for i, v in enumerate(values) if i != first)
    return [second if i == first else values[first] for i in range(len(values))]


def decision_features(groups: Sequence[GroupEvidence]) -> list[list[float]]:
    """The :data:`DECISION_FEATURES` of each group (``rank`` must be filled in)."""
    if not groups:
        return []
    ranks = [g.rank for g in groups]
    cosines = [g.semantic for g in groups]
    best_cosine = max(cosines)
    other_rank, other_cosine = _best_other(ranks), _best_other(cosines)
    top_lexical = max(range(len(groups)), key=lambda i: (groups[i].lexical, -i))
    top_cosine = max(range(len(groups)), key=lambda i: (cosines[i], -i))
    return [
        [
            g.scope,
            g.lexical,
            g.coverage,
            g.key_coverage,
            g.fuzzy,
            g.rank - other_rank[i],
            g.semantic,
            best_cosine,
            g.semantic - other_cosine[i],
            1.0 if i == top_lexical == top_cosine else 0.0,
        ]
        for i, g in enumerate(groups)
    ]


def fuse(groups: Sequence[GroupEvidence], params: FusionParams) -> list[GroupEvidence]:
    """The groups best first, with ``rank`` and ``in_scope`` filled in."""
    w = params.semantic_weight
    for g in groups:
        semantic = params.semantic01(g.semantic) if w else 0.0
        g.rank = (1.0 - w) * g.lexical + w * semantic
    ranked = sorted(groups, key=lambda g: (-g.rank, g.group))
    for g, features in zip(ranked, decision_features(ranked), strict=True):
        g.in_scope = params.probability(features)
    return ranked


# Fitted by `bench/kb_fit.py` (5-fold cross-validation over dev, extra and check; the frozen
# set is not used): out of fold hit@1 0.930, hit@3 0.965, out-of-scope rejection 0.878.
DEFAULT_FUSION = FusionParams(
    semantic_weight=0.3,
    semantic_floor=0.2,
    semantic_ceiling=0.6,
    decision=(-7.255, 3.459, 2.373, 3.699, -0.741, 0.272, 3.081, 7.157, 8.074, -0.381, -0.343),
    threshold=0.52,
)
# The lexical engine on its own (CHATDESK_KB_SEMANTIC=off, or no model): `kb_fit.py --lexical`
# (out of fold hit@1 0.892, hit@3 0.949, out-of-scope rejection 0.851).
LEXICAL_ONLY = FusionParams(
    semantic_weight=0.0,
    semantic_floor=0.0,
    semantic_ceiling=1.0,
    decision=(-5.618, 7.134, 4.223, 4.097, -0.826, 1.051, -0.190, 0.0, 0.0, 0.0, 0.0),
    threshold=0.63,
)
