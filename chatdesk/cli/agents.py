"""`chatdesk agents ...`: register, invite and list agents."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from chatdesk.channels import CHANNEL_KINDS
from chatdesk.cli.runtime import command_runner, open_database
from core.domain.enums import Role, SupportLine
from core.errors import ChatdeskError
from core.services import people
from core.services.context import operator
from core.settings import Settings

ROLES = click.Choice(["agent", "supervisor", "admin"])


@click.group("agents")
def agents_group() -> None:
    """Manage agents."""


def _channel_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """One ``--<messenger> ID`` option per messenger chatdesk knows."""
    for kind in reversed(CHANNEL_KINDS):
        option = click.option(
            f"--{kind.profile.name}",
            f"{kind.profile.name}_id",
            metavar="ID",
            help=f"{kind.profile.title} user id: {kind.profile.user_id_hint}.",
        )
        command = option(command)
    return command


@agents_group.command("add")
@click.argument("name")
@_channel_options
@click.option("--username", help="Username on that messenger, for assigning by @name.")
@click.option("--role", type=ROLES, default="agent", show_default=True)
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
    username: str | None,
    role: str,
    line: int,
    groups: tuple[str, ...],
    email: str | None,
    language: str,
    **channel_ids: str | None,
) -> None:
    """Register NAME as an agent (or promote an existing person)."""
    given = [
        (kind.profile, raw)
        for kind in CHANNEL_KINDS
        if (raw := channel_ids.get(f"{kind.profile.name}_id"))
    ]
    if len(given) != 1:
        choices = " or ".join(f"--{kind.profile.name} ID" for kind in CHANNEL_KINDS)
        raise ChatdeskError(f"give the agent's user id on one messenger: {choices}")
    profile, raw_id = given[0]
    external_id = profile.parse_user_id(raw_id)
    async with open_database(settings) as database, database.uow() as uow:
        person = await people.add_agent(
            uow,
            actor=operator(),
            display_name=name,
            channel=profile.name,
            external_id=external_id,
            username=username,
            role=Role[role.upper()],
            line=SupportLine(line),
            groups=groups,
            email=email,
            language=language,
        )
        await uow.commit()
    click.echo(
        f"{person.display_name} is now {role} #{person.id} on {profile.name} ({external_id}), line {line}"
    )


@agents_group.command("invite")
@click.option("--role", type=ROLES, default="agent", show_default=True)
@command_runner
async def agents_invite(settings: Settings, role: str) -> None:
    """Print a one-time invite that makes whoever opens it an agent (valid 7 days)."""
    from core.services.invites import INVITE_PREFIX, INVITE_VALID_FOR, create_invite

    async with open_database(settings) as database, database.uow() as uow:
        token = await create_invite(uow, actor=operator(), role=Role[role.upper()])
        await uow.commit()
    payload = f"{INVITE_PREFIX}{token}"
    click.echo(
        f"One-time invite for a new {role} (one use, valid {INVITE_VALID_FOR.days} days): "
        "they open the link, or send the command to the bot in a private chat."
    )
    for kind in CHANNEL_KINDS:
        invite = await kind.invite(settings, payload)
        click.echo(invite if len(CHANNEL_KINDS) == 1 else f"{kind.profile.title}: {invite}")


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
        else "no agents yet: add one with `chatdesk agents add NAME --<messenger> ID`"
    )
