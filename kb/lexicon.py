"""Known words, for typo correction with rapidfuzz.

Words are bucketed by script and length so one look-up compares a typo only
with words of similar length.  Similarity is the optimal-string-alignment edit
distance (a transposition counts as one edit), allowed to grow with length.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

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


class FuzzyLexicon:
    """A reference-counted multiset of words supporting fuzzy look-up."""

    def __init__(self, fixed: Iterable[str] = ()) -> None:
        self._counts: Counter[str] = Counter()
        self._buckets: dict[tuple[bool, int], set[str]] = {}
        self._frozen: dict[tuple[bool, int], list[str]] = {}
        self.add(fixed)

    def __contains__(self, word: str) -> bool:
        return self._counts.get(word, 0) > 0

    def add(self, words: Iterable[str]) -> None:
        counts = self._counts
        words = words if isinstance(words, set | frozenset) else set(words)
        new = [word for word in words if word not in counts]
        counts.update(words)
        for word in new:
            if len(word) >= MIN_LENGTH and word.isalpha():
                key = (is_cyrillic(word), len(word))
                self._buckets.setdefault(key, set()).add(word)
                self._frozen.pop(key, None)

    def discard(self, words: Iterable[str]) -> None:
        for word in words:
            count = self._counts.get(word)
            if count is None:
                continue
            if count > 1:
                self._counts[word] = count - 1
                continue
            del self._counts[word]
            key = (is_cyrillic(word), len(word))
            bucket = self._buckets.get(key)
            if bucket is not None and word in bucket:
                bucket.discard(word)
                self._frozen.pop(key, None)

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
