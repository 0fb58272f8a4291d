"""Incremental inverted index with BM25F-style term weights.

Memory layout (compact enough for 100k articles on a small box):

* every term has an integer id; its postings are two parallel flat arrays,
  ``array('I')`` of slots (kept sorted) and ``array('d')`` of weights, i.e.
  12 bytes a posting instead of a dict entry with boxed int and float;
* every document keeps the ids of its terms in one ``array('I')`` (needed to
  unindex it), its key terms (title, tags) first.

A question gathers postings straight from those buffers with numpy (no copy,
nothing to cache or invalidate).  One article is added or removed in place
(bisect into the sorted slot arrays); many articles at once go through
:class:`BulkLoader`, which computes the same weights with vectorised numpy.
"""

from __future__ import annotations

import math
from array import array
from bisect import bisect_left
from collections import Counter
from collections.abc import Mapping, Sequence

import numpy as np
import numpy.typing as npt

__all__ = ["BulkLoader", "FieldTerms", "InvertedIndex", "field_unit", "term_weights"]

K1 = 1.2
# field -> (boost, length-normalisation b, nominal average length in terms)
FIELDS: dict[str, tuple[float, float, float]] = {
    "title": (3.0, 0.3, 6.0),
    "tags": (2.0, 0.3, 6.0),
    "phrasings": (2.5, 0.5, 20.0),
    "category": (0.5, 0.0, 1.0),
    "body": (1.0, 0.75, 120.0),
}
FIELD_NAMES = tuple(FIELDS)
# The first two fields (title, tags) hold an article's key terms.  Phrasings are indexed with
# their boost but are not key terms: a phrasing is a whole question whose incidental words
# ("coffee" in "spilled coffee on my laptop") would otherwise count as what the article is about;
# learned phrasings made other questions' suggestions worse that way (bench/kb_learning.py).
KEY_FIELDS = 2

FieldTerms = Mapping[str, list[str]]
FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


def field_unit(name: str, length: int) -> float:
    """Weight of one occurrence of a term in a field of *length* terms."""
    boost, b, avg = FIELDS[name]
    return boost / (1.0 - b + b * length / avg)


def term_weights(fields: FieldTerms) -> dict[str, float]:
    """Saturated BM25F term weight (without IDF) for each term of a document."""
    effective: dict[str, float] = {}
    for name, terms in fields.items():
        if not terms:
            continue
        unit = field_unit(name, len(terms))
        for term, tf in Counter(terms).items():
            effective[term] = effective.get(term, 0.0) + unit * tf
    return {t: tf * (K1 + 1.0) / (tf + K1) for t, tf in effective.items()}


class _TermIds(dict[str, int]):
    """Term -> id; an unknown term gets a fresh (or recycled) id on first look-up."""

    def __init__(self, index: InvertedIndex) -> None:
        super().__init__()
        self.index = index

    def __missing__(self, term: str) -> int:
        return self.index._new_term(term)


