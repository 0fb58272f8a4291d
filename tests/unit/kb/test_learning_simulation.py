"""Learned phrasings must not make other questions' suggestions worse (bench/kb_learning.py, small).

Half of the dev set is fed as "this solved it" answers (only questions whose expected article the
engine showed can be confirmed), every candidate accepted; the engine that learned them is asked
the other half, then the halves swap; questions are learned as the index reads them, as the
service does.  Before phrasings stopped being key terms and left the article vectors, this lost
about 3 questions of hit@1 and 3 of out-of-scope rejection per half; learned as typed, Latin-typed
Russian and misspelt questions cost frozen hit@1 0.914 -> 0.868 (bench/kb_learning.py).
"""

from __future__ import annotations

import random
from typing import Any

import pytest

from kb.documents import ArticleText
from kb.encoder import Encoder
from kb.engine import SuggestionEngine
from kb.evaluation import evaluate
from kb.learning import taught

SEED = 8


def _halves(questions: list[dict[str, Any]]) -> tuple[list[Any], list[Any]]:
    shuffled = questions[:]
    random.Random(SEED).shuffle(shuffled)
    half = len(shuffled) // 2
    return shuffled[:half], shuffled[half:]


@pytest.mark.parametrize("which", [0, 1])
def test_learned_phrasings_do_not_lower_the_other_half(
    which: int,
    articles: list[ArticleText],
    encoder: Encoder,
    kb_fused_engine: SuggestionEngine,
    dev_questions: list[dict[str, Any]],
) -> None:
    halves = _halves(dev_questions)
    feed, test = halves[which], halves[1 - which]
    confirmed = [
        (q["q"], q["expected"])
        for q in feed
        if q["expected"] is not None
        and q["expected"] in [s.article_id for s in kb_fused_engine.suggest(q["q"])]
    ]
    learned = taught(articles, confirmed, read=kb_fused_engine.reading)
    assert sum(len(a.phrasings) for a in learned) >= 30  # the test teaches something
    engine = SuggestionEngine(learned, encoder=encoder)
    before = evaluate(test, kb_fused_engine.suggest).overall
    after = evaluate(test, engine.suggest).overall
    one, one_oos = 1 / before.n, 1 / max(before.n_oos, 1)
    report = f"before {before}, after {after}"
    assert after.hit_at_1 >= before.hit_at_1 - one - 1e-9, report
    assert after.hit_at_3 >= before.hit_at_3 - one - 1e-9, report
    assert after.oos_rejection >= before.oos_rejection - one_oos - 1e-9, report


def test_a_latin_typed_russian_phrasing_is_learned_as_the_index_reads_it(
    articles: list[ArticleText], kb_engine: SuggestionEngine
) -> None:
    """Kept as typed, the phrasing's Latin words ('ne', 'rabotaet') became known terms of one
    article, so later Latin-typed questions sharing them were no longer read as Russian and
    went to that article ('parol ne rabotaet' -> vpn-connect)."""
    typed = "vpn ne rabotaet doma"
    assert kb_engine.reading(typed) == "vpn не работает дома"
    assert kb_engine.reading("printer offline") == "printer offline"  # nothing to repair
    later = "parol ne rabotaet"
    assert [s.article_id for s in kb_engine.suggest(later)][:1] == ["password-reset-ru"]
    as_typed = SuggestionEngine(taught(articles, [(typed, "vpn-connect-ru")]))
    as_read = SuggestionEngine(
        taught(articles, [(typed, "vpn-connect-ru")], read=kb_engine.reading)
    )
    learned = {
        a.id: a.phrasings
        for a in taught(articles, [(typed, "vpn-connect-ru")], read=kb_engine.reading)
    }
    assert learned["vpn-connect-ru"] == ("vpn не работает дома",)
    assert [s.article_id for s in as_typed.suggest(later)][:1] != ["password-reset-ru"]
    assert [s.article_id for s in as_read.suggest(later)][:1] == ["password-reset-ru"]
