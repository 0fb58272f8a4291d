"""Reranking of prefiltered candidates and the confidence score."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from kb.analyzer import QueryAnalysis
from kb.index import InvertedIndex

__all__ = ["Candidate", "DocInfo", "rank", "scope_confidence"]

SAME_LANGUAGE_BOOST = 1.08
SENTENCE_DISCOUNT = 0.85
# An answer sharing a single term with the question is thin evidence that the
# question is in scope: each question term beyond the second adds this much to
# the divisor of its in-scope confidence (see scope_confidence).
THIN_SUPPORT_PENALTY = 0.1


@dataclass(frozen=True, slots=True)
class DocInfo:
    article_id: str
    language: str
    category: str
    key_terms: frozenset[str]  # terms of title and tags
    short: str  # the same terms as one string, for rapidfuzz


@dataclass(slots=True)
class Candidate:
    article_id: str
    slot: int
    bm25: float
    coverage: float
    key_coverage: float
    fuzzy: float
    confidence: float = 0.0
    support: int = 0  # distinct question terms the document contains
    said: int = 0  # distinct question terms and unknown words
    language: str = ""


def _coverage(
    part: QueryAnalysis, slot: int, doc: DocInfo, index: InvertedIndex
) -> tuple[float, float, int]:
    """Share of the part's IDF mass the document matches (anywhere; in key
    fields), and how many distinct terms of the part it matches."""
    terms = part.terms
    total = sum(index.idf(t) * w for t, w in terms.items())
    total += sum(index.idf("\0" + w) for w in set(part.unknown))
    if not total:
        return 0.0, 0.0, 0
    matched = [t for t in terms if index.weight(t, slot) > 0.0]
    mass = sum(index.idf(t) * terms[t] for t in matched)
    key_mass = sum(index.idf(t) * terms[t] for t in matched if t in doc.key_terms)
    return mass / total, key_mass / total, len(matched)


def rank(
    analysis: QueryAnalysis,
    top: list[tuple[int, float]],
    docs: Mapping[int, DocInfo],
    index: InvertedIndex,
    asker: str | None,
    sentences: Sequence[QueryAnalysis] = (),
) -> list[Candidate]:
    """Rerank prefiltered (slot, BM25) pairs.  For long messages *sentences*
    are analysed separately: the best sentence may carry the whole question."""
    query_string = " ".join(sorted(analysis.terms))
    said = len(analysis.terms) + len(set(analysis.unknown))
    best_bm25 = top[0][1]
    out: list[Candidate] = []
    for slot, bm25 in top:
        doc = docs[slot]
        coverage, key_coverage, support = _coverage(analysis, slot, doc, index)
        for sentence in sentences:
            part, part_key, _ = _coverage(sentence, slot, doc, index)
            coverage = max(coverage, SENTENCE_DISCOUNT * part)
            key_coverage = max(key_coverage, SENTENCE_DISCOUNT * part_key)
        cand = Candidate(
            article_id=doc.article_id,
            slot=slot,
            bm25=bm25,
            coverage=coverage,
            key_coverage=key_coverage,
            fuzzy=fuzz.token_set_ratio(query_string, doc.short) / 100.0,
            language=doc.language,
            support=support,
            said=said,
        )
        cand.confidence = _confidence(cand, best_bm25)
        out.append(cand)
    # Sort on the uncapped score, so two candidates that both reach the 1.0 cap
    # keep their real order; the reported confidence is capped.
    keys = {id(c): c.confidence for c in out}
    for cand in out:
        if asker and cand.language == asker:
            keys[id(cand)] = cand.confidence * SAME_LANGUAGE_BOOST
        cand.confidence = min(1.0, keys[id(cand)])
    out.sort(key=lambda c: -keys[id(c)])
    return out


def _confidence(c: Candidate, best_bm25: float) -> float:
    strength = 1.0 - math.exp(-c.bm25 / 8.0)
    relative = c.bm25 / best_bm25 if best_bm25 else 0.0
    raw = 0.35 * c.coverage + 0.4 * c.key_coverage + 0.15 * c.fuzzy + 0.1 * strength
    return max(0.0, min(1.0, raw * (0.6 + 0.4 * relative)))


def scope_confidence(c: Candidate) -> float:
    """Confidence that the question is in scope at all, given its best answer.

    Ranking uses ``confidence``; deciding whether to answer also weighs how
    many of the question's terms the answer shares.  When that is a single
    term while the question says more (other known terms, or words no article
    contains), the match is a shared word rather than a shared topic - the
    typical near-topic request ("blinds in the meeting room", "salary this
    month") - so the score is discounted for each unexplained term.
    """
    if c.support == 1 and c.said > 2:
        return c.confidence / (1.0 + THIN_SUPPORT_PENALTY * (c.said - 2))
    return c.confidence
