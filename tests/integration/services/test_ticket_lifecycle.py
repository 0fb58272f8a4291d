"""A ticket's life through the use cases, read back from the audit trail and the outbox."""

from __future__ import annotations

from sqlalchemy import func, select

from core.domain.entities import OutboxMessage
from core.domain.enums import MessageKind, Priority, Role, TicketStatus
from core.messages import reply_from_payload
from core.services import tickets, workflow
from storage import tables
from storage.unit_of_work import Database
from tests.support.clock import FakeClock
from tests.support.desk import make_groups, make_person, open_ticket


async def test_full_history_is_read_back_from_the_audit_trail(
    db: Database, clock: FakeClock
) -> None:
    await make_groups(db)
    rita = await make_person(db, "Rita")
    alice = await make_person(db, "Alice", role=Role.AGENT, external_id="11")
    number = await open_ticket(db, rita, category="network")

    steps = [
        lambda uow: workflow.claim(uow, actor=alice, number=number),
        lambda uow: workflow.set_priority(uow, actor=alice, number=number, priority=Priority.P2),
        lambda uow: tickets.add_note(uow, actor=alice, number=number, body="router firmware?"),
        lambda uow: tickets.reply(uow, actor=alice, number=number, body="Which office are you in?"),
        lambda uow: workflow.change_status(
            uow, actor=alice, number=number, status=TicketStatus.WAITING
        ),
        lambda uow: tickets.reply(uow, actor=rita, number=number, body="Berlin, 3rd floor"),
        lambda uow: workflow.resolve(
            uow, actor=alice, number=number, resolution="Replaced the access point"
        ),
        lambda uow: workflow.reopen(uow, actor=rita, number=number, reason="still drops"),
        lambda uow: workflow.escalate(uow, actor=alice, number=number, reason="needs network team"),
    ]
    for step in steps:
        clock.advance(minutes=5)
        async with db.uow() as uow:
            await step(uow)
            await uow.commit()

    async with db.uow() as uow:
        ticket = await uow.tickets.get(number)
        assert ticket is not None
        history = await uow.history.audit(ticket.id)
        trail = [(a.action, a.field, a.old_value, a.new_value) for a in history]
        assert trail == [
            ("opened", None, None, None),
            ("claimed", "assignee", None, str(alice.id)),
            ("status_changed", "status", "new", "assigned"),
            ("priority_changed", "priority", "P3", "P2"),
            ("noted", None, None, None),
            ("replied", None, None, None),
            ("status_changed", "status", "assigned", "in_progress"),
            ("status_changed", "status", "in_progress", "waiting"),
            ("replied", None, None, None),
            ("status_changed", "status", "waiting", "in_progress"),
            ("resolution_set", "resolution", None, "Replaced the access point"),
            ("status_changed", "status", "in_progress", "resolved"),
            ("reopened", "status", "resolved", "in_progress"),
            ("reopen_reason", None, None, "still drops"),
            ("escalated", "line", "1", "2"),
            ("group_changed", "group", "service-desk", "infrastructure"),
            ("released", "assignee", str(alice.id), None),
            ("status_changed", "status", "in_progress", "open"),
        ]
        times = [a.created_at for a in history]
        assert times == sorted(times) and times[0] < times[-1]
        assert {a.channel for a in history} == {"telegram"}
        assert history[0].actor_id == rita.id and history[1].actor_id == alice.id
        assert ticket.status is TicketStatus.OPEN and ticket.assignee_id is None
        assert ticket.first_response_at is not None and ticket.resolved_at is None

        messages = await uow.history.messages(ticket.id)
        assert [(m.kind, m.body) for m in messages] == [
            (MessageKind.INTERNAL, "router firmware?"),
            (MessageKind.PUBLIC, "Which office are you in?"),
            (MessageKind.PUBLIC, "Berlin, 3rd floor"),
        ]
        public = await uow.history.messages(ticket.id, include_internal=False)
        assert all(m.kind is MessageKind.PUBLIC for m in public)

        outbox = (
            (await uow.session.execute(select(OutboxMessage).order_by(tables.outbox.c.id)))
            .scalars()
            .all()
        )
        told = [reply_from_payload(m.payload).plain_text() for m in outbox]
        assert all(m.recipient == str(rita.id) and m.channel == "telegram" for m in outbox)
        assert told[0] == f"Your request is registered as ticket #{number}."
        assert told[1] == f"Alice is now working on your ticket #{number}."
        assert "Which office are you in?" in told[2]
        assert not any("router firmware" in text for text in told), (
            "internal notes never reach the requester"
        )
        assert any("Replaced the access point" in text for text in told)


