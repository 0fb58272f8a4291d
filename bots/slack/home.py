"""The App Home tab: the core's overview of the desk for one person, as a Block Kit view,
under a "New request" button that opens the new-request modal."""

from __future__ import annotations

from typing import Any

from bots.slack.blocks import Block
from bots.slack.modals import NEW_REQUEST_ACTION
from bots.slack.mrkdwn import escape, split_mrkdwn
from core.i18n import gettext as _
from core.intake import request_form
from core.intake.home import HomeSection

HEADER_MAX = 150
VIEW_BLOCKS_MAX = 100


def home_view(sections: list[HomeSection], language: str) -> dict[str, Any]:
    blocks: list[Block] = [
        {
            "type": "header",
            "text": {"type": "plain_text", "text": _(language, "Help desk")[:HEADER_MAX]},
        },
        {
            "type": "context",
            "elements": [
                {
                    "type": "mrkdwn",
                    "text": escape(_(language, "Write to me here to ask for help.")),
                }
            ],
        },
        {
            "type": "actions",
            "elements": [
                {
                    "type": "button",
                    "action_id": NEW_REQUEST_ACTION,
                    "style": "primary",
                    "text": {"type": "plain_text", "text": _(language, request_form.TITLE)},
                }
            ],
        },
    ]
    for section in sections:
        body = "\n".join(escape(line) for line in section.lines) or escape(section.empty)
        blocks.append({"type": "divider"})
        blocks.append(
            {"type": "section", "text": {"type": "mrkdwn", "text": f"*{escape(section.title)}*"}}
        )
        blocks += [
            {"type": "section", "text": {"type": "mrkdwn", "text": piece}}
            for piece in split_mrkdwn(body)
        ]
    return {"type": "home", "blocks": blocks[:VIEW_BLOCKS_MAX]}
