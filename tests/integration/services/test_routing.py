"""Routing at ticket creation: rules from the database in order, category → default group,
keyword and regex rules, stop-list rules; the system named in the audit trail."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from core.domain.entities import Category, Group
from core.domain.enums import Priority, Role, SupportLine, TicketType
from core.errors import ConfigurationError
from core.services import routing_rules, tickets
from core.services.ticket_routing import StopListed
from storage import tables
from storage.unit_of_work import Database
from tests.support.desk import make_groups, make_person, open_ticket


async def _desk(db: Database) -> None:
    first, _second = await make_groups(db)
    async with db.uow() as uow:
        uow.add(Group(name="hardware", line=SupportLine.FIRST))
        await uow.flush()
        uow.add(Category(slug="printers", name="Printers", default_group_id=first.id))
        await uow.flush()
        await routing_rules.add_rule(
            uow, name="vpn", keywords="vpn, remote access", category="network", priority="P2"
        )
        await routing_rules.add_rule(
            uow, name="toner", regex=r"\btoner\b|\bprinter\s+jam", category="printers"
        )
        await routing_rules.add_rule(
            uow, name="paper", keywords="paper", group="hardware", ticket_type="service_request"
        )
        await routing_rules.add_rule(
            uow, name="spam", keywords="crypto giveaway", stop_reply="We only handle IT requests."
        )
        await uow.commit()


async def _ticket_facts(db: Database, number: int) -> tuple[str | None, str | None, str, str]:
    async with db.uow() as uow:
        ticket = await uow.tickets.get(number)
        assert ticket is not None
        category = await uow.catalog.category_by_id(ticket.category_id or 0)
        group = await uow.catalog.group_by_id(ticket.group_id or 0)
        return (
            category.slug if category else None,
            group.name if group else None,
            ticket.priority.value,
            ticket.type.value,
        )


async def test_rules_set_category_group_priority_and_type_in_order(db: Database) -> None:
    await _desk(db)
    rita = await make_person(db, "Rita")
    vpn = await open_ticket(db, rita, "VPN drops", "Remote access fails at home")
    # the category's default group follows the category; the rule's priority beats impact × urgency
    assert await _ticket_facts(db, vpn) == ("network", "service-desk", "P2", "incident")
    toner = await open_ticket(db, rita, "Printer jam on floor 3", "paper everywhere")
    # both "toner" and "paper" match: category from the first, group and type from the second
    assert await _ticket_facts(db, toner) == (
        "printers",
        "hardware",
        "P3",
        "service_request",
    )
    plain = await open_ticket(db, rita, "Mail quota", "My mailbox is full")
    assert await _ticket_facts(db, plain) == (None, None, "P3", "incident")
    async with db.uow() as uow:
        ticket = await uow.tickets.get(toner)
        assert ticket is not None and ticket.id is not None
        routed = [a for a in await uow.history.audit(ticket.id) if a.action == "routed"]
    assert len(routed) == 1
    assert routed[0].actor_id is None and routed[0].channel == "system"
    assert routed[0].details["rules"] == ["toner", "paper"]
    assert routed[0].details["group"] == "hardware"


async def test_a_chosen_category_and_an_agents_priority_stand(db: Database) -> None:
    await _desk(db)
    rita = await make_person(db, "Rita")
    alice = await make_person(db, "Alice", role=Role.AGENT, external_id="11")
    chosen = await open_ticket(db, rita, "VPN and toner", "both", category="printers")
    assert (await _ticket_facts(db, chosen))[:3] == ("printers", "service-desk", "P2")
    async with db.uow() as uow:
        by_agent = await tickets.open_ticket(
            uow,
            actor=alice,
            request=tickets.NewTicket(
                title="vpn down", description="x", priority=Priority.P1, type=TicketType.QUESTION
            ),
            requester_id=rita.id,
        )
        await uow.commit()
    assert await _ticket_facts(db, by_agent.number) == ("network", "service-desk", "P1", "question")


async def test_a_stop_list_rule_creates_no_ticket(db: Database) -> None:
    await _desk(db)
    rita = await make_person(db, "Rita")
    with pytest.raises(StopListed) as refused:
        await open_ticket(db, rita, "Free CRYPTO giveaway!", "click here")
    assert refused.value.translated("en") == "We only handle IT requests."
    async with db.uow() as uow:
        count = await uow.session.execute(select(func.count()).select_from(tables.tickets))  # type: ignore[attr-defined]
        assert count.scalar_one() == 0
        assert await uow.tickets.next_number() == 1001  # not even a number was used


async def test_an_inactive_rule_and_a_moved_rule(db: Database) -> None:
    await _desk(db)
    async with db.uow() as uow:
        await routing_rules.add_rule(
            uow, name="off", keywords="mailbox", priority="P1", active=False, position=1
        )
        await routing_rules.move_rule(uow, name="paper", position=1)
        await uow.commit()
        names = [(r.position, r.name) for r in await uow.routing.rules()]
    assert names == [(1, "paper"), (2, "off"), (3, "vpn"), (4, "toner"), (5, "spam")]
    rita = await make_person(db, "Rita")
    mail = await open_ticket(db, rita, "Mailbox full", "quota")
    assert (await _ticket_facts(db, mail))[2] == "P3"


BAD_RULES = (
    ({"name": "x", "regex": "(unclosed", "priority": "P1"}, "does not compile"),
    ({"name": "x", "regex": "(a+)+$", "priority": "P1"}, "could hang"),
    ({"name": "x", "keywords": "a", "group": "nope"}, "unknown group 'nope'"),
    ({"name": "x", "keywords": "a", "category": "nope"}, "unknown category 'nope'"),
    ({"name": "x", "keywords": "a", "priority": "P9"}, "Unknown priority 'P9'"),
    ({"name": "x", "keywords": "a", "ticket_type": "wish"}, "Unknown ticket type 'wish'"),
    ({"name": "x", "keywords": "a"}, "sets nothing"),
    ({"name": "x", "keywords": "a", "regex": "b", "priority": "P1"}, "either keywords or a regex"),
    ({"name": "vpn", "keywords": "a", "priority": "P1"}, "already"),
    ({"name": "x", "keywords": "a", "priority": "P1", "position": 9}, "between 1 and 5"),
)


async def test_bad_rules_are_refused_and_change_nothing(db: Database) -> None:
    await _desk(db)
    async with db.uow() as uow:
        before = await uow.routing.rules()
    for arguments, message in BAD_RULES:
        async with db.uow() as uow:
            with pytest.raises(ConfigurationError) as refused:
                await routing_rules.add_rule(uow, **arguments)  # type: ignore[arg-type]
            assert message in str(refused.value), (arguments, str(refused.value))
    async with db.uow() as uow:
        assert await uow.routing.rules() == before
