"""Marking texts for translation where they are defined, not where they are translated."""

from __future__ import annotations


def N_(message: str) -> str:  # noqa: N802 - the conventional gettext marker name
    """Mark ``message`` as a message id for the catalog; it is translated later, at use."""
    return message
