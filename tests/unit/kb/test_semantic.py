"""The semantic signal: article vectors per version, the lexical fallback, fail-soft loading."""

from __future__ import annotations

import logging
from dataclasses import replace

import numpy as np
import pytest

from kb.documents import ArticleText
from kb.encoder import Encoder, EncoderLoader
from kb.engine import SuggestionEngine
from kb.fusion import DEFAULT_FUSION, LEXICAL_ONLY
from kb.semantic import vector_key, vector_text
from kb.vectors import VectorIndex, quantize

PRINTER = ArticleText(
    "printer-offline", "Printer shows as offline", "Open the print queue and cancel stuck jobs.",
    "en", "printing", ("printer", "offline"),
)  # fmt: skip
PHONE = ArticleText(
    "voicemail", "Setting up voicemail", "Press the Messages button and record a greeting.",
    "en", "phone", ("voicemail", "greeting"),
)  # fmt: skip
# shares no word with either article above, as written or after the edit below
QUESTION = "nobody can leave me a spoken message when I miss a call"


def _cosine(engine: SuggestionEngine, article_id: str, question: str) -> float:
    _, groups = engine.evidence(question)
    return max((g.semantic for g in groups if g.article_id == article_id), default=0.0)


def test_an_edited_article_gets_its_new_vector_at_once(encoder: Encoder) -> None:
    engine = SuggestionEngine([PRINTER, PHONE], encoder=encoder)
    before = _cosine(engine, "printer-offline", QUESTION)
    built = engine.fresh_vectors()
    assert sorted(built) == ["printer-offline", "voicemail"]
    engine.upsert(replace(PRINTER, title="Voicemail box is full", tags=("voicemail",),
                          body="Delete old voice messages so callers can record new ones."))  # fmt: skip
    after = _cosine(engine, "printer-offline", QUESTION)
    assert after > before + 0.15
    fresh = engine.fresh_vectors()
    assert list(fresh) == ["printer-offline"]
    assert fresh["printer-offline"][0] != built["printer-offline"][0]  # a new version key
    assert engine.fresh_vectors() == {}


def test_an_unchanged_article_takes_its_vector_from_the_cache(encoder: Encoder) -> None:
    first = SuggestionEngine([PRINTER, PHONE], encoder=encoder)
    cache = dict(first.fresh_vectors().values())

    class Counting:
        name, dim = encoder.name, encoder.dim
        texts: list[str] = []

        def encode(self, texts: list[str]) -> np.ndarray:
            self.texts.extend(texts)
            return encoder.encode(texts)

    counting = Counting()
    second = SuggestionEngine([PRINTER, PHONE], encoder=counting, vectors=cache)
    assert second.semantic_ready
    assert counting.texts == []  # nothing encoded at build
    assert second.fresh_vectors() == {}
    assert _cosine(second, "voicemail", QUESTION) == pytest.approx(
        _cosine(first, "voicemail", QUESTION)
    )


def test_the_version_key_follows_the_text_and_the_model() -> None:
    text = vector_text(PRINTER)
    assert vector_key("m", text) != vector_key("m", vector_text(replace(PRINTER, title="Other")))
    assert vector_key("m", text) != vector_key("n", text)


def test_a_phrasing_leaves_the_article_vector_as_it_is() -> None:
    """The answer/out-of-scope decision is fitted on vectors of title, tags and introduction;
    phrasings (learned ones too) only count lexically, so learning one re-encodes nothing and
    does not move the article closer to every question."""
    taught = replace(PRINTER, phrasings=("spilled coffee on the printer, now it is offline",))
    assert vector_text(taught) == vector_text(PRINTER)


def test_phrasing_words_find_the_article_but_are_not_its_key_terms() -> None:
    taught = replace(PRINTER, phrasings=("spilled coffee on the printer, now it is offline",))
    engine = SuggestionEngine([taught, PHONE])
    [found] = engine.candidates("coffee spilled")
    assert found.article_id == "printer-offline"
    assert found.coverage > 0 and found.key_coverage == 0
    [titled] = engine.candidates("printer offline")
    assert titled.key_coverage > 0


def test_without_a_model_the_engine_is_the_lexical_one(encoder: Encoder) -> None:
    lexical = SuggestionEngine([PRINTER, PHONE])
    assert not lexical.semantic_ready
    assert lexical.fusion == LEXICAL_ONLY
    assert SuggestionEngine([PRINTER, PHONE], encoder=encoder).fusion == DEFAULT_FUSION
    assert lexical.suggest(QUESTION) == []  # no shared word: only meaning could answer
    assert [s.article_id for s in lexical.suggest("printer offline")] == ["printer-offline"]


def test_a_model_attached_later_adds_the_signal(encoder: Encoder) -> None:
    engine = SuggestionEngine([PRINTER, PHONE])
    engine.attach_encoder(encoder, [PRINTER, PHONE])
    assert engine.semantic_ready
    assert _cosine(engine, "voicemail", QUESTION) > 0.2


def test_a_model_that_cannot_load_leaves_suggestions_lexical(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken() -> Encoder:
        raise OSError("weights.npz is missing")

    loader = EncoderLoader(broken)
    with caplog.at_level(logging.WARNING):
        assert loader.get() is None
    assert "lexical engine only" in caplog.text and "weights.npz is missing" in caplog.text
    assert loader.get() is None  # tried once


def test_background_loading_answers_none_until_ready(encoder: Encoder) -> None:
    loader = EncoderLoader(lambda: encoder)
    loader.start()
    assert loader.get(wait=True) is encoder
    assert loader.ready


def test_quantised_scores_match_float_cosines() -> None:
    rng = np.random.default_rng(1)
    vectors = rng.standard_normal((50, 32)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    index = VectorIndex(32)
    rows, scales = quantize(vectors)
    for slot in range(50):
        index.set(slot, f"k{slot}", rows[slot], float(scales[slot]))
    index.clear(7)
    query = vectors[3]
    scores = index.scores(query[None, :], np.ones(1, dtype=np.float32), 52)
    expected = vectors @ query
    expected[7] = 0.0
    assert np.abs(scores[:50] - expected).max() < 0.02
    assert scores[50:].tolist() == [0.0, 0.0]
    assert int(np.argmax(scores)) == 3


def test_upserting_an_unchanged_article_encodes_nothing(encoder: Encoder) -> None:
    engine = SuggestionEngine([PRINTER, PHONE], encoder=encoder)
    engine.fresh_vectors()
    engine.upsert(PRINTER)
    engine.upsert(replace(PRINTER, category="hardware"))  # the category is not in the vector
    assert engine.fresh_vectors() == {}
    assert engine.semantic_ready
