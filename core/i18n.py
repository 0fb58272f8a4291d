"""Translations: gettext catalogs (``core/locales/<lang>/LC_MESSAGES/chatdesk.po``) read with Babel.

Catalogs are compiled in memory on first use, so a checkout needs no build step. Message ids are
the English text; a missing translation falls back to English.
"""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

LOCALES_DIR = Path(__file__).parent / "locales"
DOMAIN = "chatdesk"


@cache
def load_catalog(locales_dir: Path, domain: str, language: str) -> NullTranslations:
    """The ``<locales_dir>/<language>/LC_MESSAGES/<domain>.po`` catalog, compiled in memory
    (an empty one when the file is missing). The admin panel keeps its own catalog this way."""
    po_path = locales_dir / language / "LC_MESSAGES" / f"{domain}.po"
    if not po_path.is_file():
        return NullTranslations()
    with po_path.open("rb") as po_file:
        catalog = read_po(po_file, locale=language, domain=domain)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(fp=buffer, domain=domain)


def _translations(language: str) -> NullTranslations:
    return load_catalog(LOCALES_DIR, DOMAIN, language)


def gettext(language: str | None, message: str, **values: object) -> str:
    """Translate ``message`` into ``language`` and fill ``{placeholders}`` from ``values``."""
    translated = _translations(language or "en").gettext(message)
    return translated.format(**values) if values else translated


def N_(message: str) -> str:  # noqa: N802 - the conventional gettext marker name
    """Mark ``message`` as a message id for the catalog where it is defined; it is translated
    later, where it is shown."""
    return message
