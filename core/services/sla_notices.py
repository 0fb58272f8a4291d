"""What the clockwork tells people: SLA warnings and breaches to agents, follow-ups to requesters.

Every message goes to the outbox in the sweep's transaction. Agents' notices go to their rooms
(in each room's language) and, where a person is meant (the assignee, supervisors), to that
person's own chat on their first channel, in their language.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from core.domain.entities import Identity, Person, Ticket
from core.domain.enums import Role
from core.domain.sla import Escalation
from core.domain.sla_clock import ClockEvent
from core.errors import ChatdeskError
from core.i18n import gettext as _
from core.messages import Reply, Span, bold
from core.ports import AgentRoom, UnitOfWork
from core.services.notify import ReplyBuilder, queue_reply, rating_buttons
from core.services.time_left import moment, span


@dataclass(frozen=True, slots=True)
class Escalated:
    """What a breach's escalation did: ``how`` it went and to what (a group, priority, name),
    or the reason it could not."""

    how: Escalation
    to: str = ""
    refused: ChatdeskError | None = None

    def text(self, language: str) -> str:
        if self.refused is not None:
            return _(language, "Not escalated: {reason}", reason=self.refused.translated(language))
        if self.how == Escalation.SECOND_LINE:
            return _(language, "Escalated to {group}.", group=self.to)
        if self.how == Escalation.RAISE_PRIORITY:
            return _(language, "Priority raised to {priority}.", priority=self.to)
        return _(language, "Reassigned to supervisor {name}.", name=self.to)


def sla_notice(
    ticket: Ticket,
    event: ClockEvent,
    *,
    due: datetime,
    zone: ZoneInfo,
    now: datetime,
    escalated: Escalated | None = None,
) -> ReplyBuilder:
    """A warning (⏰) or a breach (🚨) for agents, with what the escalation did."""

    def build(language: str) -> Reply:
        values = {
            "ticket": f"#{ticket.number}",
            "priority": ticket.priority.value,
            "left": span(language, due - now),
            "time": moment(language, due, zone=zone, now=now),
        }
        if event == ClockEvent.RESPONSE_WARNING:
            text = _(
                language,
                "Ticket {ticket} ({priority}) needs a first response within {left} (by {time}).",
                **values,
            )
        elif event == ClockEvent.RESOLUTION_WARNING:
            text = _(
                language,
                "Ticket {ticket} ({priority}) must be resolved within {left} (by {time}).",
                **values,
            )
        elif event == ClockEvent.RESPONSE_BREACH:
            text = _(
                language,
                "Ticket {ticket} ({priority}) missed its first-response target (due {time}).",
                **values,
            )
        else:
            text = _(
                language,
                "Ticket {ticket} ({priority}) missed its resolution target (due {time}).",
                **values,
            )
        breach = event in (ClockEvent.RESPONSE_BREACH, ClockEvent.RESOLUTION_BREACH)
        spans = [Span("🚨 " if breach else "⏰ "), bold(text)]
        if escalated is not None:
            spans.append(Span("\n" + escalated.text(language)))
        return Reply(spans=tuple(spans))

    return build


def waiting_reminder(ticket: Ticket, *, closes_at: datetime | None, zone: ZoneInfo) -> ReplyBuilder:
    def build(language: str) -> Reply:
        text = _(
            language,
            "Ticket {ticket} is still waiting for your answer. Just reply here.",
            ticket=f"#{ticket.number}",
        )
        if closes_at is not None:
            text += " " + _(
                language,
                "Without an answer it will be closed on {date}.",
                date=closes_at.astimezone(zone).strftime("%Y-%m-%d"),
            )
        return Reply(spans=(Span(text),))

    return build


def resolved_without_answer(ticket: Ticket) -> ReplyBuilder:
    def build(language: str) -> Reply:
        text = _(
            language,
            "Ticket {ticket} was resolved because we did not hear back from you. Reply here if "
            "you still need help.",
            ticket=f"#{ticket.number}",
        )
        return Reply(spans=(Span(text),))

    return build


def rating_reminder(ticket: Ticket) -> ReplyBuilder:
    def build(language: str) -> Reply:
        text = _(
            language,
            "How did we do on ticket {ticket}? Please rate the solution:",
            ticket=f"#{ticket.number}",
        )
        return Reply(spans=(Span(text),), buttons=rating_buttons(ticket, language))

    return build


def closed_automatically(ticket: Ticket) -> ReplyBuilder:
    def build(language: str) -> Reply:
        text = _(
            language,
            "Ticket {ticket} is closed: it was resolved and nobody reopened it. Write to us any "
            "time.",
            ticket=f"#{ticket.number}",
        )
        return Reply(spans=(Span(text),))

    return build


@dataclass(frozen=True, slots=True)
class Contacts:
    """Whom a sweep's notices go to, read once for a whole batch of tickets: the agents' rooms,
    the supervisors, and the people concerned (assignees, requesters, supervisors) with their
    identities. Reading them per ticket made a sweep of 1,000 warnings take half a minute."""

    rooms: list[AgentRoom]
    supervisors: list[Person]
    people: dict[int, Person]
    identities: dict[int, list[Identity]]

    @classmethod
    async def load(cls, uow: UnitOfWork, tickets: Sequence[Ticket]) -> Contacts:
        supervisors = await uow.people.with_role(Role.SUPERVISOR)
        agents = {t.assignee_id for t in tickets if t.assignee_id is not None}
        agents |= {s.id for s in supervisors if s.id is not None}
        # Requesters too: later reads of them (their language) then come from the session.
        people = await uow.people.get_many(agents | {t.requester_id for t in tickets})
        identities = await uow.people.identities_of(agents)
        return cls(await uow.rooms.all(), supervisors, people, identities)


def tell_rooms(uow: UnitOfWork, contacts: Contacts, ticket: Ticket, build: ReplyBuilder) -> None:
    """Every agents' room, each in its language."""
    for room in contacts.rooms:
        queue_reply(uow, room.channel, room.chat_ref, build(room.language), ticket_id=ticket.id)


def tell_person(
    uow: UnitOfWork, contacts: Contacts, person_id: int, ticket: Ticket, build: ReplyBuilder
) -> bool:
    """A person's own chat on their first channel; False when they have none."""
    person = contacts.people.get(person_id)
    identities = contacts.identities.get(person_id)
    if person is None or not identities:
        return False
    first = identities[0]
    queue_reply(uow, first.channel, first.external_id, build(person.language), ticket_id=ticket.id)
    return True


def tell_supervisors(
    uow: UnitOfWork, contacts: Contacts, ticket: Ticket, build: ReplyBuilder
) -> None:
    for supervisor in contacts.supervisors:
        if supervisor.id is not None and supervisor.id != ticket.assignee_id:
            tell_person(uow, contacts, supervisor.id, ticket, build)
