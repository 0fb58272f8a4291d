"""Forms a channel can show instead of asking turn by turn (Slack's modals), as typed values.

A channel renders the form, reads back what the person entered into one of these, and hands it
to the engine as an event of kind ``form``. What the fields mean, how they are checked and what
submitting does live in :mod:`core.intake.request_form` and :mod:`core.intake.followup`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import StrEnum


class Field(StrEnum):
    """The new-request form's fields; a channel names its inputs after them."""

    SUMMARY = "summary"
    DETAILS = "details"
    IMPACT = "impact"
    URGENCY = "urgency"
    CATEGORY = "category"


@dataclass(frozen=True, slots=True)
class RequestForm:
    """A new request filled in at once. ``suggestions_event``: the suggestions the form answers
    ("None of these — create a ticket"), so the conversation's draft (its files, the articles
    tried) goes into the ticket; None for a form opened on its own."""

    summary: str = ""
    details: str = ""
    impact: int | None = None
    urgency: int | None = None
    category_id: int | None = None
    suggestions_event: int | None = None


@dataclass(frozen=True, slots=True)
class RatingComment:
    """The optional comment after a rating; an empty comment means "no comment"."""

    ticket: int
    comment: str = ""


Form = RequestForm | RatingComment


def with_texts(form: Form, clean: Callable[[str], str]) -> Form:
    """The form with ``clean`` applied to every text a person typed into it."""
    if isinstance(form, RequestForm):
        return replace(form, summary=clean(form.summary), details=clean(form.details))
    return replace(form, comment=clean(form.comment))
