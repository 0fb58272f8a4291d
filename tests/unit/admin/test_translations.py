"""The panel speaks Russian: every text it passes to gettext (templates and code, found by
Babel's extractors) has a translation with the same placeholders, and so do the texts it
chooses at run time (notices, filters, statuses, history entries)."""

from __future__ import annotations

import string
from pathlib import Path

from babel.messages.extract import extract_from_dir, extract_from_file
from babel.messages.pofile import read_po

from admin import article_list, templating
from admin.i18n import LOCALES_DIR, gettext
from admin.routes import routing
from core.domain.article_versions import VersionState
from core.domain.knowledge import ArticleStatus

ADMIN = Path(__file__).resolve().parents[3] / "admin"
METHODS = [("templates/**.html", "jinja2"), ("**.py", "python")]
CHOSEN_AT_RUN_TIME = {
    *templating.NOTICES.values(),
    *article_list.HELPFULNESS.values(),
    *(s.value for s in ArticleStatus),
    *(s.value for s in VersionState),
    *("created", "edited", "published", "archived", "unpublished", "phrasing added"),
    *("requester", "incident", "service request", "change request"),
    *("opened", "claimed", "status changed", "replied", "noted", "priority changed"),
    *("resolution set", "rated", "escalated", "released", "reopened"),
    "This needs the {role} role.",
    "The form has expired or did not come from this site. Please try again.",
    "That is not a zip file.",
    "The zip holds no .md files.",
    *routing.KIND_LABELS.values(),
    *routing.MODE_LABELS.values(),
    *routing.AWAY_LABELS.values(),
    *("type", "breach action", "assignment mode", "away action"),  # choice(...) names the field
}
ROOT = ADMIN.parent
# Where the refusals the SLA and routing screens show come from: operators' errors
# (ConfigurationError), English on the command line, translated in the panel.
STRUCTURE_ERRORS = [
    "admin/changes.py",
    "admin/routes/routing.py",
    "admin/routes/sla.py",
    "core/domain/calendar_text.py",
    "core/domain/calendars.py",
    "core/domain/durations.py",
    "core/domain/routing.py",
    "core/domain/sla.py",
    "core/services/routing_rules.py",
    "core/services/sla_config.py",
]


def _catalog() -> dict[str, str]:
    with (LOCALES_DIR / "ru" / "LC_MESSAGES" / "admin.po").open("rb") as po:
        return {str(m.id): str(m.string) for m in read_po(po, locale="ru") if m.id}


def _used() -> set[str]:
    found = extract_from_dir(str(ADMIN), METHODS, keywords={"_": None})
    return {message for _, _, message, _, _ in found if isinstance(message, str)}


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_panel_text_has_a_russian_translation() -> None:
    catalog = _catalog()
    used = _used()
    assert len(used) > 200, "the extractor found the templates' texts"
    missing = sorted(m for m in used | CHOSEN_AT_RUN_TIME if not catalog.get(m))
    assert missing == []


def test_the_sla_and_routing_screens_refuse_in_russian_too() -> None:
    keywords = {"ConfigurationError": None, "InvalidInput": None}
    shown = {
        message
        for path in STRUCTURE_ERRORS
        for _, message, _, _ in extract_from_file("python", str(ROOT / path), keywords=keywords)
        if isinstance(message, str)
    }
    assert len(shown) > 40, "the extractor found the errors"
    assert sorted(m for m in shown if gettext("ru", m) == m) == []


def test_translations_keep_their_placeholders() -> None:
    for msgid, translated in _catalog().items():
        assert _fields(msgid) == _fields(translated), msgid


def test_the_catalog_is_used_with_the_cores_as_fallback() -> None:
    assert gettext("ru", "Sign out") == "Выйти"
    assert gettext("ru", "{count} tickets", count=3) == "Заявок: 3"
    assert gettext("ru", "in progress") != "in progress", "a status, from the core's catalog"
    assert gettext("en", "Sign out") == "Sign out"
