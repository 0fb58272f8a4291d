"""Turns text into index terms: vocabulary concepts plus Snowball stems.

Documents are analysed as written.  Questions additionally go through token
repair: Latin-typed Russian is transliterated back to Cyrillic, and unknown
words are corrected to the closest known word (rapidfuzz) when close enough.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import chain, compress, count

from kb.language import decide_language
from kb.lexicon import FuzzyLexicon, PrefixCorrector
from kb.normalize import is_cyrillic, tokenize
from kb.stemming import stem
from kb.stopwords import STOPWORDS
from kb.translit import cyrillic_candidates
from kb.vocabulary import Vocabulary

__all__ = ["Analyzer", "QueryAnalysis", "MAX_QUERY_TOKENS"]

MAX_QUERY_TOKENS = 2_000
FUZZY_WEIGHT = 0.8
TOKEN_CACHE_SIZE = 300_000


@dataclass(slots=True)
class QueryAnalysis:
    """Terms of a question with their weights, plus what could not be read."""

    terms: dict[str, float] = field(default_factory=dict)
    unknown: list[str] = field(default_factory=list)
    russian_votes: int = 0
    english_votes: int = 0
    repaired: str = ""  # the words after transliteration and typo repair ("" when none changed)

    @property
    def language(self) -> str | None:
        return decide_language(self.russian_votes, self.english_votes)


def _keep(token: str) -> bool:
    if token in STOPWORDS:
        return False
    return len(token) > 1 if not token.isdigit() else len(token) > 2


class _TokenTerms(dict[str, tuple[str, ...]]):
    """Token -> its terms on its own; filled on first use (C-speed look-ups after)."""

    def __init__(self, vocabulary: Vocabulary) -> None:
        super().__init__()
        self.vocabulary = vocabulary
        self.phrasal: set[str] = set()  # tokens where a vocabulary phrase may start
        self.pairs: dict[tuple[str, str], bool] = {}  # (phrasal token, next) -> may match

    def __missing__(self, token: str) -> tuple[str, ...]:
        single = self.vocabulary.single(token)
        if single is None:
            single = (stem(token),) if _keep(token) else ()
        if self.vocabulary.is_phrase_start(token):
            self.phrasal.add(token)
        self[token] = single
        return single

    def reset(self) -> None:
        self.clear()
        self.phrasal.clear()
        self.pairs.clear()


class Analyzer:
    def __init__(self, vocabulary: Vocabulary) -> None:
        self.vocabulary = vocabulary
        self._prefixes = PrefixCorrector(vocabulary.prefixes())
        self._token_terms = _TokenTerms(vocabulary)

    def terms_of_tokens(self, tokens: list[str]) -> list[str]:
        """Concept terms where the vocabulary matches, stems elsewhere (no stopwords).

        Per-token results are cached and gathered with C-level iteration, so
        only positions where a vocabulary phrase may start take the slow path.
        """
        cache = self._token_terms
        if len(cache) > TOKEN_CACHE_SIZE or len(cache.pairs) > TOKEN_CACHE_SIZE:
            cache.reset()
        parts = list(map(cache.__getitem__, tokens))
        phrasal = cache.phrasal
        terms: list[str] = []
        position = 0
        if not phrasal.isdisjoint(tokens):
            pairs = cache.pairs
            last = len(tokens) - 1
            starts = compress(count(), map(phrasal.__contains__, tokens))
            for k in starts:
                if k < position or k == last:
                    continue  # (a phrase needs a second token)
                pair = (tokens[k], tokens[k + 1])
                may = pairs.get(pair)
                if may is None:
                    may = pairs[pair] = self.vocabulary.may_continue(*pair)
                if not may:
                    continue
                found = self.vocabulary.match_at(tokens, k)
                if found is None or found[0] == k + 1:
                    continue  # the single-token reading applies
                terms.extend(chain.from_iterable(parts[position:k]))
                terms.extend(found[1])
                position = found[0]
        terms.extend(chain.from_iterable(parts[position:] if position else parts))
        return terms

    def query(
        self, text: str, indexed: Callable[[str], bool], lexicon: FuzzyLexicon
    ) -> QueryAnalysis:
        """Analyse a question; *indexed* tells whether a stem occurs in the index."""
        result = QueryAnalysis()
        tokens = tokenize(text)[:MAX_QUERY_TOKENS]

        def known(token: str) -> bool:
            return self.vocabulary.knows(token) or indexed(stem(token))

        # Pass 1: what each token is; Latin tokens may be Latin-typed Russian.
        kinds: list[str] = []
        translit: dict[int, str] = {}
        for i, token in enumerate(tokens):
            if is_cyrillic(token):
                # Russian words the index and vocabulary do not know may be typos
                kinds.append("ru" if token in STOPWORDS or known(token) else "ru?")
            elif token in STOPWORDS or known(token):
                kinds.append("en")
            else:
                found = next(
                    (c for c in cyrillic_candidates(token) if c in STOPWORDS or known(c)), None
                )
                if found is None:
                    kinds.append("?")
                    continue
                translit[i] = found
                kinds.append("tr-stop" if found in STOPWORDS and len(token) > 1 else "tr")
        russian = "ru" in kinds or "tr-stop" in kinds or kinds.count("tr") >= 2

        # Pass 2: repair; accept transliterations only in Russian-looking text.
        fuzzy: set[int] = set()
        unknown: set[int] = set()
        repaired: list[str] = []
        for i, (token, kind) in enumerate(zip(tokens, kinds, strict=True)):
            if kind.startswith("ru"):
                result.russian_votes += 1
            elif kind == "en" and token not in STOPWORDS and token.isalpha():
                result.english_votes += 1
            if kind in ("ru", "en"):
                repaired.append(token)
                continue
            if kind == "ru?":
                corrected = self._correct(token, True, lexicon)
                if corrected is not None and corrected != token:
                    fuzzy.add(i)
                    token = corrected
                repaired.append(token)  # an uncorrected Russian word stays a term
                continue
            if kind.startswith("tr") and (russian or len(token) == 1):
                result.russian_votes += len(token) > 1
                repaired.append(translit[i])
                continue
            corrected = self._correct(token, is_cyrillic(token) or not russian, lexicon)
            if corrected is None:
                if _keep(token):
                    unknown.add(i)
                repaired.append(token)
                continue
            fuzzy.add(i)
            if is_cyrillic(corrected) and not is_cyrillic(token):
                result.russian_votes += 1
            elif not is_cyrillic(token):
                result.english_votes += 1
            repaired.append(corrected)

        if repaired != tokens:
            result.repaired = " ".join(repaired)
        self._collect(repaired, fuzzy, unknown, result)
        return result

    def _correct(self, token: str, same_script: bool, lexicon: FuzzyLexicon) -> str | None:
        """Closest known spelling of an unknown word, or None if nothing is close."""
        options: list[tuple[int, int, str]] = []  # (edits, preference, word)
        spellings = [token] if same_script else [token, *cyrillic_candidates(token)[:2]]
        for rank, spelling in enumerate(spellings):
            found = lexicon.closest(spelling)
            if found is not None:
                options.append((found[1], rank, found[0]))
            fixed = self._prefixes.correct(spelling)
            if fixed is not None:
                options.append((1, rank, fixed))
        return min(options)[2] if options else None

    def _collect(
        self, tokens: list[str], fuzzy: set[int], unknown: set[int], result: QueryAnalysis
    ) -> None:
        terms = result.terms
        spans = self.vocabulary.match(tokens)
        covered: set[int] = set()
        for start, end, concepts in spans:
            weight = FUZZY_WEIGHT if fuzzy.intersection(range(start, end)) else 1.0
            covered.update(range(start, end))
            for concept in concepts:
                terms[concept] = terms.get(concept, 0.0) + weight
        for i, token in enumerate(tokens):
            if i in covered or not _keep(token):
                continue
            if i in unknown:
                result.unknown.append(token)
                continue
            term = stem(token)
            terms[term] = terms.get(term, 0.0) + (FUZZY_WEIGHT if i in fuzzy else 1.0)
        for term, weight in terms.items():
            if weight > 1.0:
                weight = min(1.0 + 0.5 * (weight - 1.0), 2.0)
            terms[term] = weight * self.vocabulary.term_weight(term)
