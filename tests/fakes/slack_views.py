"""Modals and App Home in the fake: trigger ids (3 s, once), views.open/update/push/publish.

A person's view of a modal is its latest version; ``submit_values`` turns what they "typed"
into the ``state.values`` Slack sends with ``view_submission``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from tests.fakes.slack_blocks import check_view
from tests.fakes.slack_objects import APP_ID, BOT_ID, TEAM_ID, ApiError, Ids

TRIGGER_LIFETIME = 3.0


@dataclass
class Trigger:
    user_id: str
    issued: float
    used: bool = False


class Views:
    def __init__(self, ids: Ids, *, trigger_lifetime: float = TRIGGER_LIFETIME) -> None:
        self.ids = ids
        self.trigger_lifetime = trigger_lifetime
        self.triggers: dict[str, Trigger] = {}
        self.by_id: dict[str, dict[str, Any]] = {}
        self.stacks: dict[str, list[str]] = {}  # user -> open modal view ids, bottom first
        self.homes: dict[str, dict[str, Any]] = {}  # user -> published home view
        self.closed: list[dict[str, Any]] = []

    def new_trigger(self, user_id: str) -> str:
        trigger_id = f"{self.ids.next('')}.{int(time.time())}.fake{len(self.triggers)}"
        self.triggers[trigger_id] = Trigger(user_id, time.monotonic())
        return trigger_id

    def _use_trigger(self, params: dict[str, Any]) -> Trigger:
        trigger = self.triggers.get(str(params.get("trigger_id") or ""))
        if trigger is None:
            raise ApiError("invalid_trigger_id")
        if trigger.used:
            raise ApiError("exchanged_trigger_id")
        if time.monotonic() - trigger.issued > self.trigger_lifetime:
            raise ApiError("expired_trigger_id")
        trigger.used = True
        return trigger

    def _stored(self, view: dict[str, Any], user_id: str, *, root: str | None) -> dict[str, Any]:
        view_id = self.ids.next("V")
        stored = view | {
            "id": view_id,
            "team_id": TEAM_ID,
            "app_id": APP_ID,
            "bot_id": BOT_ID,
            "hash": f"{time.time():.6f}.{view_id}",
            "state": {"values": {}},
            "root_view_id": root or view_id,
            "previous_view_id": None,
            "private_metadata": view.get("private_metadata", ""),
            "callback_id": view.get("callback_id", ""),
            "user_id": user_id,
        }
        self.by_id[view_id] = stored
        return stored

    def open(self, params: dict[str, Any]) -> dict[str, Any]:
        view = params.get("view")
        check_view(view, kind="modal")
        trigger = self._use_trigger(params)
        assert isinstance(view, dict)
        stored = self._stored(view, trigger.user_id, root=None)
        self.stacks[trigger.user_id] = [stored["id"]]
        return {"view": stored}

    def push(self, params: dict[str, Any]) -> dict[str, Any]:
        view = params.get("view")
        check_view(view, kind="modal")
        trigger = self._use_trigger(params)
        stack = self.stacks.get(trigger.user_id)
        if not stack:
            raise ApiError("not_found")
        assert isinstance(view, dict)
        stored = self._stored(view, trigger.user_id, root=stack[0])
        stack.append(stored["id"])
        return {"view": stored}

    def update(self, params: dict[str, Any]) -> dict[str, Any]:
        view = params.get("view")
        check_view(view)
        current = self._find(params)
        if params.get("hash") and params["hash"] != current["hash"]:
            raise ApiError("hash_conflict")
        assert isinstance(view, dict)
        current.update(view, hash=f"{time.time():.6f}.{current['id']}")
        return {"view": current}

    def publish(self, params: dict[str, Any]) -> dict[str, Any]:
        view = params.get("view")
        check_view(view, kind="home")
        user_id = str(params.get("user_id") or "")
        if not user_id:
            raise ApiError("invalid_arguments", messages=["user_id is required"])
        previous = self.homes.get(user_id)
        if params.get("hash") and previous and params["hash"] != previous["hash"]:
            raise ApiError("hash_conflict")
        assert isinstance(view, dict)
        stored = self._stored(view, user_id, root=None)
        self.homes[user_id] = stored
        return {"view": stored}

    def _find(self, params: dict[str, Any]) -> dict[str, Any]:
        view_id = params.get("view_id")
        if view_id:
            found = self.by_id.get(str(view_id))
        else:
            external = params.get("external_id")
            found = next((v for v in self.by_id.values() if v.get("external_id") == external), None)
        if found is None:
            raise ApiError("not_found")
        return found

    # -- what people see and do --------------------------------------------------------------

    def top_modal(self, user_id: str) -> dict[str, Any] | None:
        stack = self.stacks.get(user_id)
        return self.by_id[stack[-1]] if stack else None

    def close_top(self, user_id: str) -> None:
        stack = self.stacks.get(user_id) or []
        if stack:
            self.closed.append(self.by_id[stack.pop()])

    def clear(self, user_id: str) -> None:
        for _ in range(len(self.stacks.get(user_id) or [])):
            self.close_top(user_id)


def submit_values(view: dict[str, Any], typed: dict[str, Any]) -> dict[str, Any]:
    """``state.values`` for a submission. ``typed`` maps an input's block_id (or action_id) to
    a string (text inputs), an option value (selects, radio buttons) or a list (multi/checkbox).
    Raises ``ValueError`` for a name the modal has no input for, or a value it does not offer."""
    values: dict[str, Any] = {}
    remaining = dict(typed)
    for block in view.get("blocks") or []:
        if block.get("type") != "input":
            continue
        element = block["element"]
        block_id, action_id = block.get("block_id", ""), element.get("action_id", "")
        key = block_id if block_id in remaining else action_id
        if key not in remaining:
            values[block_id] = {action_id: _empty(element)}
            continue
        values[block_id] = {action_id: _filled(element, remaining.pop(key))}
    if remaining:
        raise ValueError(f"the modal has no inputs named {sorted(remaining)}")
    return values


def _options(element: dict[str, Any]) -> list[dict[str, Any]]:
    groups = element.get("option_groups") or []
    return list(element.get("options") or []) + [o for g in groups for o in g["options"]]


def _pick(element: dict[str, Any], value: str) -> dict[str, Any]:
    for option in _options(element):
        if option["value"] == value:
            return {"text": option["text"], "value": value}
    raise ValueError(f"no option {value!r} in {element.get('action_id')!r}")


def _filled(element: dict[str, Any], value: Any) -> dict[str, Any]:
    kind = element["type"]
    if kind in ("static_select", "radio_buttons"):
        return {"type": kind, "selected_option": _pick(element, str(value))}
    if kind in ("multi_static_select", "checkboxes"):
        return {"type": kind, "selected_options": [_pick(element, str(v)) for v in value]}
    if kind == "users_select":
        return {"type": kind, "selected_user": value}
    if kind == "file_input":
        return {"type": kind, "files": value}
    return {"type": kind, "value": value}


def _empty(element: dict[str, Any]) -> dict[str, Any]:
    kind = element["type"]
    if kind in ("static_select", "radio_buttons"):
        return {"type": kind, "selected_option": element.get("initial_option")}
    if kind in ("multi_static_select", "checkboxes"):
        return {"type": kind, "selected_options": element.get("initial_options") or []}
    if kind == "users_select":
        return {"type": kind, "selected_user": element.get("initial_user")}
    return {"type": kind, "value": element.get("initial_value")}
