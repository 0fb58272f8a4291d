from __future__ import annotations

from core.domain.enums import TicketStatus
from core.errors import AlreadyClaimed, InvalidInput, InvalidTransition, Term


def test_english_text_and_russian_translation() -> None:
    error = InvalidTransition(
        "Ticket #{number} is {status}; reopen it first.", number=7, status=TicketStatus.IN_PROGRESS
    )
    assert str(error) == "Ticket #7 is in progress; reopen it first."
    assert error.translated("ru") == "Заявка #7 в статусе «в работе»; сначала переоткройте её."
    assert error.translated("en") == str(error)


def test_terms_are_translated_and_plain_values_are_not() -> None:
    error = InvalidInput("The {what} must not be empty.", what=Term("comment"))
    assert error.translated("ru") == "Поле «комментарий» не может быть пустым."
    claimed = AlreadyClaimed(1001, "Alice")
    assert str(claimed) == "Ticket #1001 is already claimed by Alice."
    assert claimed.translated("ru") == "Заявку #1001 уже взял(а) Alice."


def test_a_template_without_translation_falls_back_to_english() -> None:
    error = InvalidInput("Something {odd} happened.", odd="x")
    assert error.translated("ru") == "Something x happened."
