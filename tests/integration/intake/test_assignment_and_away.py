"""Automatic assignment at creation (round-robin, least-loaded) with agents going away and coming
back from chat, and routing seen by a requester: a stop-list reply, a routed priority."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from core.domain.assignment import AssignmentMode, AwayAction
from core.domain.entities import GroupMember
from core.domain.enums import TicketStatus
from core.services import routing_rules, tickets
from core.services.context import Actor
from storage import tables
from storage.unit_of_work import Database
from tests.integration.intake.harness import ChatUser, Desk, buttons, user_id
from tests.support.desk import make_groups, make_person, open_ticket


async def _group_desk(
    db: Database, channel: str, mode: AssignmentMode, away: AwayAction
) -> tuple[Desk, list[ChatUser], Actor]:
    first, _ = await make_groups(db)
    desk = await Desk(db, channel=channel).start()
    agents = [await desk.agent(name, short) for name, short in (("Ann", "11"), ("Ben", "12"))]
    agents.append(await desk.agent("Cid", "13"))
    async with db.uow() as uow:
        for short in ("11", "12", "13"):
            person = await uow.people.by_identity(channel, user_id(channel, short))
            assert person is not None and person.id is not None and first.id is not None
            uow.add(GroupMember(group_id=first.id, person_id=person.id))
        await routing_rules.set_assignment(uow, group="service-desk", mode=mode, away=away)
        await uow.commit()
    rita = await make_person(db, "Rita", channel=channel, external_id="501")
    return desk, agents, rita


async def _assignees(db: Database) -> dict[int, str | None]:
    """ticket number → assignee name (None: unassigned)."""
    async with db.uow() as uow:
        rows = await uow.session.execute(  # type: ignore[attr-defined]
            select(tables.tickets.c.number, tables.people.c.display_name)
            .outerjoin(tables.people, tables.people.c.id == tables.tickets.c.assignee_id)
            .order_by(tables.tickets.c.number)
        )
        return dict(rows.all())


async def _open(db: Database, rita: Actor, count: int) -> list[int]:
    return [await open_ticket(db, rita, category="network") for _ in range(count)]


async def test_round_robin_skips_the_away_and_takes_them_back(db: Database, channel: str) -> None:
    desk, (ann, ben, _cid), rita = await _group_desk(
        db, channel, AssignmentMode.ROUND_ROBIN, AwayAction.RELEASE
    )
    first = await _open(db, rita, 4)
    assert [(await _assignees(db))[n] for n in first] == ["Ann", "Ben", "Cid", "Ann"]

    gone = await ben.command("/away", private=False)
    assert gone.texts() == [
        "You are marked as away: no new tickets will be assigned to you.",
        f"Back in the queue: #{first[1]}.",
    ]
    assignees = await _assignees(db)
    assert assignees[first[1]] is None
    await desk.worker.sweep()
    assert any(
        f"The agent on ticket #{first[1]} is away" in d.text for d in desk.sender.to(str(rita.id))
    )
    async with db.uow() as uow:
        released = await uow.tickets.get(first[1])
        assert released is not None and released.status == TicketStatus.OPEN
        assert released.id is not None
        trail = await uow.history.audit(released.id)
    handback = [a for a in trail if a.action in ("away_handback", "assigned")][-2:]
    assert [(a.action, a.actor_id, a.channel) for a in handback] == [
        ("away_handback", None, "system"),
        ("assigned", None, "system"),
    ]

    second = await _open(db, rita, 3)  # Ben is away: Cid, Ann, Cid
    assert [(await _assignees(db))[n] for n in second] == ["Cid", "Ann", "Cid"]
    assert (await ben.command("/away", private=False)).texts() == [
        "You are already marked as away."
    ]

    came = await ben.command("/back", private=False)
    assert came.texts() == ["Welcome back: new tickets can be assigned to you again."]
    third = await _open(db, rita, 2)  # after Cid comes Ann... the rotation goes on by id
    assert [(await _assignees(db))[n] for n in third] == ["Ann", "Ben"]
    assert (await ben.command("/back", private=False)).texts() == ["You are not marked as away."]


async def test_least_loaded_hands_an_away_agents_tickets_to_the_least_busy(
    db: Database, channel: str
) -> None:
    desk, (ann, ben, cid), rita = await _group_desk(
        db, channel, AssignmentMode.LEAST_LOADED, AwayAction.REASSIGN
    )
    first = await _open(db, rita, 3)
    assert [(await _assignees(db))[n] for n in first] == ["Ann", "Ben", "Cid"]
    await ann.command(f"/reply {first[0]} Looking into it", private=False)  # Ann has started
    gone = await cid.command("/away", private=False)  # loads: Ann 1, Ben 1 → Ann (lower id)
    assert gone.texts()[1:] == [f"Passed on to other agents: #{first[2]} → Ann."]
    more = await _open(db, rita, 2)  # loads: Ann 2, Ben 1 → Ben; then 2 and 2 → Ann
    assert [(await _assignees(db))[n] for n in more] == ["Ben", "Ann"]

    gone = await ann.command("/away", private=False)
    # Ann's started ticket stays hers; her unstarted ones go to the only one available: Ben
    assert gone.texts()[1:] == [f"Passed on to other agents: #{first[2]} → Ben, #{more[1]} → Ben."]
    assignees = await _assignees(db)
    assert [assignees[n] for n in (*first, *more)] == ["Ann", "Ben", "Ben", "Ben", "Ben"]
    await desk.worker.sweep()
    assert any(f"Ben is now working on your ticket #{more[1]}" in d.text for d in desk.sender.log)

    await cid.command("/back", private=False)
    (after_back,) = await _open(db, rita, 1)
    assert (await _assignees(db))[after_back] == "Cid"  # loads: Cid 0, Ben 4
    await ben.command("/away", private=False)
    await cid.command("/away", private=False)  # nobody is available: the ticket waits
    last = (await _open(db, rita, 1))[0]
    assert (await _assignees(db))[last] is None


async def test_non_agents_cannot_go_away(db: Database, channel: str) -> None:
    desk = await Desk(db, channel=channel).start()
    rita = desk.user("Rita", "501")
    refused = await rita.command("/away")
    assert refused.texts() == ["Sorry, this is only for the support team."]


async def test_a_stop_listed_request_gets_the_reply_and_no_ticket(
    db: Database, channel: str
) -> None:
    await make_groups(db)
    async with db.uow() as uow:
        await routing_rules.add_rule(
            uow, name="spam", keywords="lottery", stop_reply="We only handle work requests."
        )
        await routing_rules.add_rule(uow, name="outage", regex=r"\bdown\b", priority="P1")
        await uow.commit()
    desk = await Desk(db, channel=channel).start()
    rita = desk.user("Rita", "501")
    asked = await rita.command("/new You won the lottery")
    impact = await rita.press(buttons(asked)["Network"])
    urgency = await rita.press(buttons(impact)["Just me"])
    await rita.press(buttons(urgency)["It can wait"])
    created = await rita.press(buttons(await rita.press("done"))["Create"])
    assert created.texts() == ["We only handle work requests."]
    async with db.uow() as uow:
        count = await uow.session.execute(select(func.count()).select_from(tables.tickets))  # type: ignore[attr-defined]
        assert count.scalar_one() == 0

    asked = await rita.command("/new The whole network is down")
    impact = await rita.press(buttons(asked)["Network"])
    urgency = await rita.press(buttons(impact)["Just me"])
    await rita.press(buttons(urgency)["It can wait"])
    created = await rita.press(buttons(await rita.press("done"))["Create"])
    assert "ticket #1001 (priority: urgent)" in created.texts()[0]


async def test_the_dialogue_tells_who_took_an_automatically_assigned_ticket_once(
    db: Database, channel: str
) -> None:
    desk, _agents, _rita = await _group_desk(
        db, channel, AssignmentMode.ROUND_ROBIN, AwayAction.RELEASE
    )
    sam = desk.user("Sam", "502")
    asked = await sam.command("/new Keyboard is missing keys")
    impact = await sam.press(buttons(asked)["Network"])
    urgency = await sam.press(buttons(impact)["Just me"])
    await sam.press(buttons(urgency)["It can wait"])
    created = await sam.press(buttons(await sam.press("done"))["Create"])
    assert created.texts()[1:] == ["Ann is now working on your ticket #1001."]
    assert sum("is now working on your ticket" in text for text in sam.inbox()) == 1
    async with db.uow() as uow:
        ticket = await uow.tickets.get(1001)
        assert ticket is not None and ticket.status == TicketStatus.ASSIGNED


async def test_round_robin_reads_the_group_afresh_under_a_lock(
    db: Database, channel: str, backend: str
) -> None:
    """A transaction that read the group before another one assigned a ticket still moves on to
    the next agent (the group row is locked and re-read when choosing)."""
    if backend == "sqlite":
        pytest.skip("SQLite keeps one connection: two transactions cannot overlap")
    _desk, _agents, rita = await _group_desk(
        db, channel, AssignmentMode.ROUND_ROBIN, AwayAction.RELEASE
    )
    request = tickets.NewTicket(title="VPN", description="down", category="network")
    async with db.uow() as late:
        seen = await late.catalog.group("service-desk")  # read (and kept) before the other
        async with db.uow() as early:
            await tickets.open_ticket(early, actor=rita, request=request)
            await early.commit()
        await tickets.open_ticket(late, actor=rita, request=request)
        await late.commit()
    assert seen is not None
    assert list((await _assignees(db)).values()) == ["Ann", "Ben"]


async def test_the_stop_list_reply_follows_the_requesters_language(
    db: Database, channel: str
) -> None:
    """The rule's reply in the requester's language when it has one, else its one text."""
    await make_groups(db)
    async with db.uow() as uow:
        await routing_rules.add_rule(
            uow,
            name="spam",
            keywords="lottery, лотерея",
            stop_reply="We only handle work requests.",
            stop_replies={"ru": "Мы принимаем только рабочие обращения."},
        )
        await uow.commit()
    desk = await Desk(db, channel=channel).start()

    async def refused(user: ChatUser, question: str) -> list[str]:
        said = await user.command(f"/new {question}")
        for _ in range(3):  # category, impact, urgency: the first choice each time
            said = await user.press(next(iter(buttons(said).values())))
        summary = buttons(await user.press("done"))
        create = next(action for action in summary.values() if "create" in action)
        return (await user.press(create)).texts()

    rita = desk.user("Rita", "501")
    assert await refused(rita, "You won the lottery") == ["We only handle work requests."]
    ivan = desk.user("Иван", "502", language="ru")
    assert await refused(ivan, "Лотерея: вы выиграли") == ["Мы принимаем только рабочие обращения."]
