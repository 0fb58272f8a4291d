"""`chatdesk tickets ...`: look at tickets from the command line."""

from __future__ import annotations

import click

from chatdesk.cli.runtime import command_runner, open_database
from core.domain.enums import TicketStatus
from core.domain.numbers import parse_ticket_number
from core.errors import ChatdeskError
from core.settings import Settings
from storage import read_models


@click.group("tickets")
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
@click.argument("number")
@command_runner
async def tickets_show(settings: Settings, number: str) -> None:
    """Show ticket NUMBER with its conversation and history."""
    parsed = parse_ticket_number(number)
    found = None
    if parsed is not None:
        async with open_database(settings) as database, database.uow() as uow:
            found = await read_models.ticket_detail(uow, parsed)
    if found is None:
        raise ChatdeskError(f"There is no ticket #{number[:40]}.")
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
        f"  {read_models.describe_change(a, names)}".rstrip()
        for a in audit
    ]
    click.echo("\n".join(out))