async def test_rating_closes_and_comment_is_kept(db: Database) -> None:
    rita = await make_person(db, "Rita")
    alice = await make_person(db, "Alice", role=Role.AGENT, external_id="11")
    number = await open_ticket(db, rita)
    async with db.uow() as uow:
        await workflow.resolve(uow, actor=alice, number=number, resolution="done")
        await uow.commit()
    async with db.uow() as uow:
        outbox = (
            (await uow.session.execute(select(OutboxMessage).order_by(tables.outbox.c.id.desc())))
            .scalars()
            .first()
        )
        assert outbox is not None
        buttons = [b.action for row in reply_from_payload(outbox.payload).buttons for b in row]
        assert buttons == [f"rate:{number}:{s}" for s in range(1, 6)] + [f"reopen:{number}"]
    async with db.uow() as uow:
        await workflow.rate(uow, actor=rita, number=number, score=5)
        await uow.commit()
    async with db.uow() as uow:
        await workflow.rate(uow, actor=rita, number=number, comment="Quick and friendly")
        await uow.commit()
    async with db.uow() as uow:
        ticket = await uow.tickets.get(number)
        assert ticket is not None
        assert (ticket.rating_score, ticket.rating_comment, ticket.status) == (
            5,
            "Quick and friendly",
            TicketStatus.CLOSED,
        )
        assert ticket.closed_at is not None and ticket.resolved_at is not None


async def test_duplicate_is_linked_and_closed(db: Database) -> None:
    rita = await make_person(db, "Rita")
    alice = await make_person(db, "Alice", role=Role.AGENT, external_id="11")
    first = await open_ticket(db, rita)
    second = await open_ticket(db, rita, title="VPN again")
    async with db.uow() as uow:
        await workflow.mark_duplicate(uow, actor=alice, number=second, of_number=first)
        await uow.commit()
    async with db.uow() as uow:
        dup = await uow.tickets.get(second)
        original = await uow.tickets.get(first)
        assert dup is not None and original is not None and dup.status is TicketStatus.CLOSED
        links = await uow.history.links(dup.id)
        assert [(link.kind.value, link.target_ticket_id) for link in links] == [
            ("duplicate_of", original.id)
        ]


async def test_assign_and_queue_order(db: Database) -> None:
    rita = await make_person(db, "Rita")
    alice = await make_person(db, "Alice", role=Role.AGENT, external_id="11", username="alice")
    bob = await make_person(db, "Bob", role=Role.AGENT, external_id="12", username="bob")
    low = await open_ticket(db, rita, title="low")
    async with db.uow() as uow:
        urgent = await tickets.open_ticket(
            uow,
            actor=alice,
            requester_id=rita.id,
            request=tickets.NewTicket(title="urgent", description="x", priority=Priority.P1),
        )
        await uow.commit()
    async with db.uow() as uow:
        queue = await uow.tickets.search(
            unassigned=True, statuses=[TicketStatus.NEW, TicketStatus.OPEN]
        )
        assert [t.number for t in queue] == [urgent.number, low]
        target = await uow.people.find("@bob")
        assert target is not None and target.id == bob.id
        await workflow.assign(uow, actor=alice, number=low, assignee_id=bob.id)
        await uow.commit()
    async with db.uow() as uow:
        ticket = await uow.tickets.get(low)
        assert (
            ticket is not None
            and ticket.assignee_id == bob.id
            and ticket.status is TicketStatus.ASSIGNED
        )
        count = (
            await uow.session.execute(select(func.count()).select_from(tables.audit_entries))
        ).scalar_one()
        assert count >= 4
