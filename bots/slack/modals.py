"""The core's forms as Slack modals, and what a submission says, read back.

Each input's ``block_id`` is the form's field name (:class:`core.intake.forms.Field`), so the
core's problems come back to Slack as ``response_action: errors`` on the right fields. The
modal's ``private_metadata`` remembers where the conversation is (the DM or desk thread the
answer goes to, when known at opening), the language and the suggestions answered.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from bots.slack.blocks import Block
from bots.slack.mrkdwn import escape
from core.i18n import gettext
from core.intake import followup, request_form
from core.intake.forms import Field, RatingComment, RequestForm
from core.intake.request_form import Choice, FormSetup
from core.services.context import COMMENT_MAX, TITLE_MAX

REQUEST_MODAL = "chatdesk_request"  # callback ids of the views
RATING_MODAL = "chatdesk_rating"
NEW_REQUEST_ACTION = "chatdesk_new_request"  # App Home's button (not a core button)
VALUE = "value"  # every input's action_id
COMMENT = "comment"  # the rating modal's input
VIEW_TITLE_MAX = 24
OPTION_TEXT_MAX = 75
OPTIONS_MAX = 100
INPUT_MAX = 3000  # Slack's longest plain_text_input


@dataclass(frozen=True, slots=True)
class Where:
    """What a modal remembers between opening and submission."""

    chat_ref: str  # "" when not known at opening (the DM is opened on submission)
    language: str

    def metadata(self, **more: object) -> str:
        return json.dumps({"chat": self.chat_ref, "lang": self.language, **more})


def where_of(view: dict[str, Any]) -> tuple[Where, dict[str, Any]]:
    try:
        data = json.loads(str(view.get("private_metadata") or "{}"))
    except ValueError:
        data = {}
    if not isinstance(data, dict):
        data = {}
    where = Where(str(data.get("chat") or ""), str(data.get("lang") or "en"))
    return where, data


def request_view(setup: FormSetup, where: Where) -> dict[str, Any]:
    form, labels = setup.form, setup.labels
    blocks: list[Block] = [
        _text_input(Field.SUMMARY, labels, form.summary, max_length=TITLE_MAX),
        _text_input(Field.DETAILS, labels, form.details, multiline=True, optional=True),
        _select(Field.IMPACT, labels, setup.impacts, form.impact),
        _select(Field.URGENCY, labels, setup.urgencies, form.urgency),
    ]
    if setup.categories:
        blocks.append(
            _select(Field.CATEGORY, labels, setup.categories, form.category_id, optional=True)
        )
    if setup.files:
        note = setup.text(request_form.FILES_NOTE, count=setup.files)
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": escape(note)}]})
    return _modal(
        REQUEST_MODAL,
        setup.text(request_form.TITLE),
        setup.text(request_form.SUBMIT),
        setup.text(request_form.CLOSE),
        blocks,
        where.metadata(event=form.suggestions_event),
    )


def loading_view(language: str) -> dict[str, Any]:
    """What opens while the form's data is read: the same modal, with nothing to fill in yet."""
    return {
        "type": "modal",
        "callback_id": REQUEST_MODAL,
        "title": _plain(_cut(gettext(language, request_form.TITLE), VIEW_TITLE_MAX)),
        "close": _plain(_cut(gettext(language, request_form.CLOSE), VIEW_TITLE_MAX)),
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "⏳"}}],
    }


def read_request(view: dict[str, Any]) -> RequestForm:
    values = (view.get("state") or {}).get("values") or {}
    _, data = where_of(view)
    event = data.get("event")
    return RequestForm(
        summary=_typed(values, Field.SUMMARY),
        details=_typed(values, Field.DETAILS),
        impact=_picked(values, Field.IMPACT),
        urgency=_picked(values, Field.URGENCY),
        category_id=_picked(values, Field.CATEGORY),
        suggestions_event=event if isinstance(event, int) else None,
    )