class InvertedIndex:
    def __init__(self) -> None:
        self._ids = _TermIds(self)
        self._terms: list[str] = []  # term id -> term ("" for a free id)
        self._slots: list[array[int]] = []  # term id -> sorted slots
        self._weights: list[array[float]] = []  # term id -> weights, parallel
        self._free_ids: list[int] = []
        self._doc_terms: list[array[int] | None] = []  # slot -> term ids
        self._size = 0

    @property
    def size(self) -> int:
        return self._size

    @property
    def capacity(self) -> int:
        return len(self._doc_terms)

    def __contains__(self, term: str) -> bool:
        return term in self._ids

    def _new_term(self, term: str) -> int:
        if self._free_ids:
            term_id = self._free_ids.pop()
            self._terms[term_id] = term
        else:
            term_id = len(self._terms)
            self._terms.append(term)
            self._slots.append(array("I"))
            self._weights.append(array("d"))
        self._ids[term] = term_id
        return term_id

    def term(self, term_id: int) -> str:
        return self._terms[term_id]

    def doc_terms(self, slot: int) -> array[int]:
        """Term ids of the document in *slot* (key terms first)."""
        found = self._doc_terms[slot] if slot < len(self._doc_terms) else None
        return found if found is not None else array("I")

    def df(self, term: str) -> int:
        term_id = self._ids.get(term)
        return 0 if term_id is None else len(self._slots[term_id])

    def idf(self, term: str) -> float:
        """BM25 IDF; a term seen in no document gets the IDF of a one-document term."""
        n = max(self._size, 1)
        df = max(self.df(term), 1)
        return math.log(1.0 + (n - df + 0.5) / (df + 0.5))

    def _reserve(self, slot: int) -> None:
        if slot >= len(self._doc_terms):
            self._doc_terms.extend([None] * (slot + 1 - len(self._doc_terms)))

    def add(self, slot: int, weights: Mapping[str, float]) -> None:
        """Index one document's term weights (as from :func:`term_weights`)."""
        self.remove(slot)
        self._reserve(slot)
        term_ids = array("I", map(self._ids.__getitem__, weights))
        for term_id, weight in zip(term_ids, weights.values(), strict=True):
            slots = self._slots[term_id]
            if not slots or slots[-1] < slot:
                slots.append(slot)
                self._weights[term_id].append(weight)
            else:
                at = bisect_left(slots, slot)
                slots.insert(at, slot)
                self._weights[term_id].insert(at, weight)
        self._doc_terms[slot] = term_ids
        self._size += 1

    def remove(self, slot: int) -> None:
        term_ids = self._doc_terms[slot] if slot < len(self._doc_terms) else None
        if term_ids is None:
            return
        self._doc_terms[slot] = None
        self._size -= 1
        for term_id in term_ids:
            slots = self._slots[term_id]
            at = bisect_left(slots, slot)
            del slots[at]
            del self._weights[term_id][at]
            if not slots:
                del self._ids[self._terms[term_id]]
                self._terms[term_id] = ""
                self._free_ids.append(term_id)

    def weight(self, term: str, slot: int) -> float:
        term_id = self._ids.get(term)
        if term_id is None:
            return 0.0
        slots = self._slots[term_id]
        at = bisect_left(slots, slot)
        if at < len(slots) and slots[at] == slot:
            return self._weights[term_id][at]
        return 0.0

    def top(self, query: Mapping[str, float], k: int) -> list[tuple[int, float]]:
        """The *k* best (slot, BM25 score) pairs for weighted query terms."""
        present = [(t, w) for t, w in query.items() if t in self._ids]
        if not present or k <= 0:
            return []
        scores = np.zeros(len(self._doc_terms), dtype=np.float64)
        for term, qweight in present:
            term_id = self._ids[term]
            slots = np.frombuffer(self._slots[term_id], dtype=np.uint32)
            weights = np.frombuffer(self._weights[term_id], dtype=np.float64)
            scores[slots] += weights * (self.idf(term) * qweight)
        del slots, weights  # release the buffers: the arrays may be resized later
        hits = np.flatnonzero(scores)
        if hits.size > k:
            # keep documents tied with the k-th score (up to 2k in all), so the
            # candidate set does not depend on slot order, which churn changes
            kth = np.partition(scores[hits], -k)[-k]
            tied = hits[scores[hits] >= kth]
            hits = tied if tied.size <= 2 * k else hits[np.argpartition(scores[hits], -k)[-k:]]
        order = hits[np.argsort(-scores[hits], kind="stable")]
        return [(int(slot), float(scores[slot])) for slot in order]


def _stable_order(keys: IntArray) -> IntArray:
    """``np.argsort(keys, kind="stable")`` for keys below 2**32, as two 16-bit
    radix passes (numpy sorts 16-bit keys by radix: linear time)."""
    low = np.argsort((keys & 0xFFFF).astype(np.uint16), kind="stable")
    if not len(keys) or int(keys.max()) <= 0xFFFF:
        return low
    high = (keys >> 16).astype(np.uint16)
    return low[np.argsort(high[low], kind="stable")]


