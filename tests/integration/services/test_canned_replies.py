"""Canned replies as a use case: who may keep them, how templates are checked before they are
stored, previews, and sending one as the agent's reply on a ticket."""

from __future__ import annotations

import pytest

from core.domain.enums import Role
from core.errors import InvalidInput, NotFound, PermissionDenied
from core.services import canned_replies, workflow
from core.services.context import operator
from storage.unit_of_work import Database
from tests.support.desk import make_person, open_ticket


async def test_supervisors_keep_canned_replies_and_agents_only_send_them(db: Database) -> None:
    agent = await make_person(db, "Alice Agent", role=Role.AGENT)
    boss = await make_person(db, "Sam Supervisor", role=Role.SUPERVISOR)
    async with db.uow() as uow:
        with pytest.raises(PermissionDenied):
            await canned_replies.save(uow, actor=agent, name="hello", body="Hello!")
        saved = await canned_replies.save(uow, actor=boss, name="Hello", body="  Hello!  ")
        await uow.commit()
    assert (saved.name, saved.body, saved.author_name) == ("hello", "Hello!", "Sam Supervisor")
    assert saved.id is not None

    async with db.uow() as uow:
        other = await canned_replies.save(uow, actor=boss, name="bye", body="Bye!")
        with pytest.raises(InvalidInput, match="named 'hello' already exists"):
            await canned_replies.save(uow, actor=boss, name="HELLO", body="x", reply_id=other.id)
        renamed = await canned_replies.save(
            uow, actor=boss, name="greeting", body="Hello again!", reply_id=saved.id
        )
        assert renamed.id == saved.id
        with pytest.raises(PermissionDenied):
            await canned_replies.delete(uow, actor=agent, name="bye")
        await canned_replies.delete(uow, actor=boss, name="bye")
        with pytest.raises(NotFound, match="no canned reply 'bye'"):
            await canned_replies.delete(uow, actor=boss, name="bye")
        await uow.commit()
    async with db.uow() as uow:
        assert [(r.name, r.body) for r in await uow.canned.all()] == [("greeting", "Hello again!")]


async def test_a_bad_template_is_refused_before_it_is_stored(db: Database) -> None:
    async with db.uow() as uow:
        with pytest.raises(InvalidInput, match=r"Unknown macro \{requester.phone\}"):
            await canned_replies.save(
                uow, actor=operator(), name="call", body="Call {requester.phone}"
            )
        with pytest.raises(InvalidInput, match="must not be empty"):
            await canned_replies.save(uow, actor=operator(), name="empty", body="   ")
        with pytest.raises(InvalidInput, match="4000"):
            await canned_replies.save(uow, actor=operator(), name="long", body="x" * 4001)
        assert await uow.canned.all() == []


async def test_preview_and_send_fill_in_the_ticket_and_the_agent(db: Database) -> None:
    requester = await make_person(db, "Rita Requester")
    agent = await make_person(db, "Alice Agent", role=Role.AGENT)
    number = await open_ticket(db, requester, title="Printer on fire")
    body = "Dear {requester.first_name}: #{ticket.number} “{ticket.title}” ({ticket.priority})"
    body += " — {agent.first_name} / {agent.name} for {requester.name}"
    async with db.uow() as uow:
        sample = await canned_replies.preview(uow, actor=agent, body=body)
        assert sample == (
            "Dear Erin: #1001 “The VPN disconnects every hour” (P3) — Alice / Alice Agent"
            " for Erin Example"
        )
        real = await canned_replies.preview(uow, actor=agent, body=body, number=number)
        with pytest.raises(NotFound):
            await canned_replies.preview(uow, actor=agent, body=body, number=4242)
        await canned_replies.save(uow, actor=operator(), name="status", body=body)
        sent = await canned_replies.send(uow, actor=agent, name="Status", number=number)
        await uow.commit()
    assert real.startswith(f"Dear Rita: #{number} “Printer on fire” (P")
    assert sent.message.body == real and sent.message.author_id == agent.id

    async with db.uow() as uow:
        with pytest.raises(PermissionDenied):
            await canned_replies.send(uow, actor=requester, name="status", number=number)
        await workflow.resolve(uow, actor=agent, number=number, resolution="Put it out")
        await workflow.close(uow, actor=agent, number=number)
        await uow.commit()
    async with db.uow() as uow:
        with pytest.raises(InvalidInput, match="closed"):
            await canned_replies.send(uow, actor=agent, name="status", number=number)
