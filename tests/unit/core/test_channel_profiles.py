"""Each messenger's own rules: what its user ids look like and how a command is typed there."""

from __future__ import annotations

import pytest

from bots.slack.profile import SLACK_PROFILE
from bots.telegram.kind import TELEGRAM
from bots.telegram.profile import TELEGRAM_PROFILE
from bots.telegram.rendering import render_reply
from chatdesk.channels import CHANNEL_KINDS
from core.errors import InvalidInput
from core.messages import Reply, Span, command_hint
from core.settings import Settings


def test_command_hints_in_each_syntax() -> None:
    assert TELEGRAM_PROFILE.command_hint("claim 1001") == "/claim 1001"
    assert SLACK_PROFILE.command_hint("claim 1001") == "/desk claim 1001"
    reply = Reply(spans=(Span("Usage: "), command_hint("claim N <x>")))
    assert reply.plain_text() == "Usage: claim N <x>"
    assert reply.plain_text(SLACK_PROFILE.command_hint) == "Usage: /desk claim N <x>"
    assert render_reply(reply).chunks == ["Usage: /claim N &lt;x&gt;"]


@pytest.mark.parametrize("raw", ["abc", "¹⁰⁰¹", "-5", "", "100000000000000000000"])
def test_telegram_user_ids_are_numbers(raw: str) -> None:
    with pytest.raises(InvalidInput, match="A Telegram user id is a number"):
        TELEGRAM_PROFILE.parse_user_id(raw)


def test_user_ids_are_normalised() -> None:
    assert TELEGRAM_PROFILE.parse_user_id(" 4242 ") == "4242"
    assert SLACK_PROFILE.parse_user_id("t012ab3c4:u0g9qf9c6") == "T012AB3C4:U0G9QF9C6"
    with pytest.raises(InvalidInput, match="TEAM_ID:USER_ID"):
        SLACK_PROFILE.parse_user_id("U0G9QF9C6")


def test_every_kind_has_its_own_name() -> None:
    names = [kind.profile.name for kind in CHANNEL_KINDS]
    assert len(names) == len(set(names)) and "telegram" in names


async def test_a_telegram_invite_without_a_token_is_the_start_command() -> None:
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert not TELEGRAM.configured(settings) and TELEGRAM.rooms(settings) == ()
    assert await TELEGRAM.invite(settings, "agent-xyz") == "/start agent-xyz"
