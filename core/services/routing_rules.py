"""Administration of the routing rules and of each group's assignment mode.

Each function checks everything before it writes, so a mistake changes nothing, and raises
:class:`ConfigurationError` (or :class:`InvalidInput`) with one line saying what is wrong. Rule
positions are 1, 2, 3… in evaluation order; adding at a position or moving a rule renumbers them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TypedDict, Unpack

from core.domain.assignment import AssignmentMode, AwayAction
from core.domain.entities import Group
from core.domain.enums import Priority, TicketType
from core.domain.priority import parse_priority
from core.domain.routing import MatchKind, Routing, RoutingRule, check_rule, route
from core.errors import ConfigurationError, InvalidInput
from core.ports import UnitOfWork
from core.settings import SUPPORTED_LANGUAGES


class RuleFields(TypedDict, total=False):
    """What a rule matches and sets, as an operator gives it: exactly one of ``keywords``
    (comma-separated) and ``regex``; any of the rest (``stop_reply`` alone makes it a stop-list
    rule, and ``stop_replies`` gives its text for people of a language); ``active`` defaults to
    True."""

    keywords: str | None
    regex: str | None
    category: str | None
    group: str | None
    priority: str | None
    ticket_type: str | None
    stop_reply: str | None
    stop_replies: dict[str, str] | None  # the stop reply per language (empty texts dropped)
    active: bool


async def add_rule(
    uow: UnitOfWork, *, name: str, position: int | None = None, **fields: Unpack[RuleFields]
) -> RoutingRule:
    """Add a rule at ``position`` (1 = evaluated first; default: last)."""
    ordered, rule = await _placed(uow, await uow.routing.rules(), name, None, position, fields)
    await _save_in_order(uow, ordered)
    return rule


async def update_rule(
    uow: UnitOfWork, *, name: str, new_name: str | None = None, **fields: Unpack[RuleFields]
) -> RoutingRule:
    """Replace everything rule ``name`` matches and sets (and its name, given ``new_name``),
    keeping its place in the order; the same checks as :func:`add_rule`."""
    ordered, rule = await _placed(
        uow, await uow.routing.rules(), (new_name or name), name, None, fields
    )
    if rule.name != name:
        await uow.routing.delete_rule(name)
    await _save_in_order(uow, ordered)
    return rule


@dataclass(frozen=True)
class Draft:
    """A rule as typed in a form and not saved: a new one (no ``original``; at ``position``,
    default last) or a change to rule ``original``."""

    name: str
    fields: RuleFields
    original: str | None = None
    position: int | None = None


async def _placed(
    uow: UnitOfWork,
    rules: list[RoutingRule],
    name: str,
    original: str | None,
    position: int | None,
    fields: RuleFields,
) -> tuple[list[RoutingRule], RoutingRule]:
    """All rules in order with the one typed in its place (a new one at ``position``, default
    last; a change to ``original`` where that one is), and the typed rule with its position;
    checked as saving would check it, nothing written."""
    old = None
    if original is not None:
        old = next((r for r in rules if r.name == original), None)
        if old is None:
            raise ConfigurationError("There is no routing rule '{name}'.", name=original)
    renamed = name.strip()
    if renamed != original:
        _unused(renamed, rules)
    rule = await _built(uow, renamed, fields)
    if old is not None:
        at = old.position
        ordered = [rule if r.name == original else r for r in rules]
    else:
        at = len(rules) + 1 if position is None else _position(position, len(rules) + 1)
        ordered = list(rules)
        ordered.insert(at - 1, rule)
    return ordered, replace(rule, position=at)


def fields_of(rule: RoutingRule) -> RuleFields:
    """A stored rule as :class:`RuleFields`: the starting point for changing some of them."""
    keywords = rule.kind is MatchKind.KEYWORDS
    return RuleFields(
        keywords=rule.pattern if keywords else None,
        regex=None if keywords else rule.pattern,
        category=rule.category,
        group=rule.group,
        priority=rule.priority.value if rule.priority is not None else None,
        ticket_type=rule.ticket_type.value if rule.ticket_type is not None else None,
        stop_reply=rule.stop_reply,
        stop_replies=dict(rule.stop_replies),
        active=rule.is_active,
    )


def _unused(name: str, rules: list[RoutingRule]) -> None:
    if any(r.name == name.strip() for r in rules):
        raise ConfigurationError(
            "There is a routing rule '{name}' already; remove it first.", name=name.strip()
        )


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


async def try_text(uow: UnitOfWork, text: str, *, draft: Draft | None = None) -> Routing:
    """What the active rules would decide for ``text``; with ``draft``, as if it were saved
    (refused as saving would refuse it). Nothing is written."""
    if not text.strip():
        raise ConfigurationError("Give a text to test the rules on.")
    rules = await uow.routing.rules()
    if draft is not None:
        ordered, _ = await _placed(
            uow, rules, draft.name, draft.original, draft.position, draft.fields
        )
        rules = [replace(r, position=at) for at, r in enumerate(ordered, start=1)]
    return route(rules, text)


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


async def _built(uow: UnitOfWork, name: str, fields: RuleFields) -> RoutingRule:
    """A rule from what an operator typed, checked; not yet stored (its position is 0)."""
    keywords, regex = fields.get("keywords"), fields.get("regex")
    sets = [fields.get(k) for k in ("category", "group", "priority", "ticket_type")]
    stop_reply = fields.get("stop_reply")
    if (keywords is None) == (regex is None):
        raise ConfigurationError("Give the rule either keywords or a regex (one of them).")
    if stop_reply is not None and any(sets):
        raise ConfigurationError(
            "A stop-list rule only answers the requester; it cannot also set a category, "
            "group, priority or type."
        )
    return await _checked(
        uow,
        RoutingRule(
            name.strip(),
            MatchKind.KEYWORDS if keywords is not None else MatchKind.REGEX,
            (keywords if keywords is not None else regex) or "",
            category=fields.get("category"),
            group=fields.get("group"),
            priority=_priority(fields.get("priority")),
            ticket_type=_type(fields.get("ticket_type")),
            stop_reply=stop_reply,
            stop_replies={
                language: text.strip()
                for language, text in (fields.get("stop_replies") or {}).items()
                if text and text.strip()
            },
            is_active=fields.get("active", True),
        ),
    )


async def _checked(uow: UnitOfWork, rule: RoutingRule) -> RoutingRule:
    check_rule(rule)
    unknown = sorted(set(rule.stop_replies) - set(SUPPORTED_LANGUAGES))
    if unknown:
        raise ConfigurationError(
            "Routing rule '{name}': a stop reply in an unknown language '{language}'; use one "
            "of {languages}.",
            name=rule.name,
            language=unknown[0],
            languages=", ".join(SUPPORTED_LANGUAGES),
        )
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
