"""Block Kit as the fake checks it: the documented limits, and finding what a person can press.

Violations raise :class:`ApiError` with Slack's codes (``invalid_blocks`` for messages,
``invalid_arguments`` for views) and a message naming the JSON pointer, as Slack does.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tests.fakes.slack_objects import ApiError

MESSAGE_BLOCKS = 50
VIEW_BLOCKS = 100
SECTION_TEXT = 3000
FIELD_TEXT = 2000
HEADER_TEXT = 150
BUTTON_TEXT = 75
BUTTON_VALUE = 2000
ACTION_ID = 255
ACTIONS_ELEMENTS = 25
CONTEXT_ELEMENTS = 10
VIEW_TITLE = 24
PRIVATE_METADATA = 3000
OPTION_TEXT = 75
OPTION_VALUE = 150

_BLOCK_TYPES = {"section", "actions", "context", "divider", "header", "input", "image", "rich_text"}
_INPUT_ELEMENTS = {
    "plain_text_input",
    "static_select",
    "multi_static_select",
    "radio_buttons",
    "checkboxes",
    "users_select",
    "conversations_select",
    "datepicker",
    "file_input",
    "number_input",
    "email_text_input",
}
_ACTION_ELEMENTS = {"button", "overflow", *(_INPUT_ELEMENTS - {"file_input"})}


class _Checker:
    def __init__(self, error: str) -> None:
        self.error = error
        self.problems: list[str] = []

    def fail(self, problem: str, pointer: str) -> None:
        self.problems.append(f"{problem} [json-pointer:{pointer}]")

    def text(
        self, obj: Any, pointer: str, limit: int, *, plain_only: bool = False, required: bool = True
    ) -> None:
        if obj is None and not required:
            return
        if not isinstance(obj, dict) or obj.get("type") not in ("plain_text", "mrkdwn"):
            self.fail("must provide a text object", pointer)
            return
        if plain_only and obj["type"] != "plain_text":
            self.fail("must be a plain_text object", pointer + "/type")
        value = obj.get("text")
        if not isinstance(value, str) or not value:
            self.fail("must be more than 0 characters", pointer + "/text")
        elif len(value) > limit:
            self.fail(f"must be less than {limit + 1} characters", pointer + "/text")

    def options(self, options: Any, pointer: str, most: int) -> None:
        if not isinstance(options, list) or not 1 <= len(options) <= most:
            self.fail(f"must provide between 1 and {most} options", pointer)
            return
        for i, option in enumerate(options):
            self.text(option.get("text"), f"{pointer}/{i}/text", OPTION_TEXT)
            value = option.get("value")
            if not isinstance(value, str) or not 0 < len(value) <= OPTION_VALUE:
                self.fail(f"must be 1 to {OPTION_VALUE} characters", f"{pointer}/{i}/value")

    def element(self, element: Any, pointer: str, allowed: set[str]) -> str | None:
        if not isinstance(element, dict) or element.get("type") not in allowed:
            self.fail("unsupported element type", pointer + "/type")
            return None
        kind = element["type"]
        action_id = element.get("action_id")
        if action_id is not None and (not isinstance(action_id, str) or len(action_id) > ACTION_ID):
            self.fail(f"must be less than {ACTION_ID + 1} characters", pointer + "/action_id")
        if kind == "button":
            self.text(element.get("text"), pointer + "/text", BUTTON_TEXT, plain_only=True)
            value = element.get("value")
            if value is not None and (not isinstance(value, str) or len(value) > BUTTON_VALUE):
                self.fail(f"must be less than {BUTTON_VALUE + 1} characters", pointer + "/value")
            if element.get("style") not in (None, "primary", "danger"):
                self.fail("must be primary or danger", pointer + "/style")
        elif kind in ("static_select", "multi_static_select", "radio_buttons", "checkboxes"):
            most = 100 if "select" in kind else 10
            if "option_groups" not in element:
                self.options(element.get("options"), pointer + "/options", most)
        elif kind == "overflow":
            self.options(element.get("options"), pointer + "/options", 5)
        elif kind == "plain_text_input":
            initial = element.get("initial_value")
            if initial is not None and len(str(initial)) > 3000:
                self.fail("must be less than 3001 characters", pointer + "/initial_value")
        return action_id if isinstance(action_id, str) else None

    def block(self, block: Any, pointer: str, block_ids: set[str]) -> None:
        if not isinstance(block, dict) or block.get("type") not in _BLOCK_TYPES:
            self.fail("unsupported block type", pointer + "/type")
            return
        block_id = block.get("block_id")
        if block_id is not None:
            if block_id in block_ids:
                self.fail("duplicate block_id", pointer + "/block_id")
            block_ids.add(block_id)
        kind = block["type"]
        if kind == "section":
            if "text" not in block and "fields" not in block:
                self.fail("must provide text or fields", pointer)
            self.text(block.get("text"), pointer + "/text", SECTION_TEXT, required=False)
            for i, item in enumerate(block.get("fields") or []):
                self.text(item, f"{pointer}/fields/{i}", FIELD_TEXT)
            if "accessory" in block:
                self.element(block["accessory"], pointer + "/accessory", _ACTION_ELEMENTS)
        elif kind == "header":
            self.text(block.get("text"), pointer + "/text", HEADER_TEXT, plain_only=True)
        elif kind == "context":
            elements = block.get("elements")
            if not isinstance(elements, list) or not 1 <= len(elements) <= CONTEXT_ELEMENTS:
                self.fail(f"must provide 1 to {CONTEXT_ELEMENTS} elements", pointer + "/elements")
            for i, item in enumerate(elements or []):
                if item.get("type") != "image":
                    self.text(item, f"{pointer}/elements/{i}", SECTION_TEXT)
        elif kind == "actions":
            elements = block.get("elements")
            if not isinstance(elements, list) or not 1 <= len(elements) <= ACTIONS_ELEMENTS:
                self.fail(f"must provide 1 to {ACTIONS_ELEMENTS} elements", pointer + "/elements")
                return
            seen: set[str] = set()
            for i, item in enumerate(elements):
                action_id = self.element(item, f"{pointer}/elements/{i}", _ACTION_ELEMENTS)
                if action_id is not None and action_id in seen:
                    self.fail("duplicate action_id", f"{pointer}/elements/{i}/action_id")
                seen.add(action_id or "")
        elif kind == "input":
            self.text(block.get("label"), pointer + "/label", 2000, plain_only=True)
            self.element(block.get("element"), pointer + "/element", _INPUT_ELEMENTS)

    def blocks(self, blocks: Any, most: int, pointer: str = "/blocks") -> None:
        if not isinstance(blocks, list):
            self.fail("must be an array", pointer)
            return
        if len(blocks) > most:
            self.fail(f"no more than {most} items allowed", pointer)
        block_ids: set[str] = set()
        for i, block in enumerate(blocks):
            self.block(block, f"{pointer}/{i}", block_ids)

    def raise_if_any(self) -> None:
        if self.problems:
            raise ApiError(self.error, messages=self.problems)


def check_message_blocks(blocks: Any) -> None:
    checker = _Checker("invalid_blocks")
    checker.blocks(blocks, MESSAGE_BLOCKS)
    checker.raise_if_any()


def check_view(view: Any, *, kind: str | None = None) -> None:
    checker = _Checker("invalid_arguments")
    if not isinstance(view, dict) or view.get("type") not in ("modal", "home"):
        raise ApiError("invalid_arguments", messages=["must be a modal or home view [/view/type]"])
    if kind is not None and view["type"] != kind:
        raise ApiError("invalid_arguments", messages=[f"view type must be {kind}"])
    if view["type"] == "modal":
        checker.text(view.get("title"), "/view/title", VIEW_TITLE, plain_only=True)
        for key in ("submit", "close"):
            checker.text(view.get(key), f"/view/{key}", VIEW_TITLE, plain_only=True, required=False)
        has_input = any(b.get("type") == "input" for b in view.get("blocks") or [])
        if has_input and "submit" not in view:
            checker.fail("a modal with input blocks must have a submit button", "/view/submit")
    metadata = view.get("private_metadata")
    if metadata is not None and len(str(metadata)) > PRIVATE_METADATA:
        checker.fail("must be less than 3001 characters", "/view/private_metadata")
    checker.blocks(view.get("blocks"), VIEW_BLOCKS, "/view/blocks")
    checker.raise_if_any()


def iter_elements(blocks: list[dict[str, Any]]) -> Iterator[tuple[str | None, dict[str, Any]]]:
    """Every interactive element with its block_id: actions elements and section accessories."""
    for block in blocks:
        if block.get("type") == "actions":
            for element in block.get("elements", []):
                yield block.get("block_id"), element
        elif block.get("type") == "section" and "accessory" in block:
            yield block.get("block_id"), block["accessory"]


def iter_texts(blocks: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Every text object shown in blocks: section text and fields, headers, context."""
    for block in blocks:
        if isinstance(block.get("text"), dict):
            yield block["text"]
        yield from block.get("fields") or []
        if block.get("type") == "context":
            yield from (e for e in block.get("elements", []) if e.get("type") != "image")


def find_element(
    blocks: list[dict[str, Any]], action_id: str, value: str | None = None
) -> tuple[str | None, dict[str, Any]]:
    """The element with ``action_id`` (and ``value``, for buttons sharing an action_id)."""
    for block_id, element in iter_elements(blocks):
        if element.get("action_id") != action_id:
            continue
        if value is None or element.get("value") == value:
            return block_id, element
    raise ValueError(f"no element {action_id!r} (value {value!r}) in these blocks")
