"""What a breach does to the ticket, per its policy: second line, higher priority, or a supervisor.

The system acts (no person): the audit trail names the ``system`` channel and no actor, and the
requester is told in their language by the same use cases an agent would use.
"""

from __future__ import annotations

from core.domain.entities import Person, Ticket
from core.domain.enums import Priority, Role
from core.domain.sla import Escalation, raised
from core.errors import ChatdeskError, InvalidInput
from core.ports import UnitOfWork
from core.services import workflow
from core.services.context import system_actor
from core.services.sla_notices import Escalated


async def escalate_breach(uow: UnitOfWork, ticket: Ticket, how: Escalation) -> Escalated | None:
    """Apply ``how`` to a breached ticket; what happened, or None for :attr:`Escalation.NONE`."""
    if how == Escalation.NONE:
        return None
    actor = system_actor()
    try:
        if how == Escalation.SECOND_LINE:
            await workflow.escalate(
                uow, actor=actor, number=ticket.number, reason="SLA target missed"
            )
            group = await uow.catalog.group_by_id(ticket.group_id) if ticket.group_id else None
            return Escalated(how, group.name if group else "")
        if how == Escalation.RAISE_PRIORITY:
            if ticket.priority == Priority.P1:
                raise InvalidInput("Ticket #{number} is already P1.", number=ticket.number)
            target = raised(ticket.priority)
            await workflow.set_priority(uow, actor=actor, number=ticket.number, priority=target)
            return Escalated(how, target.value)
        supervisor = await _least_busy_supervisor(uow, ticket)
        await workflow.assign(uow, actor=actor, number=ticket.number, assignee_id=supervisor.id)
        return Escalated(how, supervisor.display_name)
    except ChatdeskError as refused:
        return Escalated(how, refused=refused)


async def _least_busy_supervisor(uow: UnitOfWork, ticket: Ticket) -> Person:
    candidates = [
        person
        for person in await uow.people.with_role(Role.SUPERVISOR)
        if person.id is not None and person.is_available and person.id != ticket.assignee_id
    ]
    if not candidates:
        raise InvalidInput(
            "No available supervisor to reassign ticket #{number} to.", number=ticket.number
        )
    loads = await uow.routing.active_ticket_counts([p.id for p in candidates if p.id is not None])
    return min(candidates, key=lambda p: (loads.get(p.id or 0, 0), p.id or 0))
