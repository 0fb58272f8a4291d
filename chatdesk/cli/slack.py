"""`chatdesk slack manifest --url https://…`: the Slack app's manifest, ready to paste into
api.slack.com/apps → "Create New App" → "From an app manifest"."""

from __future__ import annotations

import click

from bots.slack import manifest
from chatdesk.cli.runtime import fail
from core.errors import ChatdeskError


@click.group("slack")
def slack_group() -> None:
    """Setting up the Slack app."""


@slack_group.command("manifest")
@click.option(
    "--url",
    "address",
    required=True,
    help="chatdesk's public https address, e.g. https://desk.example.com "
    "(requests go to its /slack/events).",
)
def manifest_command(address: str) -> None:
    """Print the app manifest (bots/slack/manifest.yml) with its request URLs at --url."""
    try:
        click.echo(manifest.as_yaml(manifest.with_url(address)), nl=False)
    except ChatdeskError as exc:
        fail(str(exc))
