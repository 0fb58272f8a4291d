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

from core.errors import ChatdeskError
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
    """Load demo data (groups, categories, agents, tickets) and the starter knowledge base.
    Safe to run twice; articles an admin has edited are left as they are."""
    from chatdesk.demo import load_demo
    from chatdesk.starter_kb import load_starter_kb

    async with open_database(settings) as database:
        created = await load_demo(database)
        starter = await load_starter_kb(database)
    summary = ", ".join(f"{count} {what}" for what, count in created.items())
    click.echo(f"demo data loaded ({summary} new)")
    click.echo(f"starter knowledge base: {starter.summary()}")


def _register_subcommands() -> None:
    from chatdesk.cli_agents import agents
    from chatdesk.cli_kb import kb_group
    from chatdesk.cli_tickets import tickets_group

    for group in (agents, tickets_group, kb_group):
        main.add_command(group)


_register_subcommands()
