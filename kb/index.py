"""Incremental inverted index with BM25F-style term weights.

Postings live in per-term dicts (O(1) add/remove for one article); numpy
arrays are built lazily per term and cached until that term changes, so a
question costs one vectorised gather per query term even at 100k articles.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping

import numpy as np
import numpy.typing as npt

__all__ = ["FieldTerms", "InvertedIndex"]

K1 = 1.2
# field -> (boost, length-normalisation b, nominal average length in terms)
FIELDS: dict[str, tuple[float, float, float]] = {
    "title": (3.0, 0.3, 6.0),
    "tags": (2.0, 0.3, 6.0),
    "phrasings": (2.5, 0.5, 20.0),
    "category": (0.5, 0.0, 1.0),
    "body": (1.0, 0.75, 120.0),
}

FieldTerms = Mapping[str, list[str]]
FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


def term_weights(fields: FieldTerms) -> dict[str, float]:
    """Saturated BM25F term weight (without IDF) for each term of a document."""
    effective: dict[str, float] = {}
    for name, terms in fields.items():
        boost, b, avg = FIELDS[name]
        if not terms:
            continue
        unit = boost / (1.0 - b + b * len(terms) / avg)
        for term, tf in Counter(terms).items():
            effective[term] = effective.get(term, 0.0) + unit * tf
    return {t: tf * (K1 + 1.0) / (tf + K1) for t, tf in effective.items()}


class InvertedIndex:
    def __init__(self) -> None:
        self._postings: dict[str, dict[int, float]] = {}
        self._arrays: dict[str, tuple[IntArray, FloatArray]] = {}
        self._doc_terms: dict[int, tuple[str, ...]] = {}
        self._capacity = 0

    @property
    def size(self) -> int:
        return len(self._doc_terms)

    def __contains__(self, term: str) -> bool:
        return term in self._postings

    def df(self, term: str) -> int:
        postings = self._postings.get(term)
        return len(postings) if postings else 0

    def idf(self, term: str) -> float:
        """BM25 IDF; a term seen in no document gets the IDF of a one-document term."""
        n = max(self.size, 1)
        df = max(self.df(term), 1)
        return math.log(1.0 + (n - df + 0.5) / (df + 0.5))

    def add(self, slot: int, fields: FieldTerms) -> None:
        self.remove(slot)
        weights = term_weights(fields)
        postings = self._postings
        for term, weight in weights.items():
            found = postings.get(term)
            if found is None:
                postings[term] = {slot: weight}
            else:
                found[slot] = weight
        if self._arrays:
            for term in weights:
                self._arrays.pop(term, None)
        self._doc_terms[slot] = tuple(weights)
        self._capacity = max(self._capacity, slot + 1)

    def remove(self, slot: int) -> None:
        for term in self._doc_terms.pop(slot, ()):
            postings = self._postings[term]
            del postings[slot]
            self._arrays.pop(term, None)
            if not postings:
                del self._postings[term]

    def weight(self, term: str, slot: int) -> float:
        postings = self._postings.get(term)
        return postings.get(slot, 0.0) if postings else 0.0

    def _array(self, term: str) -> tuple[IntArray, FloatArray]:
        cached = self._arrays.get(term)
        if cached is None:
            postings = self._postings[term]
            slots = np.fromiter(postings.keys(), dtype=np.int64, count=len(postings))
            weights = np.fromiter(postings.values(), dtype=np.float64, count=len(postings))
            cached = (slots, weights)
            self._arrays[term] = cached
        return cached

    def top(self, query: Mapping[str, float], k: int) -> list[tuple[int, float]]:
        """The *k* best (slot, BM25 score) pairs for weighted query terms."""
        present = [(t, w) for t, w in query.items() if t in self._postings]
        if not present or k <= 0:
            return []
        scores = np.zeros(self._capacity, dtype=np.float64)
        for term, qweight in present:
            slots, weights = self._array(term)
            scores[slots] += weights * (self.idf(term) * qweight)
        hits = np.flatnonzero(scores)
        if hits.size > k:
            hits = hits[np.argpartition(scores[hits], -k)[-k:]]
        order = hits[np.argsort(-scores[hits], kind="stable")]
        return [(int(slot), float(scores[slot])) for slot in order]
