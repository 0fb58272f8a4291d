"""Fusing the lexical and semantic signals, per translation group.

A translation group (an article and its translations) is one topic, so its
evidence is the best of its members: the best lexical confidence, the best
lexical in-scope confidence and the best cosine.  The semantic cosine is
mapped to 0..1 between a floor and a ceiling, and both scores are a weighted
mean of the two signals, each with its own weight (a paraphrase that shares no
word with its article has only semantic evidence that it is in scope, while
ranking close topics still leans on the exact words):

    rank  = (1 - w) * lexical + w * semantic01
    scope = (1 - s) * lexical_scope + s * semantic01

The best group is answered only when its ``scope`` reaches the threshold;
runners-up are shown down to ``runner_up_floor * threshold``.  The numbers are
fitted by ``bench/kb_fit.py`` (cross-validation over every question set);
``w = s = 0`` is the lexical engine alone.
"""

from __future__ import annotations

from dataclasses import dataclass

from kb.ranking import Candidate, scope_confidence

__all__ = ["DEFAULT_FUSION", "LEXICAL_ONLY", "FusionParams", "GroupEvidence", "Signals", "fuse"]


@dataclass(frozen=True, slots=True)
class FusionParams:
    semantic_weight: float
    semantic_floor: float  # cosine that counts as no semantic evidence
    semantic_ceiling: float  # cosine that counts as full evidence
    threshold: float  # in-scope score the best answer needs
    scope_weight: float | None = None  # the semantic share of the in-scope score (None: w)
    runner_up_floor: float = 0.5  # share of the threshold runners-up need

    def semantic01(self, cosine: float) -> float:
        span = self.semantic_ceiling - self.semantic_floor
        return min(1.0, max(0.0, (cosine - self.semantic_floor) / span)) if span > 0 else 0.0


@dataclass(slots=True)
class Signals:
    """What the two signals say about one article (0 where a signal did not find it)."""

    lexical: float = 0.0  # the lexical confidence (ranking)
    scope: float = 0.0  # the lexical in-scope confidence
    coverage: float = 0.0  # share of the question's term weight the article matches
    key_coverage: float = 0.0  # the same in its title, tags and phrasings
    fuzzy: float = 0.0  # rapidfuzz similarity of the question's terms and its key terms
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


def fuse(evidence: GroupEvidence, params: FusionParams) -> GroupEvidence:
    """Fill in ``rank`` and ``in_scope`` of *evidence* from its signals."""
    w = params.semantic_weight
    s = w if params.scope_weight is None else params.scope_weight
    semantic = params.semantic01(evidence.semantic) if w or s else 0.0
    evidence.rank = (1.0 - w) * evidence.lexical + w * semantic
    evidence.in_scope = (1.0 - s) * evidence.scope + s * semantic
    return evidence


# Fitted by `bench/kb_fit.py` (5-fold cross-validation over dev, extra, check and frozen).
DEFAULT_FUSION = FusionParams(
    semantic_weight=0.5, semantic_floor=0.1, semantic_ceiling=0.8, threshold=0.33, scope_weight=0.4
)
# The lexical engine on its own (CHATDESK_KB_SEMANTIC=off, or no model): `kb_fit.py --lexical`.
LEXICAL_ONLY = FusionParams(
    semantic_weight=0.0, semantic_floor=0.0, semantic_ceiling=1.0, threshold=0.36
)
