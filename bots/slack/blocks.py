"""A channel-neutral :class:`core.messages.Reply` as Slack messages: Block Kit sections for the
text (each within the section limit), an actions block per button row on the last message.

A reply too long for one message (50 blocks) becomes several, in order; nothing is cut off.
A button's ``action`` travels as its ``value``; its ``action_id`` only has to be unique in the
message and start with :data:`ACTION_PREFIX`, which the app listens for.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bots.slack.mrkdwn import markdown_to_mrkdwn, render_spans, split_mrkdwn
from core.messages import Button, Reply

ACTION_PREFIX = "chatdesk"
BLOCKS_MAX = 50
BUTTONS_PER_BLOCK = 25
BUTTON_TEXT_MAX = 75
FALLBACK_TEXT_MAX = 3000  # the notification text; the blocks carry the whole message

Block = dict[str, Any]


@dataclass(frozen=True, slots=True)
class SlackMessage:
    """One ``chat.postMessage``: notification ``text`` and the ``blocks`` people see."""

    text: str
    blocks: list[Block]


def render_reply(reply: Reply) -> list[SlackMessage]:
    parts = [render_spans(reply.spans)]
    if reply.markdown:
        parts.append(markdown_to_mrkdwn(reply.markdown))
    text = "\n\n".join(part for part in parts if part)
    sections: list[Block] = [
        {"type": "section", "text": {"type": "mrkdwn", "text": piece}}
        for piece in split_mrkdwn(text)
        if piece
    ]
    actions = render_buttons(reply.buttons)
    if not sections and not actions:
        return []
    if not sections:
        sections = [{"type": "section", "text": {"type": "mrkdwn", "text": "…"}}]
    room = BLOCKS_MAX - len(actions)
    chunks = [sections[i : i + BLOCKS_MAX] for i in range(0, len(sections), BLOCKS_MAX)]
    if len(chunks[-1]) > room:
        chunks.append([])
    chunks[-1] = chunks[-1] + actions
    return [SlackMessage(text=_fallback(blocks), blocks=blocks) for blocks in chunks]


def render_buttons(rows: tuple[tuple[Button, ...], ...]) -> list[Block]:
    blocks: list[Block] = []
    index = 0
    for row in rows:
        for start in range(0, len(row), BUTTONS_PER_BLOCK):
            elements = []
            for button in row[start : start + BUTTONS_PER_BLOCK]:
                elements.append(
                    {
                        "type": "button",
                        "action_id": f"{ACTION_PREFIX}:{index}",
                        "text": {"type": "plain_text", "text": _label(button.label)},
                        "value": button.action,
                    }
                )
                index += 1
            blocks.append({"type": "actions", "elements": elements})
    return blocks[:BLOCKS_MAX]


def _label(text: str) -> str:
    label = " ".join(text.split())
    if len(label) > BUTTON_TEXT_MAX:
        label = label[: BUTTON_TEXT_MAX - 1].rstrip() + "…"
    return label or "…"


def _fallback(blocks: list[Block]) -> str:
    texts = [b["text"]["text"] for b in blocks if b["type"] == "section"]
    text = "\n".join(texts)
    return text if len(text) <= FALLBACK_TEXT_MAX else text[: FALLBACK_TEXT_MAX - 1] + "…"
