"""The Slack app's manifest: ``manifest.yml`` next to this module is the one source; this reads
it and points its request URLs (events, ``/desk``, interactivity) at a given address, for
``chatdesk slack manifest --url https://…``."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from bots.slack.profile import EVENTS_PATH
from core.errors import InvalidInput

MANIFEST_FILE = Path(__file__).with_name("manifest.yml")


def load() -> dict[str, Any]:
    manifest: dict[str, Any] = yaml.safe_load(MANIFEST_FILE.read_text(encoding="utf-8"))
    return manifest


def request_url(address: str) -> str:
    """``https://desk.example.com`` (or that address with ``/slack/events``, or with a path
    chatdesk is served under) → the request URL. Slack takes only https addresses."""
    parts = urlsplit(address.strip())
    if parts.scheme != "https" or not parts.netloc or parts.query or parts.fragment:
        raise InvalidInput(
            "The address must be chatdesk's public https address, such as "
            "https://desk.example.com (Slack sends requests only over https), not '{address}'.",
            address=address.strip(),
        )
    base = f"https://{parts.netloc}{parts.path}".rstrip("/")
    return base if base.endswith(EVENTS_PATH) else base + EVENTS_PATH


def with_url(address: str) -> dict[str, Any]:
    """The manifest with every request URL at ``address``."""
    url = request_url(address)
    manifest = load()
    settings = manifest["settings"]
    settings["event_subscriptions"]["request_url"] = url
    settings["interactivity"]["request_url"] = url
    for command in manifest["features"]["slash_commands"]:
        command["url"] = url
    return manifest


def as_yaml(manifest: dict[str, Any]) -> str:
    return yaml.safe_dump(manifest, sort_keys=False, allow_unicode=True)
