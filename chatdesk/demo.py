"""Demo data: groups, categories, agents, requesters and tickets with a history. Idempotent."""

from __future__ import annotations

from core.domain.entities import Category, Group
from core.domain.enums import Level, Role, SupportLine, TicketType
from core.ports import UnitOfWork
from core.services import people, tickets, workflow
from core.services.context import Actor, operator
from storage.unit_of_work import Database

GROUPS = [
    # name, line, escalates to
    ("infrastructure", SupportLine.SECOND, None, "Networks, servers, VPN, storage"),
    ("applications", SupportLine.SECOND, None, "Business applications, licences, access rights"),
    ("service-desk", SupportLine.FIRST, "infrastructure", "First line: every request starts here"),
]
CATEGORIES = [
    # slug, English name, Russian name, group, default type
    (
        "access",
        "Accounts and access",
        "Учётные записи и доступ",
        "service-desk",
        TicketType.SERVICE_REQUEST,
    ),
    ("email", "E-mail and calendar", "Почта и календарь", "service-desk", TicketType.INCIDENT),
    ("network", "Network and VPN", "Сеть и VPN", "service-desk", TicketType.INCIDENT),
    (
        "hardware",
        "Computers and devices",
        "Компьютеры и устройства",
        "service-desk",
        TicketType.INCIDENT,
    ),
    ("printing", "Printing", "Печать", "service-desk", TicketType.INCIDENT),
    (
        "software",
        "Software and licences",
        "Программы и лицензии",
        "applications",
        TicketType.SERVICE_REQUEST,
    ),
    ("other", "Something else", "Другое", "service-desk", TicketType.QUESTION),
]
AGENTS = [
    # name, telegram id, username, role, line, groups
    ("Alice Agent", "700001", "alice", Role.AGENT, SupportLine.FIRST, ("service-desk",)),
    ("Boris Builov", "700002", "boris", Role.AGENT, SupportLine.SECOND, ("infrastructure",)),
    (
        "Chen Supervisor",
        "700003",
        "chen",
        Role.SUPERVISOR,
        SupportLine.SECOND,
        ("service-desk", "applications"),
    ),
]
REQUESTERS = [("Rita Requester", "800001", "en"), ("Иван Петров", "800002", "ru")]


async def load_demo(database: Database) -> dict[str, int]:
    """Create whatever of the demo is missing; return how many of each thing were created."""
    created = {"groups": 0, "categories": 0, "agents": 0, "tickets": 0}
    async with database.uow() as uow:
        created["groups"] = await _groups(uow)
        created["categories"] = await _categories(uow)
        await uow.commit()
    async with database.uow() as uow:
        for name, tg_id, username, role, line, groups in AGENTS:
            if await uow.people.by_identity("telegram", tg_id) is None:
                created["agents"] += 1
            await people.add_agent(
                uow,
                actor=operator(),
                display_name=name,
                channel="telegram",
                external_id=tg_id,
                username=username,
                role=role,
                line=line,
                groups=groups,
            )
        await uow.commit()
    async with database.uow() as uow:
        if await uow.tickets.search(limit=1):
            return created
        created["tickets"] = await _tickets(uow)
        await uow.commit()
    return created


async def _groups(uow: UnitOfWork) -> int:
    made = 0
    for name, line, escalates_to, description in GROUPS:
        if await uow.catalog.group(name) is None:
            target = await uow.catalog.group(escalates_to) if escalates_to else None
            uow.add(
                Group(
                    name=name,
                    line=line,
                    escalation_group_id=target.id if target else None,
                    description=description,
                )
            )
            await uow.flush()
            made += 1
    return made


async def _categories(uow: UnitOfWork) -> int:
    made = 0
    for order, (slug, name, name_ru, group_name, kind) in enumerate(CATEGORIES):
        if await uow.catalog.category(slug) is None:
            group = await uow.catalog.group(group_name)
            uow.add(
                Category(
                    slug=slug,
                    name=name,
                    labels={"en": name, "ru": name_ru},
                    sort_order=order,
                    default_group_id=group.id if group else None,
                    default_type=kind,
                )
            )
            made += 1
    await uow.flush()
    return made


async def _tickets(uow: UnitOfWork) -> int:
    requesters = []
    for name, tg_id, language in REQUESTERS:
        person = await people.requester_for(
            uow, channel="telegram", external_id=tg_id, display_name=name, language=language
        )
        requesters.append(Actor(person, "telegram"))
    rita, ivan = requesters
    alice = Actor(await _agent(uow, "700001"), "telegram")
    boris = Actor(await _agent(uow, "700002"), "telegram")

    async def new(
        actor: Actor, title: str, description: str, category: str, impact: Level, urgency: Level
    ) -> int:
        ticket = await tickets.open_ticket(
            uow,
            actor=actor,
            request=tickets.NewTicket(
                title=title,
                description=description,
                category=category,
                impact=impact,
                urgency=urgency,
                conversation_ref=None,
            ),
        )
        return ticket.number

    vpn = await new(
        rita,
        "VPN keeps dropping",
        "The VPN disconnects every ten minutes since Monday.",
        "network",
        Level.MEDIUM,
        Level.HIGH,
    )
    printer = await new(
        ivan,
        "Принтер на 3 этаже не печатает",
        "Пишет «нет бумаги», но бумага есть.",
        "printing",
        Level.MEDIUM,
        Level.MEDIUM,
    )
    mailbox = await new(
        rita,
        "Mailbox full",
        "Outlook says my mailbox is full and I cannot send mail.",
        "email",
        Level.LOW,
        Level.HIGH,
    )
    await new(
        ivan,
        "Нужен доступ к 1С",
        "Прошу выдать доступ к 1С:Бухгалтерия для отдела продаж.",
        "access",
        Level.LOW,
        Level.MEDIUM,
    )
    await workflow.claim(uow, actor=alice, number=vpn)
    await tickets.reply(
        uow, actor=alice, number=vpn, body="Which Wi-Fi network are you on when it drops?"
    )
    await tickets.reply(
        uow, actor=rita, number=vpn, body="Home Wi-Fi, and the office guest network."
    )
    await workflow.escalate(
        uow, actor=alice, number=vpn, reason="Looks like the VPN gateway, not the client"
    )
    await workflow.claim(uow, actor=boris, number=vpn)
    await workflow.claim(uow, actor=alice, number=mailbox)
    await workflow.resolve(
        uow, actor=alice, number=mailbox, resolution="Archived mail older than two years."
    )
    await workflow.rate(
        uow, actor=rita, number=mailbox, score=5, comment="Fixed in five minutes, thank you!"
    )
    await tickets.add_note(
        uow, actor=alice, number=printer, body="Paper sensor, probably. Check on Thursday."
    )
    return 4


async def _agent(uow: UnitOfWork, telegram_id: str):  # type: ignore[no-untyped-def]
    person = await uow.people.by_identity("telegram", telegram_id)
    assert person is not None
    return person
