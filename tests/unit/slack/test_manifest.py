"""The app manifest asks Slack for the events the app handles (messages in DMs and channels,
mentions), the /desk command, the "Create ticket" shortcut and interactivity, all on the one
request URL; `chatdesk slack manifest --url` prints that file with the URL filled in."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from click.testing import CliRunner

import bots.slack
from bots.slack.modal_listeners import CREATE_TICKET_SHORTCUT
from bots.slack.profile import EVENTS_PATH
from chatdesk.cli.main import main

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
    needed.add("files:read")  # files.info and url_private: files re-posted for agents
    assert needed <= scopes and {"channels:history", "groups:history"} <= scopes
    shortcuts = manifest["features"]["shortcuts"]
    assert [(s["type"], s["callback_id"]) for s in shortcuts] == [
        ("message", CREATE_TICKET_SHORTCUT)
    ]


def _urls(manifest: dict[str, Any]) -> list[str]:
    settings = manifest["settings"]
    return [
        settings["event_subscriptions"]["request_url"],
        settings["interactivity"]["request_url"],
        *(c["url"] for c in manifest["features"]["slash_commands"]),
    ]


def test_the_cli_prints_the_manifest_with_the_given_address() -> None:
    printed = CliRunner().invoke(main, ["slack", "manifest", "--url", "https://help.acme.io/"])
    assert printed.exit_code == 0, printed.output
    manifest = yaml.safe_load(printed.output)
    assert set(_urls(manifest)) == {"https://help.acme.io/slack/events"}
    original = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    assert len(_urls(original)) == 3 and "help.acme.io" not in str(original)
    for key in ("display_information", "oauth_config"):
        assert manifest[key] == original[key], "everything else comes from manifest.yml"
    assert manifest["features"]["shortcuts"] == original["features"]["shortcuts"]
    assert (
        manifest["settings"]["event_subscriptions"]["bot_events"]
        == (original["settings"]["event_subscriptions"]["bot_events"])
    )


def test_the_cli_refuses_an_address_slack_cannot_use() -> None:
    for address in ("http://desk.acme.io", "desk.acme.io", "https://desk.acme.io/?x=1"):
        printed = CliRunner().invoke(main, ["slack", "manifest", "--url", address])
        assert printed.exit_code == 1 and "https address" in printed.output, address
