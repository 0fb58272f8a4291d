"""What every command shares: settings, the command runner, the database.

Errors print one clear line starting with ``error:`` and exit non-zero."""

from __future__ import annotations

import asyncio
import functools
import logging
import sys
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from typing import Any, NoReturn, TypeVar

import click
from pydantic import ValidationError
from sqlalchemy.exc import DBAPIError, OperationalError

from core.errors import ChatdeskError
from core.settings import Settings
from storage import migrate
from storage.unit_of_work import Database

T = TypeVar("T")


def fail(message: str) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(1)


def load_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        problems = "; ".join(
            f"CHATDESK_{'_'.join(map(str, e['loc'])).upper()}: {e['msg']}" for e in exc.errors()
        )
        fail(f"invalid configuration: {problems}")


def command_runner(func: Callable[..., Coroutine[Any, Any, T]]) -> Callable[..., T]:
    """Run an async command with settings and a migrated database; turn failures into one line."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> T:
        settings = load_settings()
        try:
            return asyncio.run(func(settings, *args, **kwargs))
        except ChatdeskError as exc:
            fail(str(exc))
        except (OperationalError, DBAPIError, OSError) as exc:
            reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
            fail(f"cannot use the database at {safe_url(settings.database_url)}: {reason}")
        except KeyboardInterrupt:
            fail("interrupted")
        except Exception as exc:  # noqa: BLE001 - a bug: say so in one line, details with -v
            logging.getLogger("chatdesk").debug("unexpected error", exc_info=True)
            fail(f"unexpected {type(exc).__name__}: {exc} (run with -v for details)")

    return wrapper


def safe_url(url: str) -> str:
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
