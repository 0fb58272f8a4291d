"""Small builders for tests: people, groups, categories and tickets in a real database."""

from __future__ import annotations

from core.domain.entities import Category, Group, Person
from core.domain.enums import Role, SupportLine, TicketType
from core.services import people, tickets
from core.services.context import Actor, operator
from storage.unit_of_work import Database


async def make_person(
    db: Database,
    name: str,
    *,
    role: Role = Role.REQUESTER,
    channel: str = "telegram",
    external_id: str | None = None,
    username: str | None = None,
    language: str = "en",
) -> Actor:
    external_id = external_id or str(abs(hash(name)) % 10**9)
    async with db.uow() as uow:
        if role >= Role.AGENT:
            person = await people.add_agent(
                uow,
                actor=operator(),
                display_name=name,
                channel=channel,
                external_id=external_id,
                username=username,
                role=role,
                language=language,
            )
        else:
            person = await people.requester_for(
                uow,
                channel=channel,
                external_id=external_id,
                display_name=name,
                language=language,
                username=username,
            )
        await uow.commit()
    return Actor(person, channel)


async def make_groups(db: Database) -> tuple[Group, Group]:
    async with db.uow() as uow:
        second = Group(name="infrastructure", line=SupportLine.SECOND)
        uow.add(second)
        await uow.flush()
        first = Group(name="service-desk", line=SupportLine.FIRST, escalation_group_id=second.id)
        uow.add(first)
        await uow.flush()
        uow.add(
            Category(
                slug="network",
                name="Network",
                default_group_id=first.id,
                default_type=TicketType.INCIDENT,
                labels={"ru": "Сеть"},
            )
        )
        await uow.commit()
    return first, second


async def open_ticket(
    db: Database,
    actor: Actor,
    title: str = "VPN keeps dropping",
    description: str = "It disconnects every 10 minutes",
    **extra: object,
) -> int:
    async with db.uow() as uow:
        ticket = await tickets.open_ticket(
            uow,
            actor=actor,
            request=tickets.NewTicket(
                title=title, description=description, conversation_ref=str(actor.id), **extra
            ),  # type: ignore[arg-type]
        )
        await uow.commit()
    return ticket.number


def person_of(actor: Actor) -> Person:
    return actor.person
