"""The semantic side of the suggestion index: one vector per article version.

An article's vector encodes its title, tags and the start of its introduction
(the first paragraph, up to :data:`INTRO_CHARS`).  Phrasings are left out: the
answer/out-of-scope decision is fitted on these vectors, and phrasings (whole
questions) made every article vector closer to any question, out-of-scope ones
included: learned phrasings lowered out-of-scope rejection from 0.972 to 0.917
on dev in ``bench/kb_learning.py``.  Phrasings count in the lexical signal.
Its *version key* is a hash of
the model name and that text, so an edited article gets a new vector at once
and an unchanged one can take its vector from a cache (the database keeps one
per article version) instead of being encoded again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from kb.documents import ArticleText
from kb.encoder import Encoder
from kb.vectors import VectorIndex, quantize

__all__ = ["StoredVector", "SemanticIndex", "encode_missing", "vector_key", "vector_text"]

INTRO_CHARS = 200  # by kb_fit.py out-of-fold figures (400: the same hits, 1.6x the tokens)
ENCODE_BATCH = 1024  # texts per encode call: the encoder computes token-local layers once per call
MAX_SENTENCES = 4  # sentences of a long message scored on their own
SENTENCE_DISCOUNT = 0.9


@dataclass(frozen=True, slots=True)
class StoredVector:
    """A quantised article vector as kept in a cache: int8 bytes and their scale."""

    data: bytes
    scale: float


def vector_text(article: ArticleText) -> str:
    intro = " ".join(article.body.strip().split("\n\n", 1)[0].split())[:INTRO_CHARS]
    tags = ", ".join(t.replace("-", " ") for t in article.tags)
    return ". ".join(part for part in (article.title, tags, intro) if part)


def vector_key(model: str, text: str) -> str:
    return hashlib.sha1(f"{model}\n{text}".encode()).hexdigest()[:20]


@dataclass(slots=True)
class SemanticIndex:
    encoder: Encoder
    vectors: VectorIndex = field(init=False)
    filled: int = 0  # slots holding a vector
    # article id -> (version key, vector) encoded (not taken from a cache) since the last
    # drain, for the caller to keep
    fresh: dict[str, tuple[str, StoredVector]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.vectors = VectorIndex(self.encoder.dim)

    def put_many(
        self,
        items: Iterable[tuple[int, ArticleText]],
        cache: Mapping[str, StoredVector] | None = None,
    ) -> None:
        """Give each (slot, article) its vector: from *cache* when its version is there,
        otherwise encoded (in batches)."""
        missing: list[tuple[int, str, str, str]] = []
        for slot, article in items:
            text = vector_text(article)
            key = vector_key(self.encoder.name, text)
            if self.vectors.key(slot) == key:
                continue
            stored = cache.get(key) if cache else None
            if stored is not None and len(stored.data) == self.encoder.dim:
                self._set(slot, key, np.frombuffer(stored.data, dtype=np.int8), stored.scale)
            else:
                missing.append((slot, article.id, key, text))
        for start in range(0, len(missing), ENCODE_BATCH):
            batch = missing[start : start + ENCODE_BATCH]
            rows, scales = quantize(self.encoder.encode([text for *_, text in batch]))
            for (slot, article_id, key, _), row, scale in zip(batch, rows, scales, strict=True):
                self._set(slot, key, row, float(scale))
                self.fresh[article_id] = (key, StoredVector(row.tobytes(), float(scale)))

    def _set(self, slot: int, key: str, row: npt.NDArray[np.int8], scale: float) -> None:
        if self.vectors.key(slot) is None:
            self.filled += 1
        self.vectors.set(slot, key, row, scale)

    def clear(self, slot: int) -> None:
        if self.vectors.key(slot) is not None:
            self.filled -= 1
            self.vectors.clear(slot)

    def key(self, slot: int) -> str | None:
        return self.vectors.key(slot)

    def scores(
        self, text: str, capacity: int, sentences: Sequence[str] = ()
    ) -> npt.NDArray[np.float32]:
        """Cosine of every slot with *text*; with *sentences* (of a long message),
        the best of that and each sentence's discounted cosine."""
        parts = [text, *sentences[:MAX_SENTENCES]]
        weights = np.array([1.0] + [SENTENCE_DISCOUNT] * (len(parts) - 1), dtype=np.float32)
        return self.vectors.scores(self.encoder.encode(parts), weights, capacity)

    def drain_fresh(self) -> dict[str, tuple[str, StoredVector]]:
        fresh, self.fresh = self.fresh, {}
        return fresh


def encode_missing(
    encoder: Encoder, articles: Iterable[ArticleText], cache: Mapping[str, StoredVector]
) -> dict[str, tuple[str, StoredVector]]:
    """Vectors for the articles whose version is not in *cache*: article id -> (key, vector).

    Pure and thread-safe (for encoding a large base off the event loop)."""
    todo = []
    for article in articles:
        text = vector_text(article)
        key = vector_key(encoder.name, text)
        if key not in cache:
            todo.append((article.id, key, text))
    out: dict[str, tuple[str, StoredVector]] = {}
    for start in range(0, len(todo), ENCODE_BATCH):
        batch = todo[start : start + ENCODE_BATCH]
        rows, scales = quantize(encoder.encode([text for *_, text in batch]))
        for (article_id, key, _), row, scale in zip(batch, rows, scales, strict=True):
            out[article_id] = (key, StoredVector(row.tobytes(), float(scale)))
    return out
