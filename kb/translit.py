"""Latin-typed Russian ("parol zabyl") back to Cyrillic.

Transliteration is ambiguous, so :func:`cyrillic_candidates` returns a few
spellings; the analyser keeps the first one the index or vocabulary knows.
"""

from __future__ import annotations

from functools import lru_cache

__all__ = ["latin_to_cyrillic", "cyrillic_candidates"]

# Longest patterns first; checked greedily at every position.
_MULTI: tuple[tuple[str, str], ...] = (
    ("shch", "щ"),
    ("tsya", "тся"),
    ("tsia", "тся"),
    ("sch", "щ"),
    ("zh", "ж"),
    ("kh", "х"),
    ("ts", "ц"),
    ("tz", "ц"),
    ("ch", "ч"),
    ("sh", "ш"),
    ("yu", "ю"),
    ("ju", "ю"),
    ("iu", "ю"),
    ("ya", "я"),
    ("ja", "я"),
    ("ia", "я"),
    ("yo", "е"),
    ("jo", "е"),
    ("ye", "е"),
    ("ck", "к"),
    ("ph", "ф"),
)
_SINGLE = {
    "a": "а", "b": "б", "v": "в", "w": "в", "g": "г", "d": "д", "e": "е", "z": "з",
    "i": "и", "j": "й", "k": "к", "l": "л", "m": "м", "n": "н", "o": "о", "p": "п",
    "r": "р", "s": "с", "t": "т", "u": "у", "f": "ф", "h": "х", "c": "к", "x": "кс",
    "q": "к", "'": "ь",
}  # fmt: skip
_VOWELS = set("аеиоуыэюя")


def latin_to_cyrillic(token: str) -> str:
    """Best single Cyrillic spelling of a Latin-typed Russian word."""
    out: list[str] = []
    i = 0
    n = len(token)
    while i < n:
        for latin, cyr in _MULTI:
            if token.startswith(latin, i):
                out.append(cyr)
                i += len(latin)
                break
        else:
            ch = token[i]
            if ch == "y":
                prev = out[-1][-1] if out else ""
                out.append("й" if prev in _VOWELS else "ы")
            elif ch == "e" and i == 0:
                out.append("э")
            else:
                out.append(_SINGLE.get(ch, ch))
            i += 1
    return "".join(out)


@lru_cache(maxsize=50_000)
def cyrillic_candidates(token: str) -> tuple[str, ...]:
    """A few plausible Cyrillic spellings, most likely first."""
    best = latin_to_cyrillic(token)
    variants = [best]
    if best.startswith("э"):
        variants.append("е" + best[1:])
    if best and best[-1] not in _VOWELS and best[-1] not in "йь":
        variants.append(best + "ь")
    if "ые" not in best and "ye" in token:
        variants.append(latin_to_cyrillic(token.replace("ye", "yie")).replace("ыие", "ые"))
    if "ц" in best:
        variants.append(best.replace("ц", "тс"))
    return tuple(dict.fromkeys(variants))
