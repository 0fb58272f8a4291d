"""Every text the core shows a person has a Russian translation with the same placeholders."""

from __future__ import annotations

import re
import string

from babel.messages.pofile import read_po

from core.i18n import LOCALES_DIR, gettext
from tests.integration.intake.msgids import used_msgids


def _catalog() -> dict[str, str]:
    with (LOCALES_DIR / "ru" / "LC_MESSAGES" / "chatdesk.po").open("rb") as po:
        catalog = read_po(po, locale="ru")
    assert catalog.locale is not None and str(catalog.locale) == "ru"
    assert catalog.num_plurals == 3
    return {str(m.id): str(m.string) for m in catalog if m.id}


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_msgid_used_has_a_russian_translation() -> None:
    catalog = _catalog()
    used = used_msgids()
    assert len(used) > 50, "the scanner found the texts"
    missing = {m: where for m, where in used.items() if not catalog.get(m)}
    assert not missing, f"add Russian translations for: {missing}"
    empty = [m for m, translated in catalog.items() if not translated]
    assert not empty


def test_translations_keep_their_placeholders() -> None:
    for msgid, translated in _catalog().items():
        assert _fields(msgid) == _fields(translated), msgid


def test_catalog_is_used() -> None:
    assert gettext("ru", "Hello, {name}!", name="Рита") == "Здравствуйте, Рита!"
    assert gettext("en", "Hello, {name}!", name="Rita") == "Hello, Rita!"


def test_no_core_text_spells_a_slash_command() -> None:
    """Commands in texts are command hints that each channel writes its own way."""
    slash = re.compile(r"(?:^|[\s(«\"'—])/[a-z]")
    spelled = {m: where for m, where in used_msgids().items() if slash.search(m)}
    assert not spelled, f"use command_hint() instead of a slash command in: {spelled}"
    catalog = _catalog()
    assert not [catalog[m] for m in used_msgids() if slash.search(catalog.get(m, ""))]