class BulkLoader:
    """Adds many new documents to an index at once.

    Feed documents with :meth:`add` in increasing slot order (all above the
    index's current capacity), then :meth:`flush`.  The weights are computed
    with numpy in exactly the order :func:`term_weights` uses (field by field,
    then saturation), so they are bit-for-bit identical to adding documents
    one by one.
    """

    def __init__(self, index: InvertedIndex) -> None:
        self._index = index
        self._clear()

    def _clear(self) -> None:
        self._slots: list[int] = []
        self._doc_entries: list[int] = []  # entries per document
        self._units: list[float] = []  # per (document, field) segment
        self._segment_sizes: list[int] = []
        self._segment_fields: list[int] = []
        self._term_ids = array("I")  # per entry: one occurrence of a term

    def __len__(self) -> int:
        return len(self._slots)

    @property
    def entries(self) -> int:
        return len(self._term_ids)

    def add(self, slot: int, fields: Sequence[list[str]]) -> None:
        """One document's terms, one list per field in :data:`FIELD_NAMES` order."""
        get_id = self._index._ids.__getitem__
        entries = 0
        for field, terms in enumerate(fields):
            if not terms:
                continue
            self._units.append(field_unit(FIELD_NAMES[field], len(terms)))
            self._segment_sizes.append(len(terms))
            self._segment_fields.append(field)
            self._term_ids.extend(map(get_id, terms))
            entries += len(terms)
        self._slots.append(slot)
        self._doc_entries.append(entries)

    def flush(self) -> list[int]:
        """Index what was added; returns the number of key terms of each document."""
        if not self._slots:
            return []
        index = self._index
        slots = np.asarray(self._slots, dtype=np.int64)
        n_docs = len(slots)
        sizes = np.asarray(self._segment_sizes, dtype=np.int64)
        term_ids = np.frombuffer(self._term_ids, dtype=np.uint32).astype(np.int64)
        doc = np.repeat(np.arange(n_docs, dtype=np.int64), self._doc_entries)
        segment = np.repeat(np.arange(len(sizes), dtype=np.int64), sizes)
        units = np.asarray(self._units, dtype=np.float64)
        key_segment = np.asarray(self._segment_fields, dtype=np.int64) < KEY_FIELDS
        self._clear()

        # Entries are in (document, field) order; a stable sort by term keeps
        # that order, so (term, field of a document) and (term, document) are runs.
        order = _stable_order(term_ids)
        sorted_terms = term_ids[order]
        sorted_segments = segment[order]
        del segment
        n = len(order)
        new_term = np.ones(n, dtype=bool)
        new_term[1:] = sorted_terms[1:] != sorted_terms[:-1]
        new_segment = new_term.copy()
        new_segment[1:] |= sorted_segments[1:] != sorted_segments[:-1]
        segment_starts = np.flatnonzero(new_segment)
        tf = np.diff(np.append(segment_starts, n))
        run_segments = sorted_segments[segment_starts]
        contrib = units[run_segments] * tf  # unit * tf, as in term_weights
        run_docs = doc[order[segment_starts]]
        run_terms = sorted_terms[segment_starts]
        del sorted_segments, sorted_terms, new_segment, tf
        m = len(segment_starts)
        new_doc = np.ones(m, dtype=bool)
        new_doc[1:] = (run_terms[1:] != run_terms[:-1]) | (run_docs[1:] != run_docs[:-1])
        starts = np.flatnonzero(new_doc)
        run = np.cumsum(new_doc) - 1
        position = np.arange(m) - starts[run]
        # effective tf: 0.0 + first field + next field ... (same order as term_weights)
        effective = np.zeros(len(starts), dtype=np.float64)
        for j in range(int(position.max()) + 1):
            at = position == j
            effective[run[at]] += contrib[at]
        weights = effective * (K1 + 1.0) / (effective + K1)
        del effective, contrib, position, run

        # Postings: per term, its documents in slot order.
        posting_terms = run_terms[starts]
        posting_slots = slots[run_docs[starts]].astype(np.uint32)
        slot_bytes = posting_slots.data.cast("B")
        weight_bytes = weights.data.cast("B")
        bounds = np.flatnonzero(np.diff(posting_terms)) + 1
        lows = np.concatenate(([0], bounds)).tolist()
        highs = np.concatenate((bounds, [len(posting_terms)])).tolist()
        for term_id, low, high in zip(posting_terms[lows].tolist(), lows, highs, strict=True):
            index._slots[term_id].frombytes(slot_bytes[4 * low : 4 * high])
            index._weights[term_id].frombytes(weight_bytes[8 * low : 8 * high])
        del slot_bytes, weight_bytes

        # Per document: its distinct terms in first-occurrence order, which
        # puts the key fields' terms first.
        first_seen = np.zeros(n, dtype=bool)
        first_seen[order[segment_starts[starts]]] = True
        del order, starts, segment_starts
        doc_terms = term_ids[first_seen].astype(np.uint32)
        first_docs = doc[first_seen]
        per_doc = np.bincount(first_docs, minlength=n_docs)
        is_key = key_segment[np.repeat(np.arange(len(sizes)), sizes)[first_seen]]
        key = np.bincount(first_docs[is_key], minlength=n_docs)
        ends = np.cumsum(per_doc).tolist()
        term_bytes = doc_terms.data.cast("B")
        index._reserve(int(slots[-1]))
        low = 0
        for slot, high in zip(slots.tolist(), ends, strict=True):
            own = array("I")
            own.frombytes(term_bytes[4 * low : 4 * high])
            index._doc_terms[slot] = own
            low = high
        del term_bytes
        index._size += n_docs
        return [int(k) for k in key.tolist()]
