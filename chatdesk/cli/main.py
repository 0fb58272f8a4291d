"""The `chatdesk` entry point: logging, the top-level commands, and every command group."""

from __future__ import annotations

import logging

import click

from chatdesk.cli.admin import DEMO_ADMIN, admin_group, create_demo_admin
from chatdesk.cli.agents import agents_group
from chatdesk.cli.categories import categories_group
from chatdesk.cli.config import config_group
from chatdesk.cli.kb import kb_group
from chatdesk.cli.report import report_command
from chatdesk.cli.routing import routing_group
from chatdesk.cli.runtime import command_runner, open_database, safe_url
from chatdesk.cli.sla import calendar_group, sla_group
from chatdesk.cli.slack import slack_group
from chatdesk.cli.tickets import tickets_group
from core.settings import Settings
from storage import migrate


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
        f"database at {safe_url(settings.database_url)} is at revision {migrate.head_revision()}"
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
        password = await create_demo_admin(database)
    summary = ", ".join(f"{count} {what}" for what, count in created.items())
    click.echo(f"demo data loaded ({summary} new)")
    click.echo(f"starter knowledge base: {starter.summary()}")
    if password:
        click.echo(
            f"admin panel: sign in as {DEMO_ADMIN} with password {password} (shown once; "
            "change it with chatdesk admin set-password)"
        )


for _group in (
    agents_group,
    categories_group,
    tickets_group,
    kb_group,
    sla_group,
    calendar_group,
    routing_group,
    config_group,
    admin_group,
    report_command,
    slack_group,
):
    main.add_command(_group)
