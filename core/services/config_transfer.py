"""The desk's configuration as one document (``chatdesk config export/import``): calendars, SLA
policies and follow-up timings, groups (escalation, calendar, assignment mode), categories and
routing rules.

Import is all or nothing: every entry is checked by the same functions the single commands use,
in one transaction, and the first mistake raises :class:`ConfigurationError` naming the section
and entry, so the caller rolls back and nothing changes. Calendars, groups and categories in the
document are created or updated (others are left alone: tickets may use them); the SLA policies
and the routing rules in the document replace the stored ones (they are a complete, ordered set).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from core.domain.assignment import AssignmentMode, AwayAction
from core.domain.calendar_text import format_hours
from core.domain.enums import SupportLine, TicketType
from core.domain.priority import parse_priority
from core.domain.routing import MatchKind, RoutingRule
from core.domain.sla import Escalation
from core.errors import ChatdeskError, ConfigurationError
from core.ports import UnitOfWork
from core.services import categories, routing_rules, sla_config, staff
from core.services.clocks import AUTOMATION_OPTIONS, OFF, forget_clockwork, load_clockwork
from core.services.context import operator

VERSION = 1
SECTIONS = ("calendars", "groups", "categories", "sla", "routing")


async def export_config(uow: UnitOfWork) -> dict[str, Any]:
    """Everything the document holds, as plain data (YAML-ready), in a stable order."""
    work = await load_clockwork(uow)
    groups = await uow.catalog.groups()
    group_names = {g.id: g.name for g in groups}
    calendar_names = {c.id: c.name for c in work.calendars}
    cats = await uow.catalog.categories(active_only=False)
    slugs = {c.id: c.slug for c in cats}
    return {
        "version": VERSION,
        "calendars": [
            {
                "name": c.name,
                "timezone": c.timezone,
                "hours": format_hours(c.periods),
                "holidays": [{"date": str(h), "name": h.name} for h in c.holidays],
                "default": c.is_default,
            }
            for c in work.calendars
        ],
        "groups": [
            {
                "name": g.name,
                "line": int(g.line),
                "description": g.description,
                "escalates_to": group_names.get(g.escalation_group_id),
                "calendar": calendar_names.get(g.calendar_id),
                "assignment": g.assignment_mode.value,
                "when_away": g.away_action.value,
            }
            for g in groups
        ],
        "categories": [
            {
                "slug": node.category.slug,
                "name": node.category.name,
                "labels": dict(node.category.labels),
                "parent": slugs.get(node.category.parent_id),
                "group": group_names.get(node.category.default_group_id),
                "type": node.category.default_type.value,
                "active": node.category.is_active,
            }
            for node in categories.tree(cats)
        ],
        "sla": {
            "policies": [
                {
                    "priority": p.priority.value,
                    "type": p.ticket_type.value if p.ticket_type else None,
                    "category": p.category,
                    "response": str(p.response),
                    "resolve": str(p.resolution),
                    "warn": f"{round(p.warn_share * 100)}%",
                    "on_breach": p.escalation.value,
                }
                for p in work.policies
            ],
            "follow_ups": {
                name: str(getattr(work.automation, name) or OFF) for name in AUTOMATION_OPTIONS
            },
        },
        "routing": [
            {
                "name": r.name,
                r.kind.value: r.pattern,
                "category": r.category,
                "group": r.group,
                "priority": r.priority.value if r.priority else None,
                "type": r.ticket_type.value if r.ticket_type else None,
                "stop": r.stop_reply,
                "stop_in": dict(r.stop_replies),
                "active": r.is_active,
            }
            for r in await uow.routing.rules()
        ],
    }


async def import_config(uow: UnitOfWork, document: object) -> dict[str, int]:
    """Apply a document; how many entries of each section. The caller commits on success."""
    data = _mapping(document, "the document")
    _known(data, {"version", *SECTIONS}, "the document")
    if data.get("version", VERSION) != VERSION:
        raise ConfigurationError(
            "This file is version {found}; this chatdesk reads version {version}.",
            found=data.get("version"),
            version=VERSION,
        )
    counts: dict[str, int] = {}
    for section, apply in (
        ("calendars", _calendars),
        ("groups", _groups),
        ("categories", _categories),
        ("sla", _sla),
        ("routing", _routing),
    ):
        if section in data:
            counts[section] = await apply(uow, data[section])
    forget_clockwork(uow)
    return counts


async def _calendars(uow: UnitOfWork, value: object) -> int:
    entries = _entries(value, "calendars")
    for where, entry in entries:
        _known(entry, {"name", "timezone", "hours", "holidays", "default"}, where)
        with _naming(where):
            hours = entry.get("hours")
            name = _text(entry, "name", where)
            await sla_config.set_calendar(
                uow,
                name=name,
                hours="; ".join(map(str, hours))
                if isinstance(hours, list)
                else _text(entry, "hours", where),
                timezone=_text(entry, "timezone", where),
                default=bool(entry.get("default", False)),
            )
            stored = next(c for c in await uow.sla.calendars() if c.name == name)
            for holiday in stored.holidays:
                await sla_config.remove_holiday(uow, calendar=name, date=str(holiday))
            for day in _list(entry.get("holidays") or [], f"{where}: holidays"):
                day = _mapping(day, f"{where}: a holiday")
                await sla_config.add_holiday(
                    uow,
                    calendar=name,
                    date=str(day.get("date", "")),
                    name=str(day.get("name") or ""),
                )
    return len(entries)


async def _groups(uow: UnitOfWork, value: object) -> int:
    entries = _entries(value, "groups")
    fields = {"name", "line", "description", "escalates_to", "calendar", "assignment", "when_away"}
    for where, entry in entries:  # first every group; what names other groups comes after
        _known(entry, fields, where)
        with _naming(where):
            name = _text(entry, "name", where)
            existing = await uow.catalog.group(name)
            await staff.save_group(
                uow,
                actor=operator(),
                name=name,
                line=_choice(entry.get("line", 1), SupportLine, where, "line"),
                description=str(entry.get("description") or ""),
                group_id=existing.id if existing else None,
            )
    calendars = {c.name: c.id for c in await uow.sla.calendars()}
    for where, entry in entries:
        group = await uow.catalog.group(entry["name"])
        assert group is not None
        target = entry.get("escalates_to")
        escalation = await uow.catalog.group(str(target)) if target else None
        if target and escalation is None:
            raise ConfigurationError("{where}: unknown group '{group}'.", where=where, group=target)
        if escalation is group:
            raise ConfigurationError("{where}: a group cannot escalate to itself.", where=where)
        calendar = entry.get("calendar")
        if calendar and calendar not in calendars:
            raise ConfigurationError(
                "{where}: unknown calendar '{calendar}'.", where=where, calendar=calendar
            )
        group.escalation_group_id = escalation.id if escalation else None
        group.calendar_id = calendars[calendar] if calendar else None
        group.assignment_mode = _choice(
            entry.get("assignment", "manual"), AssignmentMode, where, "assignment"
        )
        group.away_action = _choice(
            entry.get("when_away", "release"), AwayAction, where, "when_away"
        )
    await uow.flush()
    return len(entries)


async def _categories(uow: UnitOfWork, value: object) -> int:
    entries = _entries(value, "categories")
    fields = {"slug", "name", "labels", "parent", "group", "type", "active"}
    for where, entry in entries:  # parents come before their children, as exported
        _known(entry, fields, where)
        with _naming(where):
            slug, name = _text(entry, "slug", where), _text(entry, "name", where)
            labels = {
                str(k): str(v) for k, v in _mapping(entry.get("labels") or {}, "labels").items()
            }
            ticket_type = _choice(entry.get("type", "incident"), TicketType, where, "type")
            group, parent = entry.get("group"), entry.get("parent")
            found = await uow.catalog.category(slug)
            if found is None:
                found = await categories.add_category(
                    uow,
                    actor=operator(),
                    slug=slug,
                    name=name,
                    parent=str(parent) if parent else None,
                    group=str(group) if group else None,
                    ticket_type=ticket_type,
                    labels=labels,
                )
            else:
                default_group = await uow.catalog.group(str(group)) if group else None
                if group and default_group is None:
                    raise ConfigurationError("unknown group '{group}'.", group=group)
                above = await uow.catalog.category(str(parent)) if parent else None
                if parent and above is None:
                    raise ConfigurationError("unknown parent category '{parent}'.", parent=parent)
                found.name, found.labels, found.default_type = name, labels, ticket_type
                found.default_group_id = default_group.id if default_group else None
                found.parent_id = above.id if above else None
            found.is_active = bool(entry.get("active", True))
    await uow.flush()
    return len(entries)


async def _sla(uow: UnitOfWork, value: object) -> int:
    data = _mapping(value, "sla")
    _known(data, {"policies", "follow_ups"}, "sla")
    count = 0
    if "policies" in data:
        entries = _entries(data["policies"], "sla: policies")
        for policy in await uow.sla.policies():
            assert policy.id is not None
            await uow.sla.delete_policy(policy.id)
        fields = {"priority", "type", "category", "response", "resolve", "warn", "on_breach"}
        for where, entry in entries:
            _known(entry, fields, where)
            with _naming(where):
                kind, breach, warn = entry.get("type"), entry.get("on_breach"), entry.get("warn")
                await sla_config.set_policy(
                    uow,
                    priority=parse_priority(_text(entry, "priority", where)),
                    response=_text(entry, "response", where),
                    resolve=_text(entry, "resolve", where),
                    ticket_type=_choice(kind, TicketType, where, "type") if kind else None,
                    category=entry.get("category"),
                    warn=str(warn) if warn is not None else None,
                    escalation=_choice(breach, Escalation, where, "on_breach") if breach else None,
                )
        count += len(entries)
    if "follow_ups" in data:
        timings = _mapping(data["follow_ups"], "sla: follow_ups")
        for name, timing in timings.items():
            with _naming(f"sla: follow_ups: {name}"):
                await sla_config.set_follow_up(uow, name=str(name), value=str(timing))
        count += len(timings)
    return count


async def _routing(uow: UnitOfWork, value: object) -> int:
    entries = _entries(value, "routing")
    rules = []
    fields = {"name", "keywords", "regex", "category", "group", "priority", "type", "stop"}
    fields |= {"stop_in"}
    for where, entry in entries:
        _known(entry, fields | {"active"}, where)
        kinds = [kind for kind in MatchKind if kind.value in entry]
        if len(kinds) != 1:
            raise ConfigurationError("{where}: give either keywords or a regex.", where=where)
        with _naming(where):
            priority, kind = entry.get("priority"), entry.get("type")
            rules.append(
                RoutingRule(
                    _text(entry, "name", where),
                    kinds[0],
                    str(entry[kinds[0].value]),
                    category=entry.get("category"),
                    group=entry.get("group"),
                    priority=parse_priority(str(priority)) if priority else None,
                    ticket_type=_choice(kind, TicketType, where, "type") if kind else None,
                    stop_reply=entry.get("stop"),
                    stop_replies={
                        str(language): str(text)
                        for language, text in _mapping(
                            entry.get("stop_in") or {}, f"{where}: stop_in"
                        ).items()
                    },
                    is_active=bool(entry.get("active", True)),
                )
            )
    await routing_rules.replace_rules(uow, rules)
    return len(rules)


@contextmanager
def _naming(where: str) -> Iterator[None]:
    """Any refusal inside becomes one line that names the entry."""
    try:
        yield
    except ChatdeskError as refused:
        reason = str(refused)
        if reason.startswith(where):
            raise
        raise ConfigurationError("{where}: {reason}", where=where, reason=reason) from None


def _mapping(value: object, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ConfigurationError("{where} must be a mapping (key: value).", where=where)
    return value


def _list(value: object, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise ConfigurationError("{where} must be a list.", where=where)
    return value


def _entries(value: object, section: str) -> list[tuple[str, dict[str, Any]]]:
    """A section's entries, each with how errors name it: "groups #2 (service-desk)"."""
    out = []
    for index, entry in enumerate(_list(value, section), start=1):
        where = f"{section} #{index}"
        if isinstance(entry, dict):
            label = entry.get("name") or entry.get("slug") or entry.get("priority")
            where += f" ({label})" if label else ""
        out.append((where, _mapping(entry, where)))
    return out


def _known(entry: dict[str, Any], fields: set[str], where: str) -> None:
    unknown = sorted(set(entry) - fields)
    if unknown:
        raise ConfigurationError(
            "{where}: unknown field '{field}' (known: {known}).",
            where=where,
            field=unknown[0],
            known=", ".join(sorted(fields)),
        )


def _text(entry: dict[str, Any], name: str, where: str) -> str:
    value = entry.get(name)
    if value is None or isinstance(value, dict | list) or not str(value).strip():
        raise ConfigurationError("{where}: '{name}' is missing.", where=where, name=name)
    return str(value)


def _choice(value: object, kind: Any, where: str, name: str) -> Any:
    try:
        return kind(value)
    except ValueError:
        choices = ", ".join(str(getattr(k, "value", k)) for k in kind)
        raise ConfigurationError(
            "{where}: '{name}' cannot be '{value}'; use one of {choices}.",
            where=where,
            name=name,
            value=value,
            choices=choices,
        ) from None
