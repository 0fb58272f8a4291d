"""The one parser for ticket numbers and button data: ASCII digits only, within the 64-bit
column, and anything else unpacks to nothing (answered as an expired button)."""

from __future__ import annotations

import pytest

from core.button_data import SHAPES, Act, Pressed, pack, unpack
from core.domain.numbers import COLUMN_MAX, looks_like_a_number, parse_ticket_number


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("1001", 1001),
        ("#1001", 1001),
        (" 1001 ", 1001),
        (str(COLUMN_MAX), COLUMN_MAX),
        (str(COLUMN_MAX + 1), None),
        ("100000000000000000000", None),
        ("¹⁰⁰¹", None),
        ("١٠٠١", None),  # Arabic-Indic digits
        ("１００１", None),  # full-width digits
        ("0", None),
        ("-5", None),
        ("+5", None),
        ("10²⁰", None),
        ("", None),
        ("abc", None),
    ],
)
def test_ticket_numbers_are_ascii_digits_within_the_column(text: str, number: int | None) -> None:
    assert parse_ticket_number(text) == number


def test_numbers_of_other_scripts_or_sizes_still_read_as_meant_to_be_numbers() -> None:
    assert looks_like_a_number("¹⁰⁰¹") and looks_like_a_number("100000000000000000000")
    assert not looks_like_a_number("abc") and not looks_like_a_number("")


@pytest.mark.parametrize(
    ("data", "pressed"),
    [
        ("claim:1001", Pressed(Act.CLAIM, (1001,))),
        ("assign:1001", Pressed(Act.ASSIGN, (1001,))),
        ("assign:1001:7", Pressed(Act.ASSIGN, (1001, 7))),
        ("prio:1001:P2", Pressed(Act.PRIORITY, (1001, "P2"))),
        ("rate:1001:5", Pressed(Act.RATE, (1001, 5))),
        ("cat", Pressed(Act.CATEGORY, ())),
        ("cat:3", Pressed(Act.CATEGORY, (3,))),
        ("kbo:12:0", Pressed(Act.ARTICLE_OPEN, (12, 0))),
        ("done", Pressed(Act.DONE, ())),
    ],
)
def test_our_buttons_unpack(data: str, pressed: Pressed) -> None:
    assert unpack(data) == pressed


@pytest.mark.parametrize(
    "data",
    [
        "claim:¹",
        "claim:1001:1",
        "claim:",
        "claim",
        "assign:1001:10²⁰",
        "assign:1001:100000000000000000000",
        "rate:1001:5000",
        "rate:¹⁰⁰¹:5",
        "prio:1001:P2;DROP",
        "kbo:12",
        "launch:1",
        "",
        ":",
        "done:1",
        "x" * 200,
        "claim:1001\x00",
    ],
)
def test_anything_else_unpacks_to_nothing(data: str) -> None:
    assert unpack(data) is None


def test_pack_round_trips_and_refuses_wrong_shapes() -> None:
    for act, shapes in SHAPES.items():
        for shape in shapes:
            args = tuple(7 if kind.name != "WORD" else "P2" for kind in shape)
            assert unpack(pack(act, *args)) == Pressed(act, args)
    with pytest.raises(ValueError):
        pack(Act.CLAIM)
    with pytest.raises(ValueError):
        pack(Act.RATE, 1001, 5000)
