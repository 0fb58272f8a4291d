"""Which language a question is in: "ru" (Cyrillic or Latin-typed Russian),
"en", or None when the text has no words to judge by.

Mixed messages count as Russian as soon as Russian words make up a fair part
of them ("printer pishet offline"): the asker reads Russian.
"""

from __future__ import annotations

from kb.normalize import is_cyrillic, tokenize
from kb.stopwords import STOPWORDS
from kb.translit import cyrillic_candidates
from kb.vocabulary import default_vocabulary

__all__ = ["decide_language", "detect_language"]

RUSSIAN_SHARE = 1 / 4  # Russian words needed, as a share of all voting words


def decide_language(russian_votes: int, english_votes: int) -> str | None:
    total = russian_votes + english_votes
    if not total:
        return None
    return "ru" if russian_votes and russian_votes >= RUSSIAN_SHARE * total else "en"


def detect_language(text: str) -> str | None:
    """Stand-alone detection using only the built-in vocabulary and stopwords.

    The engine uses a finer version of this that also knows the indexed words.
    """
    vocabulary = default_vocabulary()
    russian = english = 0
    for token in tokenize(text):
        if is_cyrillic(token):
            russian += 1
        elif not token.isalpha() or len(token) < 2:
            continue
        elif token in STOPWORDS or vocabulary.knows(token):
            english += token not in STOPWORDS
        elif any(c in STOPWORDS or vocabulary.knows(c) for c in cyrillic_candidates(token)):
            russian += 1
    return decide_language(russian, english)
