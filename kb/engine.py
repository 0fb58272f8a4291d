"""Knowledge-base article suggestions for a help-desk chat message.

Pipeline for one question: analyse (normalise, transliterate, correct typos,
map to bilingual concepts, stem) -> inverted-index BM25F prefilter -> rerank
the best candidates with term coverage and rapidfuzz similarity -> prefer the
asker's language -> keep what clears the confidence threshold.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from kb.analyzer import Analyzer, QueryAnalysis
from kb.documents import ArticleText
from kb.index import InvertedIndex
from kb.lexicon import FuzzyLexicon
from kb.normalize import split_sentences, tokenize
from kb.ranking import Candidate, DocInfo, rank
from kb.vocabulary import Vocabulary, default_vocabulary

__all__ = ["DEFAULT_THRESHOLD", "Suggestion", "SuggestionEngine"]

DEFAULT_THRESHOLD = 0.35
# Once the best article clears the threshold, runners-up are shown down to this
# share of the threshold (the top answer vouches for the question being in scope).
RUNNER_UP_FLOOR = 0.5
PREFILTER_SIZE = 30
LONG_MESSAGE_TERMS = 12  # above this many words, sentences are also scored alone
MAX_SENTENCES = 40


@dataclass(frozen=True, slots=True)
class Suggestion:
    article_id: str
    score: float  # confidence 0..1, higher is better


class SuggestionEngine:
    """Incrementally updatable article index answering ``suggest(text)``."""

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
        self._docs: dict[int, DocInfo] = {}
        self._free: list[int] = []
        for article in articles:
            self.upsert(article)

    def __len__(self) -> int:
        return len(self._slots)

    def __contains__(self, article_id: object) -> bool:
        return article_id in self._slots

    def upsert(self, article: ArticleText) -> None:
        """Add an article, or replace the one with the same id (no full rebuild)."""
        slot = self._slots.get(article.id)
        if slot is None:
            slot = self._free.pop() if self._free else len(self._docs)
        else:
            self._lexicon.discard(self._docs[slot].words)
        tag_text = " ".join(article.tags).replace("-", " ")
        tokens = {
            "title": tokenize(article.title),
            "tags": tokenize(tag_text),
            "phrasings": tokenize("\n".join(article.phrasings)) if article.phrasings else [],
            "category": tokenize(article.category.replace("-", " ")),
            "body": tokenize(article.body),
        }
        analyze = self._analyzer.terms_of_tokens
        fields = {name: analyze(field_tokens) for name, field_tokens in tokens.items()}
        self._index.add(slot, fields)
        words = frozenset(tokens["body"]).union(*(tokens[f] for f in tokens if f != "body"))
        self._lexicon.add(words)
        key_terms = fields["title"] + fields["tags"] + fields["phrasings"]
        self._docs[slot] = DocInfo(
            article_id=article.id,
            language=article.language,
            category=article.category,
            key_terms=frozenset(key_terms),
            short=" ".join(sorted(set(key_terms))),
            words=words,
        )
        self._slots[article.id] = slot

    def remove(self, article_id: str) -> None:
        """Forget an article; unknown ids are ignored."""
        slot = self._slots.pop(article_id, None)
        if slot is None:
            return
        self._index.remove(slot)
        self._lexicon.discard(self._docs.pop(slot).words)
        self._free.append(slot)

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
        return rank(analysis, top, self._docs, self._index, asker, sentences)

    def suggest(
        self, text: str, *, language: str | None = None, limit: int = 3
    ) -> list[Suggestion]:
        """Up to *limit* articles, best first; [] when nothing is confident enough."""
        if limit <= 0:
            return []
        ranked = self.candidates(text, language=language)
        if not ranked or ranked[0].confidence < self.threshold:
            return []
        floor = self.threshold * RUNNER_UP_FLOOR
        return [
            Suggestion(c.article_id, round(c.confidence, 4))
            for c in ranked[:limit]
            if c.confidence >= floor
        ]
