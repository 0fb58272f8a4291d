"""Who is acting, through which channel, and the shared checks every use case makes."""

from __future__ import annotations

from dataclasses import dataclass

from core.domain.entities import AuditEntry, Person, Ticket
from core.domain.enums import Role
from core.errors import InvalidInput, NotFound, PermissionDenied, Term
from core.ports import UnitOfWork

TITLE_MAX = 200
TEXT_MAX = 20_000
RESOLUTION_MAX = 5_000
COMMENT_MAX = 2_000


@dataclass(frozen=True, slots=True)
class Actor:
    """A person acting through a channel (``telegram``, ``slack``, ``admin``, ``cli``...)."""

    person: Person
    channel: str

    @property
    def id(self) -> int:
        assert self.person.id is not None, "this use case needs a stored person as actor"
        return self.person.id


def operator(channel: str = "cli") -> Actor:
    """Whoever runs the command line or a migration: full rights, no person record."""
    return Actor(Person(display_name="operator", role=Role.ADMIN), channel)


def system_actor() -> Actor:
    """The desk itself (routing, assignment, the clock sweep): full rights, no person record,
    so the audit trail shows no actor and the ``system`` channel."""
    return Actor(Person(display_name="chatdesk", role=Role.ADMIN), "system")


def require_role(actor: Actor, role: Role, *, doing: str) -> None:
    if not actor.person.has_role(role):
        raise PermissionDenied("Only {role}s can {doing}.", role=Term(role.label), doing=doing)


def clean_text(value: str | None, *, what: str, limit: int, required: bool = True) -> str:
    """Strip, refuse empty (when required) and oversized text with a message naming the field."""
    text = (value or "").strip()
    if required and not text:
        raise InvalidInput("The {what} must not be empty.", what=Term(what))
    if len(text) > limit:
        raise InvalidInput(
            "The {what} is {length} characters long; the limit is {limit}.",
            what=Term(what),
            length=len(text),
            limit=limit,
        )
    return text


async def load_ticket(uow: UnitOfWork, number: int, *, for_update: bool = False) -> Ticket:
    ticket = await uow.tickets.get(number, for_update=for_update)
    if ticket is None:
        raise NotFound("There is no ticket #{number}.", number=number)
    return ticket


async def load_visible_ticket(
    uow: UnitOfWork, actor: Actor, number: int, *, for_update: bool = False
) -> Ticket:
    """Agents see every ticket; a requester sees only their own, and learns nothing of others'."""
    ticket = await uow.tickets.get(number, for_update=for_update)
    if ticket is None or not (actor.person.is_agent or ticket.requester_id == actor.id):
        raise NotFound("There is no ticket #{number} among yours.", number=number)
    return ticket


async def name_of(uow: UnitOfWork, person_id: int | None) -> str:
    if person_id is None:
        return "nobody"
    return display_name(await uow.people.get(person_id), person_id)


def display_name(person: Person | None, person_id: int) -> str:
    """The name to show for ``person_id`` (read as ``person``, None when it is gone)."""
    return person.display_name if person else f"person {person_id}"


def audit(
    uow: UnitOfWork,
    actor: Actor | None,
    ticket: Ticket,
    action: str,
    *,
    field: str | None = None,
    old: object = None,
    new: object = None,
    channel: str | None = None,
    **details: object,
) -> None:
    uow.add(
        AuditEntry(
            action=action,
            channel=channel or (actor.channel if actor else "system"),
            ticket_id=ticket.id,
            actor_id=actor.person.id if actor else None,
            field=field,
            old_value=None if old is None else str(old),
            new_value=None if new is None else str(new),
            details=dict(details),
            created_at=uow.clock.now(),
        )
    )
