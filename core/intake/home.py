"""A person's overview of the desk, for a messenger's home screen (Slack's App Home): their
open and recent tickets; for agents also the unassigned queue and their own tickets."""

from __future__ import annotations

from dataclasses import dataclass

from core.domain.entities import Person, Ticket
from core.domain.enums import TicketStatus
from core.i18n import gettext as _
from core.intake.views import ticket_line
from core.ports import UnitOfWork

SHOWN = 10
ACTIVE = [s for s in TicketStatus if s.is_active]
DONE = [TicketStatus.RESOLVED, TicketStatus.CLOSED]


@dataclass(frozen=True, slots=True)
class HomeSection:
    title: str
    lines: tuple[str, ...]
    empty: str


async def home_sections(uow: UnitOfWork, person: Person | None, language: str) -> list[HomeSection]:
    """The sections to show, translated; a person not known yet sees an empty "your tickets"."""
    if person is None or person.id is None:
        return [HomeSection(_(language, "Your open tickets"), (), _(language, "None."))]

    def lines(found: list[Ticket]) -> tuple[str, ...]:
        return tuple(ticket_line(language, t) for t in found)

    mine_open = await uow.tickets.search(statuses=ACTIVE, requester_id=person.id, limit=SHOWN)
    mine_done = await uow.tickets.search(statuses=DONE, requester_id=person.id, limit=SHOWN)
    sections = [
        HomeSection(_(language, "Your open tickets"), lines(mine_open), _(language, "None.")),
        HomeSection(_(language, "Recently resolved"), lines(mine_done), _(language, "None.")),
    ]
    if person.is_agent:
        queue = await uow.tickets.search(statuses=ACTIVE, unassigned=True, limit=SHOWN)
        assigned = await uow.tickets.search(statuses=ACTIVE, assignee_id=person.id, limit=SHOWN)
        sections += [
            HomeSection(
                _(language, "Unassigned tickets"), lines(queue), _(language, "The queue is empty.")
            ),
            HomeSection(
                _(language, "Assigned to you"),
                lines(assigned),
                _(language, "You have no active tickets."),
            ),
        ]
    return sections
