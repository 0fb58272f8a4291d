"""The in-scope check: an answer sharing one term with a question that says
more is discounted when deciding whether to answer (not when ranking)."""

from __future__ import annotations

import pytest

from kb.documents import ArticleText
from kb.engine import SuggestionEngine
from kb.ranking import THIN_SUPPORT_PENALTY, Candidate, scope_confidence


def candidate(support: int, said: int, confidence: float = 0.5) -> Candidate:
    return Candidate(
        article_id="a",
        slot=0,
        bm25=1.0,
        coverage=0.5,
        key_coverage=0.5,
        fuzzy=0.5,
        confidence=confidence,
        support=support,
        said=said,
    )


@pytest.mark.parametrize(("support", "said"), [(1, 1), (1, 2), (2, 3), (2, 6), (4, 4)])
def test_broad_or_short_matches_keep_their_confidence(support: int, said: int) -> None:
    assert scope_confidence(candidate(support, said)) == 0.5


def test_a_single_shared_term_is_discounted_per_unexplained_term() -> None:
    three, four = scope_confidence(candidate(1, 3)), scope_confidence(candidate(1, 4))
    assert three == pytest.approx(0.5 / (1.0 + THIN_SUPPORT_PENALTY))
    assert four == pytest.approx(0.5 / (1.0 + 2 * THIN_SUPPORT_PENALTY))
    assert four < three < 0.5


def test_engine_discounts_a_near_topic_request_sharing_one_term() -> None:
    room = ArticleText(
        id="meeting-room-screen",
        title="Meeting room booking panel shows the wrong status",
        body="The booking panel next to the meeting room door shows the room as busy.",
        language="en",
        category="facilities",
        tags=("meeting-room", "booking-panel"),
    )
    engine = SuggestionEngine([room])
    ranked = engine.candidates("the window blinds in our meeting room are broken")
    assert ranked and ranked[0].support == 1 and ranked[0].said > 2
    assert scope_confidence(ranked[0]) < ranked[0].confidence
    assert engine.suggest("meeting room booking panel shows wrong status")
