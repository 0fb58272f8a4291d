"""A conversation's stored state: which step of a dialogue a chat is in, and what it has gathered."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

IDLE = "idle"


@dataclass(eq=False)
class Conversation:
    """One chat's dialogue position. ``data`` holds JSON-safe values only (it is stored as JSON)."""

    channel: str
    chat_ref: str
    person_id: int
    state: str = IDLE
    data: dict[str, Any] = field(default_factory=dict)
    updated_at: datetime | None = None

    def go(self, state: str, **data: Any) -> None:
        """Move to ``state`` with exactly ``data`` (nothing carried over implicitly)."""
        self.state = state
        self.data = dict(data)

    def reset(self) -> None:
        self.go(IDLE)
