"""Snowball stemming for English and Russian, picked by the token's script."""

from __future__ import annotations

from functools import lru_cache

import snowballstemmer

from kb.normalize import is_cyrillic

__all__ = ["stem", "stem_en", "stem_ru"]

_EN = snowballstemmer.stemmer("english")
_RU = snowballstemmer.stemmer("russian")


@lru_cache(maxsize=200_000)
def stem_en(token: str) -> str:
    result: str = _EN.stemWord(token)
    return result


@lru_cache(maxsize=200_000)
def stem_ru(token: str) -> str:
    result: str = _RU.stemWord(token)
    return result


@lru_cache(maxsize=400_000)
def stem(token: str) -> str:
    """Stem a normalised token with the stemmer for its script.

    Tokens containing digits (product names, error codes) are kept as they are.
    """
    if any(ch.isdigit() for ch in token):
        return token
    if is_cyrillic(token):
        return stem_ru(token)
    return stem_en(token)
