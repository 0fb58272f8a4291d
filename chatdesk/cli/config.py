"""`chatdesk config export|import`: the desk's configuration as one YAML file.

Import is all or nothing: a file that is not YAML, has an unknown field, or names a bad duration,
priority, group, calendar or regex is one `error:` line, and nothing changes.
"""

from __future__ import annotations

import click
import yaml

from chatdesk.cli.runtime import command_runner, open_database
from core.errors import ConfigurationError
from core.services.clocks import ensure_defaults, recompute_all
from core.services.config_transfer import export_config, import_config
from core.settings import Settings


@click.group("config")
def config_group() -> None:
    """Calendars, SLA policies and follow-ups, groups, categories and routing rules as YAML."""


@config_group.command("export")
@click.argument("path", type=click.Path(dir_okay=False, writable=True), default="-")
@command_runner
async def config_export(settings: Settings, path: str) -> None:
    """Write the configuration to PATH (default: standard output)."""
    async with open_database(settings) as database, database.uow() as uow:
        if await ensure_defaults(uow, timezone=settings.timezone):
            await uow.commit()
        document = await export_config(uow)
    text = yaml.safe_dump(document, allow_unicode=True, sort_keys=False)
    with click.open_file(path, "w", encoding="utf-8") as out:
        out.write(text)


@config_group.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@command_runner
async def config_import(settings: Settings, path: str) -> None:
    """Apply the configuration in PATH (`-`: standard input)."""
    with click.open_file(path, encoding="utf-8") as source:
        try:
            document = yaml.safe_load(source)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" at line {mark.line + 1}" if mark is not None else ""
            raise ConfigurationError(
                "{path} is not valid YAML{where}.", path=path, where=where
            ) from None
    async with open_database(settings) as database:
        async with database.uow() as uow:
            await ensure_defaults(uow, timezone=settings.timezone)
            counts = await import_config(uow, document)
            await uow.commit()
        recomputed = await recompute_all(database.uow)
    summary = ", ".join(f"{count} {section}" for section, count in counts.items())
    click.echo(f"imported {summary or 'nothing'}; clocks of {recomputed} active tickets recomputed")
