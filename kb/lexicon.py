"""Known words, for typo correction with rapidfuzz.

Words are bucketed by script and length so one look-up compares a typo only
with words of similar length.  Similarity is the optimal-string-alignment edit
distance (a transposition counts as one edit), allowed to grow with length.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import OSA

from kb.normalize import is_cyrillic

__all__ = ["FuzzyLexicon", "PrefixCorrector", "allowed_edits"]

MIN_LENGTH = 4


def allowed_edits(length: int, cyrillic: bool) -> int:
    """Edits tolerated in a word of this length.

    Short Latin words are left alone: most are real English words the base
    does not contain ("five", "dog"), and "correcting" them invents matches.
    """
    shortest = 5 if cyrillic else 6
    if length < shortest:
        return 0
    return 1 if length < shortest + 3 else 2


class _WordIds(dict[str, int]):
    """Word -> id; an unknown word gets a fresh (or recycled) id on first look-up."""

    def __init__(self, lexicon: FuzzyLexicon) -> None:
        super().__init__()
        self.lexicon = lexicon

    def __missing__(self, word: str) -> int:
        return self.lexicon._register(word)


class FuzzyLexicon:
    """A reference-counted multiset of words supporting fuzzy look-up.

    Every word has a small integer id; callers keep the ids of the words they
    added (an ``array('I')``, 4 bytes a word) to release them later.
    """

    def __init__(self, fixed: Iterable[str] = ()) -> None:
        self._ids = _WordIds(self)
        self._words: list[str] = []  # id -> word ("" for a free id)
        self._counts = array("I")  # id -> how many holders
        self._free: list[int] = []
        self._buckets: dict[tuple[bool, int], set[str]] = {}
        self._frozen: dict[tuple[bool, int], list[str]] = {}
        self.add(fixed)

    def __contains__(self, word: str) -> bool:
        found = self._ids.get(word)
        return found is not None and self._counts[found] > 0

    def _register(self, word: str) -> int:
        if self._free:
            word_id = self._free.pop()
            self._words[word_id] = word
        else:
            word_id = len(self._words)
            self._words.append(word)
            self._counts.append(0)
        self._ids[word] = word_id
        if len(word) >= MIN_LENGTH and word.isalpha():
            key = (is_cyrillic(word), len(word))
            self._buckets.setdefault(key, set()).add(word)
            self._frozen.pop(key, None)
        return word_id

    def ids(self, words: Iterable[str]) -> array[int]:
        """Ids of distinct *words*, registering new ones, without counting them;
        :meth:`hold` must follow (at once or in bulk)."""
        return array("I", map(self._ids.__getitem__, words))

    def hold(self, ids: array[int]) -> None:
        """Count one more holder for each id (ids of one holder are distinct)."""
        counts = self._counts
        if len(ids) > 64:
            view = np.frombuffer(counts, dtype=np.uint32)
            view[np.frombuffer(ids, dtype=np.uint32)] += np.uint32(1)
            del view
            return
        for word_id in ids:
            counts[word_id] += 1

    def hold_many(self, ids: array[int]) -> None:
        """:meth:`hold` for the concatenated ids of many holders."""
        if not ids:
            return
        found = np.bincount(np.frombuffer(ids, dtype=np.uint32), minlength=len(self._counts))
        view = np.frombuffer(self._counts, dtype=np.uint32)
        view += found.astype(np.uint32)
        del view

    def add(self, words: Iterable[str]) -> array[int]:
        """Add one holder of *words*; returns their ids for :meth:`release`."""
        ids = self.ids(words if isinstance(words, set | frozenset) else set(words))
        self.hold(ids)
        return ids

    def release(self, ids: Iterable[int]) -> None:
        """Drop one holder of each id; words nobody holds are forgotten."""
        counts = self._counts
        for word_id in ids:
            count = counts[word_id] - 1
            counts[word_id] = count
            if count:
                continue
            word = self._words[word_id]
            del self._ids[word]
            self._words[word_id] = ""
            self._free.append(word_id)
            key = (is_cyrillic(word), len(word))
            bucket = self._buckets.get(key)
            if bucket is not None and word in bucket:
                bucket.discard(word)
                self._frozen.pop(key, None)

    def discard(self, words: Iterable[str]) -> None:
        """Drop one holder of each known word (unknown words are ignored)."""
        get = self._ids.get
        self.release([i for i in map(get, set(words)) if i is not None])

    def _bucket(self, key: tuple[bool, int]) -> list[str]:
        words = self._frozen.get(key)
        if words is None:
            words = sorted(self._buckets.get(key, ()))
            self._frozen[key] = words
        return words

    def closest(self, word: str) -> tuple[str, int] | None:
        """The nearest known word of the same script and its edit distance."""
        cyrillic = is_cyrillic(word)
        edits = allowed_edits(len(word), cyrillic)
        if not edits or not word.isalpha():
            return None
        best: tuple[str, int] | None = None
        for length in range(len(word) - edits, len(word) + edits + 1):
            choices = self._bucket((cyrillic, length))
            if not choices:
                continue
            found = process.extractOne(word, choices, scorer=OSA.distance, score_cutoff=edits)
            if found is None:
                continue
            candidate = (str(found[0]), int(found[1]))
            if (
                best is None
                or candidate[1] < best[1]
                or (candidate[1] == best[1] and candidate[0][0] == word[0] != best[0][0])
            ):
                best = candidate
        return best


class PrefixCorrector:
    """Repairs one typo inside the start of a word against vocabulary prefixes
    ("обнавление" -> "обновление" via the prefix "обнов")."""

    MIN_PREFIX = 6

    def __init__(self, prefixes: Iterable[str]) -> None:
        groups: dict[int, list[str]] = {}
        for prefix in prefixes:
            if len(prefix) >= self.MIN_PREFIX and prefix.isalpha():
                groups.setdefault(len(prefix), []).append(prefix)
        self._groups = sorted(groups.items(), reverse=True)

    def correct(self, word: str) -> str | None:
        for length, prefixes in self._groups:
            if len(word) < length + 1:
                continue
            found = process.extractOne(word[:length], prefixes, scorer=OSA.distance, score_cutoff=1)
            if found is not None:
                return str(found[0]) + word[length:]
        return None
