"""One suggestion per translation group, in the asker's language when the group has it."""

from __future__ import annotations

from typing import Any

import pytest

from kb.documents import ArticleText
from kb.engine import SuggestionEngine
from tests.unit.kb.question_sets import DATA, load_questions

VPN = ArticleText(
    "vpn-connect", "Connecting to the corporate VPN",
    "Start FortiClient and connect to Kestrel Remote.", "en", "network", ("vpn", "forticlient"),
)  # fmt: skip
VPN_RU = ArticleText(
    "vpn-connect-ru", "Подключение к корпоративному VPN",
    "Запустите FortiClient и подключитесь к Kestrel Remote.", "ru", "network",
    ("vpn", "forticlient"), translation_of="vpn-connect",
)  # fmt: skip
BADGE_RU = ArticleText(
    "badge-access", "Пропуск не открывает двери или турникет",
    "Приложите пропуск к считывателю.", "ru", "facilities", ("пропуск", "турникет", "badge"),
)  # fmt: skip


@pytest.fixture(params=[False, True], ids=["lexical", "fused"])
def engine(request: pytest.FixtureRequest, encoder: Any) -> SuggestionEngine:
    return SuggestionEngine([VPN, VPN_RU, BADGE_RU], encoder=encoder if request.param else None)


def test_english_asker_gets_the_english_twin_only(engine: SuggestionEngine) -> None:
    ids = [s.article_id for s in engine.suggest("forticlient vpn will not connect")]
    assert ids[:1] == ["vpn-connect"]
    assert "vpn-connect-ru" not in ids


def test_russian_asker_gets_the_russian_twin_only(engine: SuggestionEngine) -> None:
    ids = [s.article_id for s in engine.suggest("не подключается vpn forticlient")]
    assert ids[:1] == ["vpn-connect-ru"]
    assert "vpn-connect" not in ids


def test_the_other_language_only_when_the_group_has_none_in_the_askers(
    engine: SuggestionEngine,
) -> None:
    ids = [s.article_id for s in engine.suggest("my badge does not open the turnstile")]
    assert ids[:1] == ["badge-access"]


def test_removing_a_twin_leaves_the_other(engine: SuggestionEngine) -> None:
    engine.remove("vpn-connect")
    ids = [s.article_id for s in engine.suggest("forticlient vpn will not connect")]
    assert ids[:1] == ["vpn-connect-ru"]


def test_no_question_of_any_set_gets_two_members_of_one_group(
    kb_fused_engine: SuggestionEngine, kb_engine: SuggestionEngine, dev_questions: list[Any]
) -> None:
    questions = [q["q"] for q in dev_questions]
    for name in ("kb_questions_extra.jsonl", "kb_questions_frozen.jsonl"):
        questions += [q["q"] for q in load_questions(DATA / name)]
    for engine in (kb_fused_engine, kb_engine):
        for question in questions:
            ids = [s.article_id for s in engine.suggest(question)]
            groups = [i.removesuffix("-ru") for i in ids]
            assert len(groups) == len(set(groups)), (question, ids)


def test_group_of_names_the_translation_group(engine: SuggestionEngine) -> None:
    assert engine.group_of("vpn-connect-ru") == engine.group_of("vpn-connect") == "vpn-connect"
    assert engine.group_of("badge-access") == "badge-access"
    assert engine.group_of("no-such-article") is None
