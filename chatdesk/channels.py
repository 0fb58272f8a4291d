"""The messengers chatdesk knows. Adding one is one line here (its package provides the rest:
see :mod:`core.channels`)."""

from __future__ import annotations

from bots.slack.kind import SLACK
from bots.telegram.kind import TELEGRAM
from core.channels import ChannelKind, ChannelProfile
from core.ports import AgentRoom
from core.settings import Settings

CHANNEL_KINDS: tuple[ChannelKind, ...] = (TELEGRAM, SLACK)


def configured(settings: Settings) -> list[ChannelKind]:
    return [kind for kind in CHANNEL_KINDS if kind.configured(settings)]


def agent_rooms(settings: Settings) -> tuple[AgentRoom, ...]:
    """Every configured messenger's agents' rooms."""
    return tuple(room for kind in configured(settings) for room in kind.rooms(settings))


def profile(name: str) -> ChannelProfile | None:
    return next((k.profile for k in CHANNEL_KINDS if k.profile.name == name), None)
