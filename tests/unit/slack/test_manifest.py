"""The app manifest asks Slack for the events the app handles (messages in DMs and channels,
mentions), the /desk command and interactivity, all on the one request URL."""

from __future__ import annotations

from pathlib import Path

import yaml

import bots.slack
from bots.slack.channel import EVENTS_PATH

MANIFEST = Path(bots.slack.__file__).parent / "manifest.yml"
# Slack's event subscription names for the message events of each kind of conversation.
MESSAGE_SUBSCRIPTIONS = {"message.channels", "message.groups", "message.im"}


def test_the_manifest_subscribes_to_what_the_app_handles_on_one_url() -> None:
    manifest = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    settings = manifest["settings"]
    events = set(settings["event_subscriptions"]["bot_events"])
    assert events == MESSAGE_SUBSCRIPTIONS | {"app_mention", "app_home_opened", "reaction_added"}
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    urls = {
        settings["event_subscriptions"]["request_url"],
        settings["interactivity"]["request_url"],
        *(c["url"] for c in manifest["features"]["slash_commands"]),
    }
    assert len(urls) == 1 and urls.pop().endswith(EVENTS_PATH)
    assert [c["command"] for c in manifest["features"]["slash_commands"]] == ["/desk"]
    assert settings["interactivity"]["is_enabled"] is True
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    needed = {"chat:write", "commands", "im:history", "im:write", "users:read", "app_mentions:read"}
    needed.add("users:read.email")  # users.info's e-mail: registration and e-mail linking
    assert needed <= scopes and {"channels:history", "groups:history"} <= scopes
