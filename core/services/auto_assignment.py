"""Assignment without a person deciding: a new ticket per its group's mode (manual, round-robin,
least-loaded), and an agent's unstarted tickets when they go away.

Candidates are the group's members who are available (active agents, not away); the choice itself
is :func:`core.domain.assignment.choose_assignee`. The system is the actor in the audit trail, and
the requester is told who took their ticket, in their language.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from core.domain.assignment import AssignmentMode, AwayAction, Candidate, choose_assignee
from core.domain.entities import Group, Person, Ticket
from core.domain.enums import Role, TicketStatus
from core.errors import InvalidInput
from core.i18n import gettext as _
from core.messages import Reply, bold, fill
from core.ports import UnitOfWork
from core.services import notify, workflow
from core.services.context import Actor, audit, require_role, system_actor
from core.services.status_changes import move

AWAY_BATCH = 500  # unstarted tickets handed back per /away


async def pick_agent(
    uow: UnitOfWork, group: Group, *, exclude: Collection[int] = ()
) -> Person | None:
    """The agent the group's mode gives the next ticket to, or None (manual, nobody free)."""
    if group.assignment_mode == AssignmentMode.MANUAL or group.id is None:
        return None
    # Locked and read afresh: two tickets opened at once must not both go to the same "next"
    # agent. Written first, so that re-reading the row loses no change of this transaction.
    await uow.flush()
    await uow.catalog.group_by_id(group.id, for_update=True)
    people: dict[int, Person] = {}
    for member in await uow.catalog.members(group.id):
        person = await uow.people.get(member.person_id)
        if person and person.id is not None and person.is_available and person.id not in exclude:
            people[person.id] = person
    loads = (
        await uow.routing.active_ticket_counts(list(people))
        if group.assignment_mode == AssignmentMode.LEAST_LOADED
        else {}
    )
    chosen = choose_assignee(
        group.assignment_mode,
        [Candidate(pid, loads.get(pid, 0)) for pid in people],
        last_assigned_id=group.last_assigned_id,
    )
    if chosen is None:
        return None
    group.last_assigned_id = chosen
    return people[chosen]


async def assign_new(uow: UnitOfWork, ticket: Ticket, group: Group | None) -> Person | None:
    """Give a just-opened ticket to an agent when its group assigns automatically. The caller
    tells the requester and refreshes the card (it does both once for the new ticket)."""
    if group is None:
        return None
    agent = await pick_agent(uow, group)
    if agent is None:
        return None
    audit(
        uow,
        system_actor(),
        ticket,
        "assigned",
        field="assignee",
        old=None,
        new=agent.id,
        mode=group.assignment_mode.value,
    )
    ticket.assignee_id = agent.id
    move(uow, system_actor(), ticket, TicketStatus.ASSIGNED)
    return agent


@dataclass
class AwayResult:
    """What going away did with the agent's unstarted tickets."""

    released: list[int] = field(default_factory=list)  # ticket numbers back in the queue
    reassigned: list[tuple[int, str]] = field(default_factory=list)  # (number, new agent)


async def go_away(uow: UnitOfWork, *, actor: Actor) -> AwayResult:
    """Mark the agent away (no new tickets) and hand back their unstarted tickets (assigned,
    no work begun): to the queue, or to another available agent where the group says so."""
    require_role(actor, Role.AGENT, doing="mark themselves away")
    person = await _agent(uow, actor)
    if person.away_since is not None:
        raise InvalidInput("You are already marked as away.")
    person.away_since = uow.clock.now()
    result = AwayResult()
    unstarted = await uow.tickets.search(
        statuses=[TicketStatus.ASSIGNED], assignee_id=actor.id, limit=AWAY_BATCH
    )
    system = system_actor()
    for ticket in unstarted:
        group = await uow.catalog.group_by_id(ticket.group_id) if ticket.group_id else None
        agent = None
        if group is not None and group.away_action == AwayAction.REASSIGN:
            agent = await pick_agent(uow, group, exclude={actor.id})
        audit(uow, system, ticket, "away_handback", agent=actor.id)
        if agent is not None:
            await workflow.assign(uow, actor=system, number=ticket.number, assignee_id=agent.id)
            result.reassigned.append((ticket.number, agent.display_name))
        else:
            await workflow.assign(uow, actor=system, number=ticket.number, assignee_id=None)
            await notify.tell_requester(uow, ticket, _back_in_queue(ticket))
            result.released.append(ticket.number)
    return result


async def come_back(uow: UnitOfWork, *, actor: Actor) -> None:
    """The agent is available again: new tickets may be assigned to them."""
    require_role(actor, Role.AGENT, doing="mark themselves away")
    person = await _agent(uow, actor)
    if person.away_since is None:
        raise InvalidInput("You are not marked as away.")
    person.away_since = None


async def _agent(uow: UnitOfWork, actor: Actor) -> Person:
    person = await uow.people.get(actor.id)
    assert person is not None
    return person


def _back_in_queue(ticket: Ticket) -> notify.ReplyBuilder:
    def build(language: str) -> Reply:
        text = _(
            language,
            "The agent on ticket {ticket} is away; the next free agent will take it over.",
        )
        return Reply(spans=fill(text, {"ticket": bold(f"#{ticket.number}")}))

    return build
