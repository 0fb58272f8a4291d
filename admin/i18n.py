"""The panel in English and Russian: its own gettext catalog (``admin/locales``), falling back
to the core's catalog for the words both share (statuses, error messages)."""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from pathlib import Path

from babel.core import negotiate_locale

from core.errors import ChatdeskError, Term
from core.i18n import gettext as core_gettext
from core.i18n import load_catalog
from core.settings import SUPPORTED_LANGUAGES

LOCALES_DIR = Path(__file__).parent / "locales"
DOMAIN = "admin"

Translate = Callable[..., str]


def gettext(language: str, message: str, **values: object) -> str:
    translated = load_catalog(LOCALES_DIR, DOMAIN, language).gettext(message)
    if translated == message:
        translated = core_gettext(language, message)
    return translated.format(**values) if values else translated


def translator(language: str) -> Translate:
    """``_("Ticket #{number}", number=5)`` in ``language``, for templates and routes."""

    def translate(message: str, **values: object) -> str:
        return gettext(language, message, **values)

    return translate


def negotiate(accept_language: str | None, default: str) -> str:
    """The best supported language for a browser's ``Accept-Language`` header."""
    preferred = []
    for part in (accept_language or "").split(",")[:20]:
        tag = part.split(";")[0].strip().replace("-", "_")
        if tag:
            preferred.append(tag)
    found = negotiate_locale(preferred, list(SUPPORTED_LANGUAGES), sep="_")
    return found if found in SUPPORTED_LANGUAGES else default


def error_text(error: ChatdeskError, language: str) -> str:
    """A refusal in ``language``: the core's translation, or the panel's for the texts only the
    panel shows (operators' errors from the screens); a parameter that is a word (an enum, a
    :class:`Term`) is translated too."""
    if language == "en" or core_gettext(language, error.template) != error.template:
        return error.translated(language)
    values = {
        name: gettext(language, _word(value)) if isinstance(value, Enum | Term) else value
        for name, value in error.params.items()
    }
    return gettext(language, error.template, **values)


def _word(value: Enum | Term) -> str:
    return str(value.value).replace("_", " ") if isinstance(value, Enum) else str(value)
