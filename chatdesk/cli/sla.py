"""`chatdesk sla ...` and `chatdesk calendar ...`: SLA policies, follow-ups, business calendars.

Every change is validated before anything is written, then the clocks of all open tickets are
recomputed, so the new targets apply at once.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import click

from chatdesk.cli.runtime import command_runner, open_database
from core.domain.calendar_text import format_hours
from core.domain.calendars import BusinessCalendar
from core.domain.enums import TicketType
from core.domain.priority import parse_priority
from core.domain.sla import Escalation
from core.ports import UnitOfWork
from core.services import sla_config
from core.services.clocks import ensure_defaults, load_clockwork, recompute_all
from core.settings import Settings

_TYPES = click.Choice([t.value for t in TicketType])
_ESCALATIONS = click.Choice([e.value for e in Escalation])


@asynccontextmanager
async def _changing(settings: Settings) -> AsyncIterator[UnitOfWork]:
    """A unit of work on the migrated database with the defaults stored; commits on success,
    then recomputes the open tickets' clocks."""
    async with open_database(settings) as database:
        async with database.uow() as uow:
            await ensure_defaults(uow, timezone=settings.timezone)
            yield uow
            await uow.commit()
        count = await recompute_all(database.uow)
        click.echo(f"clocks of {count} active tickets recomputed")


@asynccontextmanager
async def _reading(settings: Settings) -> AsyncIterator[UnitOfWork]:
    """A unit of work on the migrated database, the shipped defaults stored if they never were."""
    async with open_database(settings) as database, database.uow() as uow:
        if await ensure_defaults(uow, timezone=settings.timezone):
            await uow.commit()
        yield uow


@click.group("sla")
def sla_group() -> None:
    """SLA policies (targets per priority) and follow-up timings."""


@sla_group.command("show")
@command_runner
async def sla_show(settings: Settings) -> None:
    """Policies, calendars, which group uses which, and the follow-up timings."""
    async with _reading(settings) as uow:
        work = await load_clockwork(uow)
        groups = await uow.catalog.groups()
    lines = ["policies (working time):"]
    for p in work.policies:
        lines.append(
            f"  {p.scope:<28} response {str(p.response):<7} resolve {str(p.resolution):<7} "
            f"warn at {p.warn_share:.0%}  on breach: {p.escalation.value}"
        )
    lines.append("calendars:")
    lines += [f"  {_calendar_line(c)}" for c in work.calendars]
    by_id = {c.id: c.name for c in work.calendars}
    default = next((c.name for c in work.calendars if c.is_default), "-")
    lines.append(
        "groups: "
        + (", ".join(f"{g.name} → {by_id.get(g.calendar_id, default)}" for g in groups) or "none")
    )
    follow = work.automation
    lines.append(
        "follow-ups: "
        + ", ".join(
            f"{name} {getattr(follow, name) or 'off'}"
            for name in ("rating_reminder", "auto_close", "waiting_reminder", "waiting_resolve")
        )
    )
    click.echo("\n".join(lines))


@sla_group.command("set")
@click.argument("priority")
@click.option("--response", help="First-response target, e.g. 30m, 4h, 1d (working time).")
@click.option("--resolve", help="Resolution target, e.g. 4h, 1d, 1d 4h (working time).")
@click.option("--type", "ticket_type", type=_TYPES, help="Only tickets of this type.")
@click.option("--category", help="Only tickets of this category (slug).")
@click.option("--warn", help="Warn when this share of a target has passed (default 75%).")
@click.option("--on-breach", "escalation", type=_ESCALATIONS, help="What a breach does.")
@command_runner
async def sla_set(
    settings: Settings,
    priority: str,
    response: str | None,
    resolve: str | None,
    ticket_type: str | None,
    category: str | None,
    warn: str | None,
    escalation: str | None,
) -> None:
    """Set the targets for PRIORITY (P1–P4), e.g. `sla set P1 --response 30m --resolve 4h`."""
    level = parse_priority(priority)
    async with _changing(settings) as uow:
        policy = await sla_config.set_policy(
            uow,
            priority=level,
            response=response,
            resolve=resolve,
            ticket_type=TicketType(ticket_type) if ticket_type else None,
            category=category,
            warn=warn,
            escalation=Escalation(escalation) if escalation else None,
        )
    click.echo(f"{policy.scope}: response {policy.response}, resolve {policy.resolution}")


