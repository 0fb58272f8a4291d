"""Managing the people who work the desk from the panel: an agent's role, line, groups and
whether they are active, and the groups (queues) themselves."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from core.domain.entities import Group, GroupMember, Person
from core.domain.enums import Role, SupportLine
from core.errors import InvalidInput, NotFound, PermissionDenied
from core.ports import UnitOfWork
from core.services.context import Actor, clean_text, require_role
from core.services.people import EMAIL_MAX
from core.settings import SUPPORTED_LANGUAGES

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
GROUP_NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True, slots=True)
class AgentChanges:
    display_name: str
    role: Role
    line: SupportLine
    groups: Sequence[str]
    language: str = "en"
    email: str | None = None
    active: bool = True


async def update_agent(
    uow: UnitOfWork, *, actor: Actor, person_id: int, changes: AgentChanges
) -> Person:
    """Supervisors manage agents and supervisors; only admins make or change admins. Nobody
    takes away their own right to manage people (so the desk always keeps one)."""
    require_role(actor, Role.SUPERVISOR, doing="manage agents")
    person = await uow.people.get(person_id)
    if (
        person is None
        or person.id is None
        or not person.has_role(Role.AGENT)
        and person.role < Role.AGENT
    ):
        raise NotFound("There is no agent {id}.", id=person_id)
    if Role.ADMIN in (person.role, changes.role) and not actor.person.has_role(Role.ADMIN):
        raise PermissionDenied("Only admins can make or change admins.")
    if changes.role > actor.person.role:
        raise PermissionDenied("You cannot give a role above your own.")
    if person.id == actor.person.id and (changes.role < Role.SUPERVISOR or not changes.active):
        raise InvalidInput("You cannot take away your own right to manage people.")
    if changes.role < Role.AGENT:
        raise InvalidInput("Use 'deactivate' to stop someone working tickets.")
    if changes.language not in SUPPORTED_LANGUAGES:
        raise InvalidInput("Unsupported language '{language}'.", language=changes.language)
    email = (changes.email or "").strip() or None
    if email is not None and (len(email) > EMAIL_MAX or not _EMAIL.match(email)):
        raise InvalidInput("'{email}' is not an e-mail address.", email=email[:100])
    wanted: list[Group] = []
    for name in dict.fromkeys(changes.groups):
        group = await uow.catalog.group(name)
        if group is None:
            raise InvalidInput("Unknown group '{group}'.", group=name)
        wanted.append(group)
    person.display_name = clean_text(changes.display_name, what="name", limit=200)
    person.role = changes.role
    person.support_line = changes.line
    person.language = changes.language
    person.email = email
    person.is_active = changes.active
    wanted_ids = {g.id for g in wanted}
    for group in await uow.catalog.groups():
        assert group.id is not None
        members = {m.person_id for m in await uow.catalog.members(group.id)}
        if group.id in wanted_ids and person.id not in members:
            uow.add(GroupMember(group_id=group.id, person_id=person.id))
        elif group.id not in wanted_ids and person.id in members:
            await uow.catalog.remove_member(group.id, person.id)
    await uow.flush()
    return person


async def save_group(
    uow: UnitOfWork,
    *,
    actor: Actor,
    name: str,
    line: SupportLine,
    description: str = "",
    escalates_to: str | None = None,
    group_id: int | None = None,
) -> Group:
    """Create a group, or change one (``group_id``)."""
    require_role(actor, Role.SUPERVISOR, doing="manage groups")
    slug = name.strip()
    if not GROUP_NAME.match(slug) or len(slug) > 100:
        raise InvalidInput(
            "A group name must be kebab-case (a-z, 0-9, -), like service-desk: '{name}'.",
            name=slug[:100],
        )
    text = clean_text(description, what="description", limit=1000, required=False)
    same = await uow.catalog.group(slug)
    group = await uow.catalog.group_by_id(group_id) if group_id is not None else None
    if group_id is not None and group is None:
        raise NotFound("There is no group {id}.", id=group_id)
    if same is not None and (group is None or same.id != group.id):
        raise InvalidInput("There is a group '{name}' already.", name=slug)
    target = await uow.catalog.group(escalates_to) if escalates_to else None
    if escalates_to and target is None:
        raise InvalidInput("Unknown group '{group}'.", group=escalates_to)
    if group is None:
        group = Group(name=slug, line=line, description=text)
        uow.add(group)
    if target is not None and target is group:
        raise InvalidInput("A group cannot escalate to itself.")
    group.name, group.line, group.description = slug, line, text
    group.escalation_group_id = target.id if target else None
    await uow.flush()
    return group
