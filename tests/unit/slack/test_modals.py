"""The new-request form as a Slack modal and back: what the core prepares is shown with its
starting values, what a person enters reads back as the same typed form, and the core's
problems land on the fields they are about."""

from __future__ import annotations

from bots.slack.modals import (
    Where,
    errors,
    rating_view,
    read_rating,
    read_request,
    request_view,
    where_of,
)
from core.intake.forms import Field, RatingComment, RequestForm
from core.intake.request_form import Choice, FormSetup, problems
from core.services.context import TITLE_MAX
from tests.fakes.slack_blocks import check_view
from tests.fakes.slack_views import submit_values

LABELS = {name: name.value.title() for name in Field}


def _setup(form: RequestForm, *, categories: tuple[Choice, ...] = (), files: int = 0) -> FormSetup:
    return FormSetup(
        language="en",
        form=form,
        labels=LABELS,
        impacts=(Choice(1, "Just me"), Choice(2, "My team")),
        urgencies=(Choice(1, "It can wait"), Choice(3, "I cannot work")),
        categories=categories,
        files=files,
    )


def test_what_is_typed_into_the_modal_reads_back_as_the_form() -> None:
    start = RequestForm(summary="VPN drops", details="Since Monday", urgency=3, suggestions_event=7)
    categories = (Choice(4, "Network"), Choice(5, "Network › VPN"))
    view = request_view(_setup(start, categories=categories, files=2), Where("D01", "en"))
    check_view(view, kind="modal")  # within Slack's limits
    blocks = {b.get("block_id"): b for b in view["blocks"]}
    assert blocks["summary"]["element"]["initial_value"] == "VPN drops"
    assert blocks["urgency"]["element"]["initial_option"]["value"] == "3"
    assert "initial_option" not in blocks["impact"]["element"], "nothing chosen yet"
    assert blocks["category"]["optional"] and not blocks["impact"]["optional"]
    assert "will be attached: 2" in str(view["blocks"])

    view["state"] = {"values": submit_values(view, {"impact": "2", "category": "5"})}
    assert read_request(view) == RequestForm(
        summary="VPN drops",
        details="Since Monday",
        impact=2,
        urgency=3,
        category_id=5,
        suggestions_event=7,
    )
    assert where_of(view)[0] == Where("D01", "en")


def test_a_modal_without_categories_or_a_known_conversation() -> None:
    view = request_view(_setup(RequestForm()), Where("", "ru"))
    assert "category" not in {b.get("block_id") for b in view["blocks"]}
    view["state"] = {"values": submit_values(view, {"summary": "Printer"})}
    assert read_request(view) == RequestForm(summary="Printer")
    assert where_of(view)[0] == Where("", "ru")


def test_problems_are_named_by_field_in_the_persons_language() -> None:
    assert problems(RequestForm(summary="Printer", impact=1, urgency=2), "en") == {}
    found = problems(RequestForm(summary=" ", impact=9), "en")
    assert set(found) == {Field.SUMMARY, Field.IMPACT, Field.URGENCY}
    assert errors(found)["summary"] == "Please describe the problem in a few words."
    too_long = problems(RequestForm(summary="x" * (TITLE_MAX + 1), impact=1, urgency=1), "en")
    assert f"up to {TITLE_MAX} characters" in too_long[Field.SUMMARY]
    two_lines = problems(RequestForm(summary="a\nb", impact=1, urgency=1), "ru")
    assert "одну строку" in two_lines[Field.SUMMARY]
    details = problems(RequestForm(summary="a", details="d" * 9000, impact=1, urgency=1), "en")
    assert list(details) == [Field.DETAILS]


def test_the_rating_modal_carries_its_ticket() -> None:
    view = rating_view(1001, 4, Where("D01", "en"))
    check_view(view, kind="modal")
    assert "★★★★" in str(view["blocks"])
    view["state"] = {"values": submit_values(view, {"comment": "Thanks"})}
    assert read_rating(view) == RatingComment(ticket=1001, comment="Thanks")
    view["private_metadata"] = "not json"
    assert read_rating(view) is None
