from __future__ import annotations

from kb.language import detect_language
from kb.normalize import normalize, tokenize
from kb.stemming import stem
from kb.translit import cyrillic_candidates, latin_to_cyrillic


def test_normalize_folds_case_yo_punctuation_and_spaces() -> None:
    assert normalize("  Учётка   ЗАБЛОКИРОВАНА!!  ") == "учетка заблокирована"
    assert normalize("Can't  log-in\tto Wi-Fi") == "cant log in to wi fi"
    assert tokenize("😀 🔥") == []


def test_stemming_by_script() -> None:
    assert stem("passwords") == stem("password")
    assert stem("пароли") == stem("пароль")
    assert stem("x1000") == "x1000"


def test_transliteration() -> None:
    assert latin_to_cyrillic("rabotaet") == "работает"
    assert latin_to_cyrillic("otvalivaetsya") == "отваливается"
    assert "пароль" in cyrillic_candidates("parol")


def test_language_detection() -> None:
    assert detect_language("не работает принтер") == "ru"
    assert detect_language("printer does not work") == "en"
    assert detect_language("😀") is None
