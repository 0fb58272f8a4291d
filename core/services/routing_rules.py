"""Administration of the routing rules and of each group's assignment mode.

Each function checks everything before it writes, so a mistake changes nothing, and raises
:class:`ConfigurationError` (or :class:`InvalidInput`) with one line saying what is wrong. Rule
positions are 1, 2, 3… in evaluation order; adding at a position or moving a rule renumbers them.
"""

from __future__ import annotations

from dataclasses import replace

from core.domain.assignment import AssignmentMode, AwayAction
from core.domain.entities import Group
from core.domain.enums import Priority, TicketType
from core.domain.priority import parse_priority
from core.domain.routing import MatchKind, Routing, RoutingRule, check_rule, route
from core.errors import ConfigurationError, InvalidInput
from core.ports import UnitOfWork


async def add_rule(
    uow: UnitOfWork,
    *,
    name: str,
    keywords: str | None = None,
    regex: str | None = None,
    category: str | None = None,
    group: str | None = None,
    priority: str | None = None,
    ticket_type: str | None = None,
    stop_reply: str | None = None,
    position: int | None = None,
    active: bool = True,
) -> RoutingRule:
    """Add a rule matching ``keywords`` (comma-separated) or a ``regex``, at ``position``
    (1 = evaluated first; default: last)."""
    if (keywords is None) == (regex is None):
        raise ConfigurationError("Give the rule either keywords or a regex (one of them).")
    if stop_reply is not None and any((category, group, priority, ticket_type)):
        raise ConfigurationError(
            "A stop-list rule only answers the requester; it cannot also set a category, "
            "group, priority or type."
        )
    rules = await uow.routing.rules()
    if any(r.name == name.strip() for r in rules):
        raise ConfigurationError(
            "There is a routing rule '{name}' already; remove it first.", name=name.strip()
        )
    rule = await _checked(
        uow,
        RoutingRule(
            name.strip(),
            MatchKind.KEYWORDS if keywords is not None else MatchKind.REGEX,
            (keywords if keywords is not None else regex) or "",
            category=category,
            group=group,
            priority=_priority(priority),
            ticket_type=_type(ticket_type),
            stop_reply=stop_reply,
            is_active=active,
        ),
    )
    at = len(rules) + 1 if position is None else _position(position, len(rules) + 1)
    ordered = list(rules)
    ordered.insert(at - 1, rule)
    await _save_in_order(uow, ordered)
    return replace(rule, position=at)


async def remove_rule(uow: UnitOfWork, *, name: str) -> None:
    rules = await uow.routing.rules()
    if not any(r.name == name for r in rules):
        raise ConfigurationError("There is no routing rule '{name}'.", name=name)
    await uow.routing.delete_rule(name)
    await _save_in_order(uow, [r for r in rules if r.name != name])


async def move_rule(uow: UnitOfWork, *, name: str, position: int) -> None:
    """Evaluate rule ``name`` at ``position`` (1 = first)."""
    rules = await uow.routing.rules()
    rule = next((r for r in rules if r.name == name), None)
    if rule is None:
        raise ConfigurationError("There is no routing rule '{name}'.", name=name)
    at = _position(position, len(rules))
    ordered = [r for r in rules if r.name != name]
    ordered.insert(at - 1, rule)
    await _save_in_order(uow, ordered)


async def replace_rules(uow: UnitOfWork, rules: list[RoutingRule]) -> None:
    """Make the stored rules exactly ``rules``, in this order (a configuration import)."""
    names = [r.name for r in rules]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ConfigurationError(
            "Routing rule names must be unique: {names}.", names=", ".join(duplicates)
        )
    checked = [await _checked(uow, r) for r in rules]
    for old in await uow.routing.rules():
        if old.name not in names:
            await uow.routing.delete_rule(old.name)
    await _save_in_order(uow, checked)


async def try_text(uow: UnitOfWork, text: str) -> Routing:
    """What the active rules would decide for ``text`` (nothing is written)."""
    if not text.strip():
        raise ConfigurationError("Give a text to test the rules on.")
    return route(await uow.routing.rules(), text)


async def set_assignment(
    uow: UnitOfWork,
    *,
    group: str,
    mode: AssignmentMode | None = None,
    away: AwayAction | None = None,
) -> Group:
    """How ``group`` assigns new tickets, and what an agent's going away does with theirs."""
    found = await uow.catalog.group(group)
    if found is None:
        raise ConfigurationError("Unknown group '{group}'.", group=group)
    if mode is not None:
        found.assignment_mode = mode
    if away is not None:
        found.away_action = away
    await uow.flush()
    return found


async def _checked(uow: UnitOfWork, rule: RoutingRule) -> RoutingRule:
    check_rule(rule)
    if rule.category is not None and await uow.catalog.category(rule.category) is None:
        raise ConfigurationError(
            "Routing rule '{name}': unknown category '{category}'.",
            name=rule.name,
            category=rule.category,
        )
    if rule.group is not None and await uow.catalog.group(rule.group) is None:
        raise ConfigurationError(
            "Routing rule '{name}': unknown group '{group}'.", name=rule.name, group=rule.group
        )
    return rule


async def _save_in_order(uow: UnitOfWork, rules: list[RoutingRule]) -> None:
    for index, rule in enumerate(rules, start=1):
        if rule.position != index or rule.id is None:
            await uow.routing.save_rule(replace(rule, position=index))


def _position(position: int, highest: int) -> int:
    if not 1 <= position <= highest:
        raise ConfigurationError(
            "A position is between 1 and {highest}; got {position}.",
            highest=highest,
            position=position,
        )
    return position


def _priority(value: str | None) -> Priority | None:
    try:
        return parse_priority(value) if value else None
    except InvalidInput as refused:
        raise ConfigurationError(str(refused)) from None


def _type(value: str | None) -> TicketType | None:
    if value is None:
        return None
    try:
        return TicketType(value.strip().lower().replace("-", "_"))
    except ValueError:
        raise ConfigurationError(
            "Unknown ticket type '{value}'; use one of {types}.",
            value=value,
            types=", ".join(t.value for t in TicketType),
        ) from None
