"""`chatdesk agents ...`: register, invite and list agents."""

from __future__ import annotations

import asyncio

import click

from chatdesk.cli.runtime import command_runner, open_database
from core.domain.enums import Role, SupportLine
from core.errors import ChatdeskError
from core.services import people
from core.services.context import operator
from core.settings import Settings


@click.group("agents")
def agents_group() -> None:
    """Manage agents."""


@agents_group.command("add")
@click.argument("name")
@click.option("--telegram", "telegram_id", help="Telegram user id (a number).")
@click.option("--slack", "slack_id", help="Slack identity as TEAM_ID:USER_ID.")
@click.option("--username", help="Username on that channel, for /assign @name.")
@click.option(
    "--role",
    type=click.Choice(["agent", "supervisor", "admin"]),
    default="agent",
    show_default=True,
)
@click.option(
    "--line", type=click.IntRange(1, 2), default=1, show_default=True, help="Support line."
)
@click.option("--group", "groups", multiple=True, help="Group (queue) to join; repeatable.")
@click.option("--email")
@click.option("--language", type=click.Choice(["en", "ru"]), default="en", show_default=True)
@command_runner
async def agents_add(
    settings: Settings,
    name: str,
    telegram_id: str | None,
    slack_id: str | None,
    username: str | None,
    role: str,
    line: int,
    groups: tuple[str, ...],
    email: str | None,
    language: str,
) -> None:
    """Register NAME as an agent (or promote an existing person)."""
    if bool(telegram_id) == bool(slack_id):
        raise ChatdeskError("give exactly one of --telegram ID or --slack TEAM:USER")
    channel, external_id = ("telegram", telegram_id) if telegram_id else ("slack", slack_id)
    async with open_database(settings) as database, database.uow() as uow:
        person = await people.add_agent(
            uow,
            actor=operator(),
            display_name=name,
            channel=channel,
            external_id=str(external_id),
            username=username,
            role=Role[role.upper()],
            line=SupportLine(line),
            groups=groups,
            email=email,
            language=language,
        )
        await uow.commit()
    click.echo(
        f"{person.display_name} is now {role} #{person.id} on {channel} ({external_id}), line {line}"
    )


@agents_group.command("invite")
@click.option(
    "--role",
    type=click.Choice(["agent", "supervisor", "admin"]),
    default="agent",
    show_default=True,
)
@command_runner
async def agents_invite(settings: Settings, role: str) -> None:
    """Print a one-time link that makes whoever opens it an agent (valid 7 days)."""
    from core.services.invites import INVITE_PREFIX, INVITE_VALID_FOR, create_invite

    async with open_database(settings) as database, database.uow() as uow:
        token = await create_invite(uow, actor=operator(), role=Role[role.upper()])
        await uow.commit()
    payload = f"{INVITE_PREFIX}{token}"
    username = await _telegram_username(settings)
    days = INVITE_VALID_FOR.days
    if username:
        click.echo(f"Send this link to the new {role} (one use, valid {days} days):")
        click.echo(f"https://t.me/{username}?start={payload}")
    else:
        click.echo(
            f"One-time invite for a new {role} (valid {days} days). In a private chat with the bot, send:"
        )
        click.echo(f"/start {payload}")


async def _telegram_username(settings: Settings) -> str | None:
    """The bot's username for a t.me link, or None when the bot is not configured or reachable."""
    if not settings.telegram_enabled:
        return None
    from bots.telegram.bot import create_bot

    bot = create_bot(settings)
    try:
        me = await asyncio.wait_for(bot.get_me(), timeout=10)
    except Exception:  # noqa: BLE001 - the link is a convenience; the /start form always works
        return None
    finally:
        await bot.session.close()
    return me.username


@agents_group.command("list")
@command_runner
async def agents_list(settings: Settings) -> None:
    """List agents, supervisors and admins."""
    async with open_database(settings) as database, database.uow() as uow:
        found = await uow.people.with_role(Role.AGENT)
        rows = []
        for person in found:
            assert person.id is not None
            ids = ", ".join(
                f"{i.channel}:{i.external_id}" + (f" @{i.username}" if i.username else "")
                for i in await uow.people.identities(person.id)
            )
            line = person.support_line.value if person.support_line else "-"
            rows.append(
                f"{person.id:>4}  {person.display_name:<24} {person.role.label:<10} line {line}  {ids}"
            )
    click.echo(
        "\n".join(rows)
        if rows
        else "no agents yet: add one with `chatdesk agents add NAME --telegram ID`"
    )
