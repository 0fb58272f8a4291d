"""Concept matching: maps words and phrases of either language to shared
concept terms (``@password``), so "пароль", "parol" and "password" meet."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from kb.normalize import tokenize
from kb.stemming import stem
from kb.vocab_bilingual import BILINGUAL
from kb.vocab_synonyms import GENERIC, GENERIC_WEIGHT, IMPLIES, SYNONYMS

__all__ = ["CONCEPT_PREFIX", "Vocabulary", "default_vocabulary"]

CONCEPT_PREFIX = "@"
_CACHE_SIZE = 300_000

# An item is (is_prefix, text): a Snowball stem to equal, or a prefix to start with.
_Item = tuple[bool, str]


@dataclass(frozen=True, slots=True)
class _Entry:
    items: tuple[_Item, ...]
    terms: tuple[str, ...]
    specificity: int


def _compile_item(raw: str) -> _Item:
    if raw.endswith("*"):
        return True, tokenize(raw[:-1])[0]
    return False, stem(raw)


def _exact(word: str) -> str:
    """Marker for an item that must equal the word itself, not just its stem."""
    return "=" + word


class Vocabulary:
    """Greedy longest-match of vocabulary phrases over a token sequence."""

    def __init__(
        self,
        groups: Iterable[Mapping[str, tuple[str, ...]]],
        implies: Mapping[str, tuple[str, ...]] | None = None,
        generic: Iterable[str] = (),
        generic_weight: float = 1.0,
    ) -> None:
        implies = implies or {}
        self._generic = frozenset(CONCEPT_PREFIX + c for c in generic)
        self._generic_weight = generic_weight
        self._by_stem: dict[str, list[_Entry]] = {}
        self._by_prefix: dict[str, list[_Entry]] = {}
        self.words: set[str] = set()
        self._max_prefix = 1
        self._cache: dict[str, tuple[_Entry, ...]] = {}
        self._ngram_cache: dict[tuple[str, ...], tuple[int, tuple[str, ...]] | None] = {}
        self._longest = 1
        for group in groups:
            for concept, members in group.items():
                terms = tuple(CONCEPT_PREFIX + c for c in (concept, *implies.get(concept, ())))
                for member in members:
                    self._add(member, terms)

    def _add(self, member: str, terms: tuple[str, ...]) -> None:
        pieces = [p for p in member.replace("-", " ").split() if p]
        items: list[_Item] = []
        for piece in pieces:
            if not tokenize(piece.rstrip("*")):
                continue
            if piece.endswith("*"):
                items.append(_compile_item(piece))
            elif piece.startswith("="):
                items.extend((False, _exact(tok)) for tok in tokenize(piece[1:]))
                self.words.update(tokenize(piece))
            else:
                items.extend((False, stem(tok)) for tok in tokenize(piece))
                self.words.update(tokenize(piece))
        if not items:
            return
        spec = sum(len(text) + (0 if is_prefix else 2) for is_prefix, text in items)
        entry = _Entry(tuple(items), terms, spec)
        self._longest = max(self._longest, len(items))
        first_prefix, first = items[0]
        if first_prefix:
            self._by_prefix.setdefault(first, []).append(entry)
            self._max_prefix = max(self._max_prefix, len(first))
        else:
            self._by_stem.setdefault(first, []).append(entry)

    def term_weight(self, term: str) -> float:
        """Query weight of a term: reduced for generic concepts ("not working")."""
        return self._generic_weight if term in self._generic else 1.0

    def prefixes(self) -> list[str]:
        """The literal prefixes of ``pref*`` items (for typo correction)."""
        return sorted(self._by_prefix)

    def _starting_at(self, token: str) -> tuple[_Entry, ...]:
        cached = self._cache.get(token)
        if cached is None:
            if len(self._cache) > _CACHE_SIZE:
                self._cache.clear()
            found = sorted(
                self._find_starting_at(token),
                key=lambda e: (len(e.items), e.specificity),
                reverse=True,
            )
            cached = self._cache[token] = tuple(found)
        return cached

    def _find_starting_at(self, token: str) -> list[_Entry]:
        found = list(self._by_stem.get(stem(token), ()))
        found.extend(self._by_stem.get(_exact(token), ()))
        for length in range(2, min(len(token), self._max_prefix) + 1):
            found.extend(self._by_prefix.get(token[:length], ()))
        return found

    def knows(self, token: str) -> bool:
        """True when some vocabulary item matches this single token."""
        if stem(token) in self._by_stem or token in self.words:
            return True
        return bool(self._starting_at(token))

    def is_phrase_start(self, token: str) -> bool:
        """Whether a multi-word entry may start at this token."""
        return any(len(e.items) > 1 for e in self._starting_at(token))

    def may_continue(self, token: str, following: str) -> bool:
        """Whether a multi-word entry starting at *token* accepts *following* as
        its second word (if not, :meth:`match_at` there gives at most one token)."""
        for entry in self._starting_at(token):
            if len(entry.items) < 2:
                continue
            is_prefix, text = entry.items[1]
            if is_prefix:
                if following.startswith(text):
                    return True
            elif text[0] == "=":
                if text[1:] == following:
                    return True
            elif stem(following) == text:
                return True
        return False

    def single(self, token: str) -> tuple[str, ...] | None:
        """Concept terms of the token on its own (ignoring phrases), if any."""
        for entry in self._starting_at(token):
            if len(entry.items) == 1:
                return entry.terms
        return None

    def match_at(self, tokens: list[str], i: int) -> tuple[int, tuple[str, ...]] | None:
        """The best entry starting at ``tokens[i]``: (end position, concept terms)."""
        key = tuple(tokens[i : i + self._longest])
        if key in self._ngram_cache:
            cached = self._ngram_cache[key]
        else:
            if len(self._ngram_cache) > _CACHE_SIZE:
                self._ngram_cache.clear()
            cached = self._ngram_cache[key] = self._match_at(list(key), 0)
        return None if cached is None else (i + cached[0], cached[1])

    def _match_at(self, tokens: list[str], i: int) -> tuple[int, tuple[str, ...]] | None:
        n = len(tokens)
        # candidates are sorted longest / most specific first: first fit wins
        for entry in self._starting_at(tokens[i]):
            items = entry.items
            size = len(items)
            if i + size > n:
                continue
            k = 1
            while k < size:
                is_prefix, text = items[k]
                token = tokens[i + k]
                if is_prefix:
                    if not token.startswith(text):
                        break
                elif text[0] == "=":
                    if text[1:] != token:
                        break
                elif stem(token) != text:
                    break
                k += 1
            else:
                return i + size, entry.terms
        return None

    def match(self, tokens: list[str]) -> list[tuple[int, int, tuple[str, ...]]]:
        """Non-overlapping (start, end, concept terms) spans, left to right."""
        spans: list[tuple[int, int, tuple[str, ...]]] = []
        i = 0
        while i < len(tokens):
            found = self.match_at(tokens, i)
            if found is None:
                i += 1
                continue
            spans.append((i, found[0], found[1]))
            i = found[0]
        return spans


_DEFAULT: Vocabulary | None = None


def default_vocabulary() -> Vocabulary:
    """The built-in bilingual vocabulary plus general synonyms (built once)."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = Vocabulary((BILINGUAL, SYNONYMS), IMPLIES, GENERIC, GENERIC_WEIGHT)
    return _DEFAULT
