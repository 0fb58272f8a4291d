"""The length band a self-help miss reads the unanswered log with loses no near-identical group."""

from __future__ import annotations

import random

from rapidfuzz import fuzz

from core.services.suggestions import NEAR_IDENTICAL, _near_lengths
from kb.normalize import normalize

WORDS = ["vpn", "printer", "keeps", "dropping", "my", "a", "the", "every", "few", "minutes", "x"]


def test_every_near_identical_question_is_within_the_band() -> None:
    draw = random.Random(13)
    near = 0
    for _ in range(20_000):
        key = normalize(" ".join(draw.choices(WORDS, k=draw.randint(1, 9))))
        other = list(key)
        for _ in range(draw.randint(0, 4)):  # a few edits: some pairs stay near-identical
            at = draw.randrange(len(other) + 1)
            if draw.random() < 0.5 and at < len(other):
                del other[at]
            else:
                other.insert(at, draw.choice("abcdefgh "))
        candidate = normalize("".join(other))
        if not candidate or fuzz.token_sort_ratio(candidate, key) < NEAR_IDENTICAL:
            continue
        near += 1
        low, high = _near_lengths(key)
        assert low <= len(candidate) <= high, (key, candidate)
    assert near > 1000  # the draw did test the bound


def test_a_question_far_longer_or_shorter_is_outside_the_band() -> None:
    key = normalize("my vpn keeps dropping every few minutes")
    low, high = _near_lengths(key)
    assert low > len("my vpn") and high < len(key) * 2
