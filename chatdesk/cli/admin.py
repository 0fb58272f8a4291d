"""`chatdesk admin ...`: sign-in accounts for the admin panel and API tokens."""

from __future__ import annotations

import secrets
import sys

import click

from chatdesk.cli.runtime import command_runner, open_database
from core.domain.accounts import PASSWORD_MIN, Scope
from core.domain.enums import Role
from core.errors import ChatdeskError
from core.services import accounts, api_tokens
from core.services.context import operator
from core.settings import Settings
from storage.unit_of_work import Database

ROLES = click.Choice(["agent", "supervisor", "admin"])
DEMO_ADMIN = "admin@example.com"


async def create_demo_admin(database: Database) -> str | None:
    """The demo's admin account with a fresh random password, if no account exists yet."""
    async with database.uow() as uow:
        if await uow.accounts.count():
            return None
        password = secrets.token_urlsafe(12)
        await accounts.create_user(
            uow,
            actor=operator(),
            email=DEMO_ADMIN,
            role=Role.ADMIN,
            password=password,
            display_name="Demo Admin",
        )
        await uow.commit()
    return password


@click.group("admin")
def admin_group() -> None:
    """Admin-panel accounts and API tokens."""


def _new_password(*, from_stdin: bool, generate: bool) -> tuple[str, bool]:
    """The password to set, and whether it was generated (then it is printed once)."""
    if generate:
        return secrets.token_urlsafe(15), True
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n"), False
    if not sys.stdin.isatty():
        raise ChatdeskError("no terminal to ask for a password: use --password-stdin or --generate")
    password = click.prompt(
        f"Password (at least {PASSWORD_MIN} characters)",
        hide_input=True,
        confirmation_prompt=True,
    )
    return str(password), False


password_stdin_option = click.option(
    "--password-stdin", is_flag=True, help="Read the password from standard input."
)
generate_option = click.option("--generate", is_flag=True, help="Generate one and print it once.")


@admin_group.command("create-user")
@click.argument("email")
@click.option("--role", type=ROLES, required=True, help="What the account may do.")
@click.option("--name", help="Display name (default: the part of the e-mail before @).")
@password_stdin_option
@generate_option
@command_runner
async def create_user(
    settings: Settings,
    email: str,
    role: str,
    name: str | None,
    password_stdin: bool,
    generate: bool,
) -> None:
    """Create a sign-in account. An agent already registered with this e-mail (chatdesk agents
    add --email) gets the account, so the panel and the messengers are one person."""
    password, generated = _new_password(from_stdin=password_stdin, generate=generate)
    async with open_database(settings) as database, database.uow() as uow:
        made = await accounts.create_user(
            uow,
            actor=operator(),
            email=email,
            role=Role[role.upper()],
            password=password,
            display_name=name,
        )
        await uow.commit()
    whose = "the existing person" if made.linked else "a new person"
    click.echo(f"{made.account.email} can now sign in as {role} ({whose} #{made.person.id})")
    if generated:
        click.echo(f"password (shown once): {password}")


@admin_group.command("set-password")
@click.argument("email")
@password_stdin_option
@generate_option
@command_runner
async def set_password(
    settings: Settings, email: str, password_stdin: bool, generate: bool
) -> None:
    """Change or reset a password. Also lifts a lock-out and signs the account out everywhere."""
    password, generated = _new_password(from_stdin=password_stdin, generate=generate)
    async with open_database(settings) as database, database.uow() as uow:
        account = await accounts.set_password(uow, actor=operator(), email=email, password=password)
        await uow.commit()
    click.echo(f"new password set for {account.email}; its sessions are signed out")
    if generated:
        click.echo(f"password (shown once): {password}")


@admin_group.command("users")
@command_runner
async def list_users(settings: Settings) -> None:
    """List sign-in accounts."""
    async with open_database(settings) as database, database.uow() as uow:
        lines = []
        for account in await uow.accounts.all():
            person = await uow.people.get(account.person_id)
            role = person.role.label if person else "?"
            state = "active" if person and person.is_active else "disabled"
            if account.failed_logins:
                state += f", {account.failed_logins} failed sign-ins"
            last = f"{account.last_login_at:%Y-%m-%d %H:%M}" if account.last_login_at else "never"
            name = person.display_name if person else "?"
            lines.append(f"{account.email:<32} {role:<10} {name:<24} last sign-in {last} ({state})")
    click.echo("\n".join(lines) if lines else "no accounts yet")


@admin_group.group("token")
def token_group() -> None:
    """REST API tokens."""


@token_group.command("create")
@click.argument("name")
@click.option("--user", "email", required=True, help="The account (e-mail) the token acts as.")
@click.option(
    "--scope",
    "scopes",
    multiple=True,
    required=True,
    type=click.Choice([s.value for s in Scope]),
    help="Repeatable.",
)
@command_runner
async def token_create(settings: Settings, name: str, email: str, scopes: tuple[str, ...]) -> None:
    """Create an API token; it is printed once and stored only as a digest."""
    async with open_database(settings) as database, database.uow() as uow:
        account = await uow.accounts.by_email(email)
        if account is None:
            raise ChatdeskError(f"There is no account for {email}.")
        issued = await api_tokens.create_api_token(
            uow, actor=operator(), name=name, scopes=scopes, person_id=account.person_id
        )
        await uow.commit()
    click.echo(f"token #{issued.token.id} '{issued.token.name}' ({', '.join(issued.token.scopes)})")
    click.echo(f"secret (shown once): {issued.secret}")


@token_group.command("list")
@command_runner
async def token_list(settings: Settings) -> None:
    """List API tokens (never their secrets)."""
    async with open_database(settings) as database, database.uow() as uow:
        lines = []
        for token in await uow.accounts.tokens():
            person = await uow.people.get(token.person_id)
            state = "revoked" if token.revoked_at else "active"
            used = f"{token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "never"
            lines.append(
                f"#{token.id:<4} {token.prefix}…  {token.name:<20} "
                f"{person.display_name if person else '?':<20} {','.join(token.scopes)}  "
                f"used {used}  {state}"
            )
    click.echo("\n".join(lines) if lines else "no API tokens")


@token_group.command("revoke")
@click.argument("token_id", type=int)
@command_runner
async def token_revoke(settings: Settings, token_id: int) -> None:
    """Revoke an API token: it gets 401 from now on."""
    async with open_database(settings) as database, database.uow() as uow:
        token = await api_tokens.revoke_api_token(uow, actor=operator(), token_id=token_id)
        await uow.commit()
    click.echo(f"token #{token.id} '{token.name}' is revoked")
