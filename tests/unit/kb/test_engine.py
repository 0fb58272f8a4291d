from __future__ import annotations

from dataclasses import replace

import pytest

from kb.documents import ArticleText
from kb.engine import Suggestion, SuggestionEngine

VPN = ArticleText(
    id="vpn-connect",
    title="Connecting to the corporate VPN",
    body="Install FortiClient, enter the gateway and sign in with your password.",
    language="en",
    category="network",
    tags=("vpn", "remote"),
)
VPN_RU = ArticleText(
    id="vpn-connect-ru",
    title="Подключение к корпоративному VPN",
    body="Установите FortiClient, укажите шлюз и войдите под своим паролем.",
    language="ru",
    category="network",
    tags=("vpn", "удалённая-работа"),
)
PRINTER = ArticleText(
    id="printer-offline",
    title="Printer shows as offline",
    body="Restart the printer, check the cable and clear the print queue.",
    language="en",
    category="printing",
    tags=("printer", "offline", "queue"),
)
PASSWORD = ArticleText(
    id="password-reset",
    title="Resetting a forgotten password",
    body="Open the self-service portal and reset your password with a code.",
    language="en",
    category="accounts",
    tags=("password", "reset"),
)


def ids(suggestions: list[Suggestion]) -> list[str]:
    return [s.article_id for s in suggestions]


@pytest.fixture()
def engine() -> SuggestionEngine:
    return SuggestionEngine([VPN, VPN_RU, PRINTER, PASSWORD])


def test_container_protocol(engine: SuggestionEngine) -> None:
    assert len(engine) == 4
    assert "printer-offline" in engine
    assert "nope" not in engine


def test_basic_suggestion_is_ranked_and_scored(engine: SuggestionEngine) -> None:
    result = engine.suggest("printer is offline")
    assert ids(result)[0] == "printer-offline"
    assert all(0.0 <= s.score <= 1.0 for s in result)
    assert [s.score for s in result] == sorted((s.score for s in result), reverse=True)


def test_limit(engine: SuggestionEngine) -> None:
    assert engine.suggest("vpn", limit=0) == []
    assert engine.suggest("vpn", limit=-3) == []
    assert len(engine.suggest("vpn password", limit=1)) == 1


def test_upsert_edit_is_visible_at_once(engine: SuggestionEngine) -> None:
    assert "printer-offline" not in ids(engine.suggest("zebra label spooler"))
    edited = replace(
        PRINTER,
        title="Zebra label printer spooler stalls",
        body="The zebra label spooler needs a restart.",
        tags=("zebra", "labels"),
    )
    engine.upsert(edited)
    assert len(engine) == 4
    assert ids(engine.suggest("zebra label spooler"))[:1] == ["printer-offline"]
    # words only in the old version no longer find it
    assert "printer-offline" not in ids(engine.suggest("clear the print queue offline"))


def test_upsert_new_article_and_remove(engine: SuggestionEngine) -> None:
    badge = ArticleText("badge", "Badge does not open the door", "Go to reception.", "en",
                        tags=("badge", "door"))  # fmt: skip
    engine.upsert(badge)
    assert ids(engine.suggest("my badge won't open the door"))[:1] == ["badge"]
    engine.remove("badge")
    assert "badge" not in engine and len(engine) == 4
    assert "badge" not in ids(engine.suggest("my badge won't open the door"))
    engine.remove("badge")  # removing twice is harmless
    engine.upsert(badge)  # and a removed slot can be reused
    assert ids(engine.suggest("badge door"))[:1] == ["badge"]


def test_empty_engine() -> None:
    engine = SuggestionEngine()
    assert len(engine) == 0
    assert engine.suggest("vpn") == []


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Забыл пароль", "password-reset"),  # Cyrillic to an English-only article
        ("забыл пароль, как сбросить?", "password-reset"),
        ("vpn ne rabotaet", "vpn-connect-ru"),  # translit, Russian article preferred
        ("parol zabyl", "password-reset"),
        ("впн не подключается", "vpn-connect-ru"),
        ("how do I conect to the vpn", "vpn-connect"),  # typo, English preferred
        ("pasword resett", "password-reset"),
        ("принтер не в сети", "printer-offline"),
    ],
)
def test_languages_typos_and_translit(
    engine: SuggestionEngine, question: str, expected: str
) -> None:
    assert ids(engine.suggest(question))[:1] == [expected]


def test_yo_and_ye_are_the_same_letter() -> None:
    article = ArticleText("e", "Учётная запись заблокирована", "Текст.", "ru")
    engine = SuggestionEngine([article])
    assert ids(engine.suggest("учетная запись заблокирована")) == ["e"]
    assert ids(engine.suggest("УЧЁТНАЯ ЗАПИСЬ ЗАБЛОКИРОВАНА!!!")) == ["e"]


def test_explicit_language_wins_over_detection(engine: SuggestionEngine) -> None:
    assert ids(engine.suggest("vpn", language="ru"))[:1] == ["vpn-connect-ru"]
    assert ids(engine.suggest("vpn", language="en"))[:1] == ["vpn-connect"]


@pytest.mark.parametrize(
    "question",
    ["", "   ", "\n\t ", "😀🔥👍", "?!...", "🙂 " * 500, "a" * 10_000,
     ("lorem ipsum dolor " * 600)[:10_000], "printer " * 1_250],
)  # fmt: skip
def test_degenerate_questions_return_cleanly(engine: SuggestionEngine, question: str) -> None:
    result = engine.suggest(question)
    assert isinstance(result, list)
    assert all(isinstance(s, Suggestion) for s in result)


def test_long_message_with_symptom_in_the_middle(engine: SuggestionEngine) -> None:
    filler = "we had a team lunch and then talked about the quarterly plans for a while. " * 30
    question = filler + " my printer shows offline again. " + filler
    assert len(question) > 4_000
    assert ids(engine.suggest(question))[:1] == ["printer-offline"]


def test_out_of_scope_returns_nothing(engine: SuggestionEngine) -> None:
    assert engine.suggest("what's for lunch in the canteen today") == []
    assert engine.suggest("сколько стоит евро") == []


def test_threshold_parameter() -> None:
    strict = SuggestionEngine([PRINTER], threshold=1.01)
    assert strict.suggest("printer offline") == []
    lax = SuggestionEngine([PRINTER], threshold=0.0)
    assert ids(lax.suggest("printer offline")) == ["printer-offline"]
