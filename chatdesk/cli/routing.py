"""`chatdesk routing ...`: the rules that route new requests, and each group's assignment mode.

Every change is checked before anything is written: a regex that does not compile or could hang,
an unknown category, group or priority is one `error:` line and changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from chatdesk.cli.runtime import command_runner, open_database
from core.domain.assignment import AssignmentMode, AwayAction
from core.domain.routing import Routing, RoutingRule
from core.errors import ConfigurationError
from core.services import routing_rules
from core.services.routing_rules import RuleFields
from core.settings import Settings

_MODES = click.Choice([m.value.replace("_", "-") for m in AssignmentMode])
_AWAY = click.Choice([a.value for a in AwayAction])


@click.group("routing")
def routing_group() -> None:
    """Routing rules (keywords or regex → category, group, priority, type; stop-list) and how
    each group assigns its tickets."""


@routing_group.command("list")
@command_runner
async def routing_list(settings: Settings) -> None:
    """The rules in evaluation order, then each group's assignment mode."""
    async with open_database(settings) as database, database.uow() as uow:
        rules = await uow.routing.rules()
        groups = await uow.catalog.groups()
    lines = [rule_line(r) for r in rules] or ["no routing rules"]
    lines += [
        f"group {g.name}: {g.assignment_mode.value.replace('_', '-')}, "
        f"when an agent is away: {g.away_action.value}"
        for g in groups
    ]
    click.echo("\n".join(lines))


_EFFECTS = ("category", "group", "priority", "ticket_type", "stop_reply")


def _rule_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """What a rule matches and sets: the options of `add` and `edit` (`edit` also takes ""
    to clear an effect)."""
    options = (
        click.option("--keywords", help='Words or phrases, comma-separated: "vpn, remote access".'),
        click.option("--regex", help=r'A regular expression, e.g. "error \d{3}".'),
        click.option("--category", help='Set this category (its short name; "" in edit: none).'),
        click.option("--group", help="Send to this group."),
        click.option("--priority", help="Set this priority (P1–P4)."),
        click.option("--type", "ticket_type", help="Set this ticket type."),
        click.option(
            "--stop", "stop_reply", help="A stop-list rule: no ticket; tell the requester this."
        ),
        click.option(
            "--stop-in",
            "stop_in",
            nargs=2,
            multiple=True,
            metavar="LANG TEXT",
            help='The stop reply for people of language LANG: --stop-in ru "Не к нам." '
            '(repeat for more; "" in edit: none in LANG).',
        ),
    )
    for option in reversed(options):
        command = option(command)
    return command


def _fields(given: dict[str, Any]) -> RuleFields:
    return RuleFields(
        keywords=given["keywords"],
        regex=given["regex"],
        category=given["category"],
        group=given["group"],
        priority=given["priority"],
        ticket_type=given["ticket_type"],
        stop_reply=given["stop_reply"],
        stop_replies=dict(given["stop_in"]),
    )


@routing_group.command("add")
@click.argument("name")
@_rule_options
@click.option("--position", type=int, help="Where in the order (1 = first; default: last).")
@click.option("--inactive", is_flag=True, help="Store it switched off.")
@command_runner
async def routing_add(
    settings: Settings, name: str, position: int | None, inactive: bool, **given: Any
) -> None:
    """Add rule NAME."""
    async with open_database(settings) as database, database.uow() as uow:
        fields = _fields(given)
        fields["active"] = not inactive
        rule = await routing_rules.add_rule(uow, name=name, position=position, **fields)
        await uow.commit()
    click.echo(rule_line(rule))


