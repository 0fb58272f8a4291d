"""`chatdesk report NAME`: a report's figures as text tables, or as CSV with ``--csv``."""

from __future__ import annotations

import click

from chatdesk.cli.runtime import command_runner, open_database
from core.reports.catalog import REPORTS, check_name
from core.reports.query import parse_query
from core.reports.tables import Report, to_csv
from core.settings import Settings
from storage.report_facts import run_report


@click.command("report")
@click.argument("name", type=click.Choice(list(REPORTS)))
@click.option("--from", "first", metavar="YYYY-MM-DD", help="First day (default: 30 days ago).")
@click.option("--to", "last", metavar="YYYY-MM-DD", help="Last day, included (default: today).")
@click.option("--tz", metavar="ZONE", help="Time zone of the days (default: the desk's).")
@click.option("--period", type=click.Choice(["day", "week", "month"]), default="day")
@click.option("--group", help="Only this group (name).")
@click.option("--category", help="Only this category (slug or name).")
@click.option("--channel", help="Only tickets that came through this channel.")
@click.option("--type", "ticket_type", help="Only this ticket type (incident, question, ...).")
@click.option("--priority", help="Only this priority (P1-P4).")
@click.option("--agent", help="Only tickets assigned to this agent (name).")
@click.option("--csv", "as_csv", is_flag=True, help="Write CSV: table,row,column,value.")
@command_runner
async def report_command(
    settings: Settings,
    name: str,
    first: str | None,
    last: str | None,
    tz: str | None,
    period: str,
    group: str | None,
    category: str | None,
    channel: str | None,
    ticket_type: str | None,
    priority: str | None,
    agent: str | None,
    as_csv: bool,
) -> None:
    """Print report NAME (load, rhythm, speed, sla, quality, self-help, agents)."""
    check_name(name)
    async with open_database(settings) as database, database.uow() as uow:
        today = uow.clock.now().astimezone(settings.zone).date()
        query = parse_query(
            {
                "from": first,
                "to": last,
                "tz": tz,
                "period": period,
                "group": group,
                "category": category,
                "channel": channel,
                "type": ticket_type,
                "priority": priority,
                "agent": agent,
            },
            default_timezone=settings.timezone,
            today=today,
        )
        report = await run_report(uow, name, query)
    click.echo(to_csv(report) if as_csv else as_text(report), nl=not as_csv)


def as_text(report: Report) -> str:
    """Each table under its title, columns aligned."""
    blocks = []
    for table in report.tables:
        cells = [list(table.columns)] + [
            ["" if v is None else str(v) for v in row] for row in table.rows
        ]
        widths = [max(len(row[i]) for row in cells) for i in range(len(table.columns))]
        lines = ["  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)) for row in cells]
        blocks.append(f"{table.title}\n" + "\n".join(line.rstrip() for line in lines))
    return "\n\n".join(blocks)
