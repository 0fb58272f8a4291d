"""Knowledge-base article suggestions for a help-desk chat message.

Pipeline for one question: analyse (normalise, transliterate, correct typos,
map to bilingual concepts, stem) -> inverted-index BM25F prefilter -> rerank
the best candidates with term coverage and rapidfuzz similarity (the lexical
signal) -> add the articles nearest in meaning (the semantic signal: cosine of
sentence vectors, when a model is attached) -> gather both signals per
translation group -> fuse them (:mod:`kb.fusion`: rank, and the probability
that the question is in scope) -> answer only when the best group's clears the
threshold, each group shown once, in the asker's language when it has a member
in it.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from sys import intern

import numpy as np

from kb.analyzer import Analyzer, QueryAnalysis
from kb.documents import ArticleText
from kb.encoder import Encoder
from kb.fusion import DEFAULT_FUSION, LEXICAL_ONLY, FusionParams, GroupEvidence, Signals, fuse
from kb.index import FIELD_NAMES, KEY_FIELDS, BulkLoader, InvertedIndex, term_weights
from kb.lexicon import FuzzyLexicon
from kb.normalize import split_sentences, tokenize
from kb.ranking import Candidate, DocInfo, rank
from kb.semantic import SemanticIndex, StoredVector
from kb.vocabulary import Vocabulary, default_vocabulary

__all__ = ["DEFAULT_THRESHOLD", "Suggestion", "SuggestionEngine"]

DEFAULT_THRESHOLD = LEXICAL_ONLY.threshold
PREFILTER_SIZE = 30
SEMANTIC_TOP = 10  # articles nearest in meaning added to the lexical candidates
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
        encoder: Encoder | None = None,
        fusion: FusionParams | None = None,
        vectors: Mapping[str, StoredVector] | None = None,
    ) -> None:
        """*encoder* adds the semantic signal (None: lexical only); *vectors* is a cache
        of article vectors by version key, so unchanged articles are not encoded again;
        *threshold* overrides the in-scope threshold of whichever signal mix is used."""
        self._threshold = threshold
        self._fusion = fusion or DEFAULT_FUSION
        self._semantic = SemanticIndex(encoder) if encoder is not None else None
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
        self._groups: list[str] = []  # translation group of each slot
        self._members: dict[str, set[int]] = {}  # group -> slots
        self._load(articles, vectors)

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
            # the vector stays: its version key tells the caller whether the text changed
            self._release(slot, keep_vector=True)
        elif self._free:
            slot = self._free.pop()
        else:
            slot = len(self._ids)
            self._ids.append(None)
            self._languages.append("")
            self._categories.append("")
            self._key_counts.append(0)
            self._words.append(_NO_WORDS)
            self._groups.append("")
        self._ids[slot] = article.id
        self._groups[slot] = article.group
        self._members.setdefault(article.group, set()).add(slot)
        self._languages[slot] = intern(article.language)
        self._categories[slot] = intern(article.category)
        self._slots[article.id] = slot
        return slot

    def _release(self, slot: int, *, keep_vector: bool = False) -> None:
        self._index.remove(slot)
        self._lexicon.release(self._words[slot])
        self._words[slot] = _NO_WORDS
        self._ids[slot] = None
        members = self._members.get(self._groups[slot])
        if members is not None:
            members.discard(slot)
            if not members:
                del self._members[self._groups[slot]]
        self._groups[slot] = ""
        if self._semantic is not None and not keep_vector:
            self._semantic.clear(slot)

    def _load(
        self, articles: Iterable[ArticleText], vectors: Mapping[str, StoredVector] | None
    ) -> None:
        """Initial bulk build (the same index as upserting one by one)."""
        latest: dict[str, ArticleText] = {}
        for article in articles:
            latest[article.id] = article  # a repeated id replaces, keeping its place
        if self._semantic is not None:
            self._semantic.put_many(
                ((len(self._ids) + i, a) for i, a in enumerate(latest.values())), vectors
            )
        if len(latest) < BULK_MIN:
            for article in latest.values():
                self._upsert(article)
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
        """Add an article, or replace the one with the same id (no full rebuild);
        its vector is refreshed at once when its text changed."""
        slot = self._upsert(article)
        if self._semantic is not None:
            self._semantic.put_many([(slot, article)])

    def attach_encoder(
        self,
        encoder: Encoder,
        articles: Iterable[ArticleText],
        vectors: Mapping[str, StoredVector] | None = None,
    ) -> None:
        """Add the semantic signal to an index built without it (e.g. once a model
        loaded in the background is ready): *articles* are the indexed ones."""
        semantic = SemanticIndex(encoder)
        semantic.put_many(
            ((self._slots[a.id], a) for a in articles if a.id in self._slots), vectors
        )
        self._semantic = semantic

    @property
    def semantic_ready(self) -> bool:
        """Whether suggestions use the semantic signal (a model, and a vector for every article)."""
        return self._semantic is not None and self._semantic.filled == len(self._slots)

    def fresh_vectors(self) -> dict[str, tuple[str, StoredVector]]:
        """Vectors encoded since the last call, for the caller to cache: article id ->
        (version key, vector)."""
        return self._semantic.drain_fresh() if self._semantic is not None else {}

    @property
    def fusion(self) -> FusionParams:
        """The signal mix in use, with the threshold override applied."""
        params = self._fusion if self.semantic_ready else LEXICAL_ONLY
        if self._threshold is not None:
            params = replace(params, threshold=self._threshold)
        return params

    @property
    def threshold(self) -> float:
        return self.fusion.threshold

    def _upsert(self, article: ArticleText) -> int:
        slot = self._claim(article)
        fields, words = self._fields(article)
        self._index.add(slot, term_weights(dict(zip(FIELD_NAMES, fields, strict=True))))
        self._key_counts[slot] = len(set().union(*fields[:KEY_FIELDS]))
        self._words[slot] = self._lexicon.add(words)
        return slot

    def remove(self, article_id: str) -> None:
        """Forget an article; unknown ids are ignored."""
        slot = self._slots.pop(article_id, None)
        if slot is None:
            return
        self._release(slot)
        self._free.append(slot)

    def group_of(self, article_id: str) -> str | None:
        """The translation group of an indexed article (None when it is not indexed)."""
        slot = self._slots.get(article_id)
        return None if slot is None else self._groups[slot]

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

    def reading(self, text: str) -> str:
        """*text* as the engine reads a question: Latin-typed Russian back in Cyrillic and
        typos repaired (the words, lower-cased), or *text* itself when nothing needed repair.
        What a learned phrasing keeps: indexed as typed, a transliterated or misspelt word
        became a known term, so the next question using it was no longer transliterated or
        repaired (``bench/kb_learning.py``: learning cost frozen hit@1 0.914 -> 0.868)."""
        return self.analyse(text).repaired or text

    def candidates(
        self, text: str, *, language: str | None = None, analysis: QueryAnalysis | None = None
    ) -> list[Candidate]:
        """All lexically reranked candidates with their confidence (no threshold, no limit);
        *analysis* is ``analyse(text)`` when the caller has it already."""
        if not text or not text.strip():
            return []
        analysis = analysis or self.analyse(text)
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

    def evidence(
        self, text: str, *, language: str | None = None
    ) -> tuple[str | None, list[GroupEvidence]]:
        """The asker's language and the signals of every candidate translation group
        (unfused, unordered): what :meth:`suggest` decides on."""
        if not text or not text.strip():
            return language, []
        analysis = self.analyse(text)
        lexical = self.candidates(text, language=language, analysis=analysis)
        asker = language or (analysis.language if lexical else None)
        found: dict[int, Signals] = {c.slot: Signals.of(c) for c in lexical}
        if self.semantic_ready:
            assert self._semantic is not None
            extra = [analysis.repaired] if analysis.repaired else []
            cosines = self._semantic.scores(text, len(self._ids), [*extra, *self._sentences(text)])
            top = min(SEMANTIC_TOP, len(cosines))
            nearest = np.argpartition(-cosines, top - 1)[:top].tolist() if top else []
            for slot in nearest:
                if self._ids[slot] is not None and slot not in found:
                    found[slot] = Signals()
            for slot, signals in found.items():
                signals.semantic = float(cosines[slot])
        groups: dict[str, GroupEvidence] = {}
        for slot, signals in found.items():
            name = self._groups[slot]
            group = groups.get(name)
            if group is None:
                group = groups[name] = GroupEvidence(name, self._pick(name, asker, found))
            group.take(signals)
        return asker, list(groups.values())

    def _sentences(self, text: str) -> list[str]:
        """The sentences of a long message (none for a short one)."""
        if len(tokenize(text)) <= LONG_MESSAGE_TERMS:
            return []
        return [p for p in split_sentences(text) if len(tokenize(p)) >= 3]

    def _pick(self, group: str, asker: str | None, found: Mapping[int, Signals]) -> str:
        """The member of *group* to show: one in the asker's language when there is
        one (the best-matching of those), else the best-matching member."""
        members = self._members[group]
        own = [s for s in members if self._languages[s] == asker] if asker else []
        none = Signals()
        best = max(own or members, key=lambda s: (found.get(s, none).order(), -s))
        article_id = self._ids[best]
        assert article_id is not None
        return article_id

    def suggest(
        self, text: str, *, language: str | None = None, limit: int = 3
    ) -> list[Suggestion]:
        """Up to *limit* articles, best first, one per translation group; [] when
        nothing is confident enough."""
        if limit <= 0:
            return []
        params = self.fusion
        _, groups = self.evidence(text, language=language)
        ranked = fuse(groups, params)
        if not ranked or ranked[0].in_scope < params.threshold:
            return []
        floor = ranked[0].rank * params.runner_up_share
        return [
            Suggestion(g.article_id, round(min(1.0, g.rank), 4))
            for g in ranked[:limit]
            if g.rank >= floor
        ]