@sla_group.command("remove")
@click.argument("priority")
@click.option("--type", "ticket_type", type=_TYPES)
@click.option("--category")
@command_runner
async def sla_remove(
    settings: Settings, priority: str, ticket_type: str | None, category: str | None
) -> None:
    """Remove a policy (tickets it covered fall back to a broader one, or to none)."""
    level = parse_priority(priority)
    async with _changing(settings) as uow:
        await sla_config.remove_policy(
            uow,
            priority=level,
            ticket_type=TicketType(ticket_type) if ticket_type else None,
            category=category,
        )
    click.echo("policy removed")


@sla_group.command("followup")
@click.argument(
    "name",
    type=click.Choice(["rating_reminder", "auto_close", "waiting_reminder", "waiting_resolve"]),
)
@click.argument("value")
@command_runner
async def sla_followup(settings: Settings, name: str, value: str) -> None:
    """Set a follow-up timing in working time (e.g. `auto_close 3d`) or turn it `off`."""
    async with _changing(settings) as uow:
        await sla_config.set_follow_up(uow, name=name, value=value)
    click.echo(f"{name}: {value}")


@click.group("calendar")
def calendar_group() -> None:
    """Business calendars: working hours in a time zone, and holidays."""


@calendar_group.command("list")
@command_runner
async def calendar_list(settings: Settings) -> None:
    async with _reading(settings) as uow:
        calendars = await uow.sla.calendars()
    click.echo("\n".join(_calendar_line(c) for c in calendars))


@calendar_group.command("set")
@click.argument("name")
@click.option("--hours", help='e.g. "mon-fri 09:00-18:00; sat 10:00-14:00" or 24x7.')
@click.option("--timezone", help="IANA time zone, e.g. Europe/Berlin.")
@click.option("--default", "make_default", is_flag=True, help="Make it the desk's default.")
@command_runner
async def calendar_set(
    settings: Settings, name: str, hours: str | None, timezone: str | None, make_default: bool
) -> None:
    """Create or change calendar NAME."""
    async with _changing(settings) as uow:
        saved = await sla_config.set_calendar(
            uow, name=name, hours=hours, timezone=timezone, default=make_default
        )
    click.echo(_calendar_line(saved))


@calendar_group.group("holiday")
def holiday_group() -> None:
    """Holidays of a calendar: 2026-12-24 (that day once) or 12-25 (every year)."""


@holiday_group.command("add")
@click.argument("name")
@click.argument("date")
@click.option("--label", default="", help="What the day is, e.g. Christmas.")
@command_runner
async def calendar_holiday_add(settings: Settings, name: str, date: str, label: str) -> None:
    """Add a holiday to calendar NAME: 2026-12-24 (once) or 12-25 (every year)."""
    async with _changing(settings) as uow:
        saved = await sla_config.add_holiday(uow, calendar=name, date=date, name=label)
    click.echo(_calendar_line(saved))


@holiday_group.command("remove")
@click.argument("name")
@click.argument("date")
@command_runner
async def calendar_holiday_remove(settings: Settings, name: str, date: str) -> None:
    async with _changing(settings) as uow:
        saved = await sla_config.remove_holiday(uow, calendar=name, date=date)
    click.echo(_calendar_line(saved))


@calendar_group.command("remove")
@click.argument("name")
@command_runner
async def calendar_remove(settings: Settings, name: str) -> None:
    """Remove calendar NAME (groups using it go back to the default)."""
    async with _changing(settings) as uow:
        await sla_config.remove_calendar(uow, name=name)
    click.echo(f"calendar {name} removed")


@calendar_group.command("use")
@click.argument("group")
@click.argument("name", required=False)
@command_runner
async def calendar_use(settings: Settings, group: str, name: str | None) -> None:
    """Give GROUP calendar NAME (without NAME: the default calendar)."""
    async with _changing(settings) as uow:
        await sla_config.use_calendar(uow, group=group, calendar=name)
    click.echo(f"{group} uses {name or 'the default calendar'}")


def _calendar_line(calendar: BusinessCalendar) -> str:
    holidays = ", ".join(str(h) + (f" {h.name}" if h.name else "") for h in calendar.holidays)
    return (
        f"{calendar.name}{' (default)' if calendar.is_default else ''}  {calendar.timezone}  "
        f"{'; '.join(format_hours(calendar.periods))}  holidays: {holidays or 'none'}"
    )