@routing_group.command("edit")
@click.argument("name")
@click.option("--rename", "new_name", help="Give the rule this name.")
@_rule_options
@click.option("--on/--off", "active", default=None, help="Switch the rule on or off.")
@command_runner
async def routing_edit(
    settings: Settings, name: str, new_name: str | None, active: bool | None, **given: Any
) -> None:
    """Change rule NAME: the options given replace what it had ("" clears an effect), the rest
    stays, and so does its place in the order."""
    changes = _fields(given)
    if changes["keywords"] is not None and changes["regex"] is not None:
        raise ConfigurationError("Give the rule either keywords or a regex (one of them).")
    async with open_database(settings) as database, database.uow() as uow:
        old = next((r for r in await uow.routing.rules() if r.name == name), None)
        fields = routing_rules.fields_of(old) if old is not None else RuleFields()
        if changes["keywords"] is not None or changes["regex"] is not None:
            fields |= RuleFields(keywords=changes["keywords"], regex=changes["regex"])
        for effect in _EFFECTS:
            value = given[effect]
            if value is not None:
                fields[effect] = value.strip() or None  # type: ignore[literal-required]
        if given["stop_reply"] == "":  # no longer a stop-list rule: no reply in any language
            fields["stop_replies"] = {}
        if given["stop_in"]:
            fields["stop_replies"] = {
                **(fields.get("stop_replies") or {}),
                **dict(given["stop_in"]),
            }
        if active is not None:
            fields["active"] = active
        rule = await routing_rules.update_rule(uow, name=name, new_name=new_name, **fields)
        await uow.commit()
    click.echo(rule_line(rule))


@routing_group.command("remove")
@click.argument("name")
@command_runner
async def routing_remove(settings: Settings, name: str) -> None:
    """Remove rule NAME."""
    async with open_database(settings) as database, database.uow() as uow:
        await routing_rules.remove_rule(uow, name=name)
        await uow.commit()
    click.echo(f"routing rule {name} removed")


@routing_group.command("move")
@click.argument("name")
@click.argument("position", type=int)
@command_runner
async def routing_move(settings: Settings, name: str, position: int) -> None:
    """Evaluate rule NAME at POSITION (1 = first)."""
    async with open_database(settings) as database, database.uow() as uow:
        await routing_rules.move_rule(uow, name=name, position=position)
        await uow.commit()
    click.echo(f"routing rule {name} is now number {position}")


@routing_group.command("test")
@click.argument("text")
@command_runner
async def routing_test(settings: Settings, text: str) -> None:
    """Show what the rules decide for TEXT (nothing is changed)."""
    async with open_database(settings) as database, database.uow() as uow:
        decision = await routing_rules.try_text(uow, text)
    if decision.stop_reply is not None:
        click.echo(f"stop-listed by {decision.matched[-1]}: {_stop(decision)}")
        return
    if not decision.matched:
        click.echo("no rule matches")
    else:
        click.echo(f"matched {', '.join(decision.matched)}: {_effects(decision)}")
    if decision.timed_out:
        click.echo(f"ran out of time: {', '.join(decision.timed_out)}")


@routing_group.command("assignment")
@click.argument("group")
@click.argument("mode", type=_MODES, required=False)
@click.option("--when-away", "away", type=_AWAY, help="What /away does with unstarted tickets.")
@command_runner
async def routing_assignment(
    settings: Settings, group: str, mode: str | None, away: str | None
) -> None:
    """How GROUP assigns new tickets: manual (agents claim), round-robin or least-loaded."""
    async with open_database(settings) as database, database.uow() as uow:
        saved = await routing_rules.set_assignment(
            uow,
            group=group,
            mode=AssignmentMode(mode.replace("-", "_")) if mode else None,
            away=AwayAction(away) if away else None,
        )
        await uow.commit()
    click.echo(
        f"group {saved.name}: {saved.assignment_mode.value.replace('_', '-')}, "
        f"when an agent is away: {saved.away_action.value}"
    )


def rule_line(rule: RoutingRule) -> str:
    """ "1. vpn [keywords: vpn, remote access] → category network, priority P2" """
    effect = f"stop: {_stop(rule)}" if rule.stop_reply is not None else _effects(rule)
    off = "" if rule.is_active else " (off)"
    return f"{rule.position}. {rule.name}{off} [{rule.kind.value}: {rule.pattern}] → {effect}"


def _stop(what: RoutingRule | Routing) -> str:
    """ "Not for us. (ru: Не к нам.)": the stop reply, then the one per language."""
    languages = "".join(f" ({lang}: {text})" for lang, text in sorted(what.stop_replies.items()))
    return f"{what.stop_reply}{languages}"


def _effects(what: RoutingRule | Routing) -> str:
    """ "category network, priority P2": what a rule sets, or what the rules decided."""
    sets = {
        "category": what.category,
        "group": what.group,
        "priority": what.priority,
        "type": what.ticket_type,
    }
    return ", ".join(f"{name} {value}" for name, value in sets.items() if value is not None)
