"""The `chatdesk` command line. Errors print one clear line and exit non-zero."""

from __future__ import annotations

import asyncio
import functools
import logging
import sys
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from typing import Any, TypeVar

import click
from pydantic import ValidationError
from sqlalchemy.exc import DBAPIError, OperationalError

from core.domain.enums import Role, SupportLine, TicketStatus
from core.errors import ChatdeskError
from core.services import people
from core.services.context import operator
from core.settings import Settings
from storage import migrate
from storage.unit_of_work import Database

T = TypeVar("T")


def _fail(message: str) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(1)


def _settings() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        problems = "; ".join(
            f"CHATDESK_{'_'.join(map(str, e['loc'])).upper()}: {e['msg']}" for e in exc.errors()
        )
        _fail(f"invalid configuration: {problems}")
        raise  # unreachable


def command_runner(func: Callable[..., Coroutine[Any, Any, T]]) -> Callable[..., T]:
    """Run an async command with settings and a migrated database; turn failures into one line."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> T:
        settings = _settings()
        try:
            return asyncio.run(func(settings, *args, **kwargs))
        except ChatdeskError as exc:
            _fail(str(exc))
        except (OperationalError, DBAPIError, OSError) as exc:
            reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
            _fail(f"cannot use the database at {_safe_url(settings.database_url)}: {reason}")
        except KeyboardInterrupt:
            _fail("interrupted")
        except Exception as exc:  # noqa: BLE001 - a bug: say so in one line, details with -v
            logging.getLogger("chatdesk").debug("unexpected error", exc_info=True)
            _fail(f"unexpected {type(exc).__name__}: {exc} (run with -v for details)")
        raise AssertionError("unreachable")

    return wrapper


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - it is only for the message
        return "(unparseable URL)"


@asynccontextmanager
async def open_database(settings: Settings) -> AsyncIterator[Database]:
    """The configured database, migrated to the newest schema, closed afterwards."""
    await migrate.upgrade(settings.database_url)
    database = Database(settings.database_url)
    try:
        yield database
    finally:
        await database.dispose()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-v", "--verbose", is_flag=True, help="Log more.")
def main(verbose: bool) -> None:
    """chatdesk: a help desk that lives in Telegram and Slack."""
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("sqlalchemy").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # it logs every sweep otherwise


@main.command("migrate")
@command_runner
async def migrate_command(settings: Settings) -> None:
    """Create or upgrade the database schema."""
    await migrate.upgrade(settings.database_url)
    click.echo(
        f"database at {_safe_url(settings.database_url)} is at revision {migrate.head_revision()}"
    )


@main.command("run")
@command_runner
async def run_command(settings: Settings) -> None:
    """Start every configured part: admin panel, scheduler, and the bots that have tokens."""
    from chatdesk.runner import run

    await run(settings)


@main.command("demo")
@command_runner
async def demo_command(settings: Settings) -> None:
    """Load demo data (groups, categories, agents, tickets). Safe to run twice."""
    from chatdesk.demo import load_demo

    async with open_database(settings) as database:
        created = await load_demo(database)
    summary = ", ".join(f"{count} {what}" for what, count in created.items())
    click.echo(f"demo data loaded ({summary} new)")


@main.group("agents")
def agents() -> None:
    """Manage agents."""


@agents.command("add")
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


@agents.command("invite")
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


@agents.command("list")
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


@main.group("tickets")
def tickets_group() -> None:
    """Look at tickets."""


@tickets_group.command("list")
@click.option(
    "--status",
    "statuses",
    multiple=True,
    type=click.Choice([s.value for s in TicketStatus]),
    help="Only these statuses; repeatable. Default: every status.",
)
@click.option("--limit", type=click.IntRange(1, 1000), default=50, show_default=True)
@command_runner
async def tickets_list(settings: Settings, statuses: tuple[str, ...], limit: int) -> None:
    """List tickets, most urgent and oldest first."""
    async with open_database(settings) as database, database.uow() as uow:
        found = await uow.tickets.search(
            statuses=[TicketStatus(s) for s in statuses] or None, limit=limit
        )
        lines = []
        for ticket in found:
            assignee = await uow.people.get(ticket.assignee_id) if ticket.assignee_id else None
            lines.append(
                f"#{ticket.number}  {ticket.priority.value}  {ticket.status.value:<11} "
                f"{(assignee.display_name if assignee else '-'):<18} {ticket.title}"
            )
    click.echo("\n".join(lines) if lines else "no tickets")


@tickets_group.command("show")
@click.argument("number", type=int)
@command_runner
async def tickets_show(settings: Settings, number: int) -> None:
    """Show ticket NUMBER with its conversation and history."""
    from admin import queries

    async with open_database(settings) as database, database.uow() as uow:
        found = await queries.ticket_detail(uow, number)
    if found is None:
        raise ChatdeskError(f"There is no ticket #{number}.")
    row, messages, audit, names = found
    t = row.ticket
    out = [
        f"#{t.number} {t.title}",
        f"{t.type.value} · {t.priority.value} · {t.status.value} · line {t.line.value} · via {t.origin_channel}",
        f"requester: {row.requester}   assignee: {row.assignee or '-'}",
        f"created {t.created_at:%Y-%m-%d %H:%M}  updated {t.updated_at:%Y-%m-%d %H:%M}",
        "",
        t.description,
    ]
    if t.resolution:
        out += ["", f"resolution: {t.resolution}"]
    if t.rating_score:
        out += [f"rating: {t.rating_score}/5 {t.rating_comment or ''}".rstrip()]
    out += ["", "conversation:"] + [
        f"  {m.created_at:%m-%d %H:%M} {names.get(m.author_id or 0, 'system')}"
        f"{' (internal)' if m.kind.value == 'internal' else ''}: {m.body}"
        for m in messages
    ] or ["  (none)"]
    out += ["", "history:"] + [
        f"  {a.created_at:%m-%d %H:%M} {names.get(a.actor_id or 0, 'system')}: {a.action.replace('_', ' ')}"
        f"  {queries.describe_change(a, names)}".rstrip()
        for a in audit
    ]
    click.echo("\n".join(out))


def _register_subcommands() -> None:
    from chatdesk.cli_kb import kb_group

    main.add_command(kb_group)


_register_subcommands()