def rating_view(ticket: int, score: int, where: Where) -> dict[str, Any]:
    language = where.language
    rated = gettext(
        language, "You rated ticket #{number}: {stars}", number=ticket, stars="★" * score
    )
    blocks: list[Block] = [
        {"type": "section", "text": {"type": "mrkdwn", "text": escape(rated)}},
        {
            "type": "input",
            "block_id": COMMENT,
            "optional": True,
            "label": _plain(gettext(language, followup.COMMENT_LABEL)),
            "element": {
                "type": "plain_text_input",
                "action_id": VALUE,
                "multiline": True,
                "max_length": COMMENT_MAX,
            },
        },
    ]
    view = _modal(
        RATING_MODAL,
        gettext(language, followup.RATING_TITLE),
        gettext(language, followup.SEND),
        gettext(language, "Skip"),
        blocks,
        where.metadata(ticket=ticket),
    )
    view["notify_on_close"] = True  # "Skip" (closing) ends the question too
    return view


def read_rating(view: dict[str, Any]) -> RatingComment | None:
    _, data = where_of(view)
    ticket = data.get("ticket")
    if not isinstance(ticket, int):
        return None
    values = (view.get("state") or {}).get("values") or {}
    return RatingComment(ticket=ticket, comment=_typed(values, COMMENT))


def errors(problems: dict[Field, str]) -> dict[str, str]:
    """The core's problems as ``response_action: errors`` wants them: block id → text."""
    return {str(name): text for name, text in problems.items()}


def _modal(
    callback_id: str, title: str, submit: str, close: str, blocks: list[Block], metadata: str
) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": callback_id,
        "title": _plain(_cut(title, VIEW_TITLE_MAX)),
        "submit": _plain(_cut(submit, VIEW_TITLE_MAX)),
        "close": _plain(_cut(close, VIEW_TITLE_MAX)),
        "blocks": blocks,
        "private_metadata": metadata,
    }


def _text_input(
    name: Field,
    labels: dict[Field, str],
    initial: str,
    *,
    max_length: int = INPUT_MAX,
    multiline: bool = False,
    optional: bool = False,
) -> Block:
    element: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": VALUE,
        "multiline": multiline,
        "max_length": max_length,
    }
    if initial:
        # A longer prefill would make Slack refuse the whole view; the core's question and
        # title limits keep it well under, this is the belt to those braces.
        element["initial_value"] = initial[:max_length]
    return _input(name, labels, element, optional=optional)


def _select(
    name: Field,
    labels: dict[Field, str],
    choices: tuple[Choice, ...],
    initial: int | None,
    *,
    optional: bool = False,
) -> Block:
    options = [_option(c) for c in choices[:OPTIONS_MAX]]
    element: dict[str, Any] = {"type": "static_select", "action_id": VALUE, "options": options}
    chosen = next((o for o, c in zip(options, choices, strict=False) if c.value == initial), None)
    if chosen is not None:
        element["initial_option"] = chosen
    return _input(name, labels, element, optional=optional)


def _input(name: Field, labels: dict[Field, str], element: Block, *, optional: bool) -> Block:
    return {
        "type": "input",
        "block_id": str(name),
        "optional": optional,
        "label": _plain(labels[name]),
        "element": element,
    }


def _option(choice: Choice) -> dict[str, Any]:
    return {"text": _plain(_cut(choice.label, OPTION_TEXT_MAX)), "value": str(choice.value)}


def _plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text or "…"}


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _state(values: dict[str, Any], block_id: str) -> dict[str, Any]:
    entry = (values.get(block_id) or {}).get(VALUE)
    return entry if isinstance(entry, dict) else {}


def _typed(values: dict[str, Any], block_id: str) -> str:
    return str(_state(values, block_id).get("value") or "")


def _picked(values: dict[str, Any], block_id: str) -> int | None:
    option = _state(values, block_id).get("selected_option") or {}
    value = str(option.get("value") or "")
    return int(value) if value.isdigit() and len(value) < 19 else None
