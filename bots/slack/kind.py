"""Slack as a kind of channel: configured by its bot token and signing secret; its agents'
room is the triage channel (an id such as ``C0123ABCD``), where ticket cards are posted."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bots.slack.profile import SLACK_PROFILE, SlackProfile
from core.channels import ChannelHost
from core.ports import AgentRoom
from core.settings import Settings

if TYPE_CHECKING:
    from bots.slack.channel import SlackChannel


class SlackKind:
    profile: SlackProfile = SLACK_PROFILE

    def configured(self, settings: Settings) -> bool:
        return settings.slack_enabled

    def rooms(self, settings: Settings) -> tuple[AgentRoom, ...]:
        triage = settings.slack_triage_channel
        if self.configured(settings) and triage:
            return (AgentRoom(self.profile.name, triage, settings.default_language),)
        return ()

    def create(self, host: ChannelHost) -> SlackChannel:
        from bots.slack.channel import SlackChannel  # slack-bolt loads only when Slack runs

        return SlackChannel(host)

    async def invite(self, settings: Settings, payload: str) -> str:
        """In Slack the invite is a command to type in the app's DM."""
        return self.profile.command_hint(f"start {payload}")


SLACK = SlackKind()
