"""Knowledge-base article suggestions for a help-desk chat message.

Pipeline for one question: analyse (normalise, transliterate, correct typos,
map to bilingual concepts, stem) -> inverted-index BM25F prefilter -> rerank
the best candidates with term coverage and rapidfuzz similarity -> prefer the
asker's language -> answer only when the best article's in-scope confidence
(its confidence, discounted when it shares a single term with a question that
says more) clears the threshold.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable
from dataclasses import dataclass
from sys import intern

from kb.analyzer import Analyzer, QueryAnalysis
from kb.documents import ArticleText
from kb.index import FIELD_NAMES, BulkLoader, InvertedIndex, term_weights
from kb.lexicon import FuzzyLexicon
from kb.normalize import split_sentences, tokenize
from kb.ranking import Candidate, DocInfo, rank, scope_confidence
from kb.vocabulary import Vocabulary, default_vocabulary

__all__ = ["DEFAULT_THRESHOLD", "Suggestion", "SuggestionEngine"]

DEFAULT_THRESHOLD = 0.35
# Once the best article clears the threshold, runners-up are shown down to this
# share of the threshold (the top answer vouches for the question being in scope).
RUNNER_UP_FLOOR = 0.5
PREFILTER_SIZE = 30
LONG_MESSAGE_TERMS = 12  # above this many words, sentences are also scored alone
MAX_SENTENCES = 40
BULK_MIN = 64  # fewer articles than this are simply upserted
BULK_CHUNK = 500_000  # term occurrences buffered before a bulk flush (bounds the peak)
_NO_WORDS: array[int] = array("I")


@dataclass(frozen=True, slots=True)
class Suggestion:
    article_id: str
    score: float  # confidence 0..1, higher is better


class SuggestionEngine:
    """Incrementally updatable article index answering ``suggest(text)``.

    Per article only flat data is kept, in per-slot columns: its id,
    language, category, the ids of its index terms (key terms first) and the
    ids of its surface words in the typo lexicon.  Building from many
    articles at once runs in bulk (vectorised weights); ``upsert`` and
    ``remove`` change one article in place.
    """

    def __init__(
        self,
        articles: Iterable[ArticleText] = (),
        *,
        threshold: float | None = None,
        vocabulary: Vocabulary | None = None,
    ) -> None:
        self.threshold = DEFAULT_THRESHOLD if threshold is None else threshold
        vocabulary = vocabulary or default_vocabulary()
        self._analyzer = Analyzer(vocabulary)
        self._index = InvertedIndex()
        self._lexicon = FuzzyLexicon(vocabulary.words)
        self._slots: dict[str, int] = {}
        self._free: list[int] = []
        # per-slot columns (None / empty for a free slot)
        self._ids: list[str | None] = []
        self._languages: list[str] = []
        self._categories: list[str] = []
        self._key_counts: list[int] = []  # leading key terms in the index's doc terms
        self._words: list[array[int]] = []  # lexicon ids of the surface words
        self._load(articles)

    def __len__(self) -> int:
        return len(self._slots)

    def __contains__(self, article_id: object) -> bool:
        return article_id in self._slots

    def _fields(self, article: ArticleText) -> tuple[list[list[str]], set[str]]:
        """Index terms of each field (in FIELD_NAMES order) and the surface words."""
        title = tokenize(article.title)
        tags = tokenize(" ".join(article.tags).replace("-", " ")) if article.tags else []
        phrasings = tokenize("\n".join(article.phrasings)) if article.phrasings else []
        category = tokenize(article.category.replace("-", " "))
        body = tokenize(article.body)
        analyze = self._analyzer.terms_of_tokens
        fields = [analyze(title), analyze(tags), analyze(phrasings), analyze(category)]
        fields.append(analyze(body))
        words = set(body)
        words.update(title, tags, phrasings, category)
        return fields, words

    def _claim(self, article: ArticleText) -> int:
        """The slot for *article* (its old one, a free one, or a new one)."""
        slot = self._slots.get(article.id)
        if slot is not None:
            self._release(slot)
        elif self._free:
            slot = self._free.pop()
        else:
            slot = len(self._ids)
            self._ids.append(None)
            self._languages.append("")
            self._categories.append("")
            self._key_counts.append(0)
            self._words.append(_NO_WORDS)
        self._ids[slot] = article.id
        self._languages[slot] = intern(article.language)
        self._categories[slot] = intern(article.category)
        self._slots[article.id] = slot
        return slot

    def _release(self, slot: int) -> None:
        self._index.remove(slot)
        self._lexicon.release(self._words[slot])
        self._words[slot] = _NO_WORDS
        self._ids[slot] = None

    def _load(self, articles: Iterable[ArticleText]) -> None:
        """Initial bulk build (the same index as upserting one by one)."""
        latest: dict[str, ArticleText] = {}
        for article in articles:
            latest[article.id] = article  # a repeated id replaces, keeping its place
        if len(latest) < BULK_MIN:
            for article in latest.values():
                self.upsert(article)
            return
        loader = BulkLoader(self._index)
        lexicon = self._lexicon
        held = array("I")
        for article in latest.values():
            slot = self._claim(article)
            fields, words = self._fields(article)
            loader.add(slot, fields)
            ids = lexicon.ids(words)
            self._words[slot] = ids
            held.extend(ids)
            if loader.entries >= BULK_CHUNK:
                self._flush(loader, held)
        self._flush(loader, held)

    def _flush(self, loader: BulkLoader, held: array[int]) -> None:
        first = len(self._ids) - len(loader)
        self._key_counts[first:] = loader.flush()
        self._lexicon.hold_many(held)
        del held[:]

    def upsert(self, article: ArticleText) -> None:
        """Add an article, or replace the one with the same id (no full rebuild)."""
        slot = self._claim(article)
        fields, words = self._fields(article)
        self._index.add(slot, term_weights(dict(zip(FIELD_NAMES, fields, strict=True))))
        self._key_counts[slot] = len(set(fields[0]).union(fields[1], fields[2]))
        self._words[slot] = self._lexicon.add(words)

    def remove(self, article_id: str) -> None:
        """Forget an article; unknown ids are ignored."""
        slot = self._slots.pop(article_id, None)
        if slot is None:
            return
        self._release(slot)
        self._free.append(slot)

    def _doc(self, slot: int) -> DocInfo:
        """What the reranker needs of one indexed article (built on demand)."""
        index = self._index
        key_ids = index.doc_terms(slot)[: self._key_counts[slot]]
        key_terms = frozenset(map(index.term, key_ids))
        article_id = self._ids[slot]
        assert article_id is not None
        return DocInfo(
            article_id=article_id,
            language=self._languages[slot],
            category=self._categories[slot],
            key_terms=key_terms,
            short=" ".join(sorted(key_terms)),
        )

    def analyse(self, text: str) -> QueryAnalysis:
        return self._analyzer.query(text, self._index.__contains__, self._lexicon)

    def candidates(self, text: str, *, language: str | None = None) -> list[Candidate]:
        """All reranked candidates with their confidence (no threshold, no limit)."""
        if not text or not text.strip():
            return []
        analysis = self.analyse(text)
        if not analysis.terms:
            return []
        top = self._index.top(analysis.terms, PREFILTER_SIZE)
        if not top:
            return []
        asker = language or analysis.language
        sentences: list[QueryAnalysis] = []
        if len(analysis.terms) + len(analysis.unknown) > LONG_MESSAGE_TERMS:
            for sentence in split_sentences(text):
                part = self.analyse(sentence)
                if len(part.terms) >= 2:
                    sentences.append(part)
        docs = {slot: self._doc(slot) for slot, _ in top}
        return rank(analysis, top, docs, self._index, asker, sentences)

    def suggest(
        self, text: str, *, language: str | None = None, limit: int = 3
    ) -> list[Suggestion]:
        """Up to *limit* articles, best first; [] when nothing is confident enough."""
        if limit <= 0:
            return []
        ranked = self.candidates(text, language=language)
        if not ranked or scope_confidence(ranked[0]) < self.threshold:
            return []
        floor = self.threshold * RUNNER_UP_FLOOR
        return [
            Suggestion(c.article_id, round(c.confidence, 4))
            for c in ranked[:limit]
            if c.confidence >= floor
        ]
