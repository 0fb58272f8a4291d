"""The command menu Telegram shows in each chat: employees the employees' menu, the agents' group
the agents' one, and each agent's private chat the agents' menu — kept in step as agents come
and go. Read from the fake server's record of setMyCommands/deleteMyCommands by scope."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bots.telegram.menus import menu
from core.domain.enums import Role
from core.services import invites
from core.services.context import operator
from storage.unit_of_work import Database
from tests.fakes.telegram_objects import TgUser
from tests.fakes.telegram_server import FakeTelegramServer
from tests.integration.telegram.desk import TelegramDesk
from tests.support.desk import make_groups, make_person

ALICE = TgUser(id=11, first_name="Alice", username="alice")
OLGA = TgUser(id=12, first_name="Ольга", username="olga", language_code="ru")
RITA = TgUser(id=501, first_name="Rita", language_code="en")
AGENT_ONLY = {"queue", "mine", "claim", "assign", "reply", "note", "resolve", "kb"}
EMPLOYEE_ONLY = {"new", "my", "language", "cancel"}


def _generated(*, agent: bool, private: bool, language: str = "en") -> dict[str, str]:
    return {c.command: c.description for c in menu(agent=agent, private=private, language=language)}


async def _sync(desk: TelegramDesk) -> None:
    """What the channel's regular menu sync does (every minute in production)."""
    assert desk.channel is not None
    await desk.channel.refresh_menus()


@pytest.fixture
async def desk(db: Database, fake: FakeTelegramServer) -> AsyncIterator[TelegramDesk]:
    await make_groups(db)
    await make_person(db, "Alice", role=Role.AGENT, external_id=str(ALICE.id), username="alice")
    await make_person(db, "Olga", role=Role.AGENT, external_id=str(OLGA.id), language="ru")
    for person in (ALICE, OLGA, RITA):
        fake.register_chat(person)  # each once pressed Start
    running = await TelegramDesk(db, fake).start()
    yield running
    await running.stop()


async def test_each_kind_of_chat_gets_its_menu_from_the_registry(
    desk: TelegramDesk, fake: FakeTelegramServer
) -> None:
    alice_menu = fake.menu_in(ALICE.id)
    assert alice_menu == _generated(agent=True, private=True)
    assert set(alice_menu) >= AGENT_ONLY and set(alice_menu) >= EMPLOYEE_ONLY
    assert alice_menu["help"] == "Agent commands", "the agents' help, as /help answers an agent"
    assert fake.menu_in(OLGA.id, "ru") == _generated(agent=True, private=True, language="ru")
    assert fake.menu_in(OLGA.id, "ru")["claim"] == "Взять заявку: /claim N"

    employee = fake.menu_in(RITA.id, "en")
    assert employee == _generated(agent=False, private=True)
    assert not AGENT_ONLY & set(employee), "employees do not see agent commands"

    room = fake.menu_in(desk.room.id)
    assert room == _generated(agent=True, private=False)
    assert set(room) >= AGENT_ONLY and not EMPLOYEE_ONLY & set(room)

    chat_scopes = {
        (int(c["scope"]["chat_id"]), c.get("language_code"))
        for c in fake.requests_for("setMyCommands")
        if c["scope"]["type"] == "chat"
    }
    assert chat_scopes == {
        (chat, code) for chat in (ALICE.id, OLGA.id, desk.room.id) for code in (None, "ru")
    }, "one chat scope per agent and per room, in every language"
    default = [c for c in fake.requests_for("setMyCommands") if c["scope"]["type"] != "chat"]
    assert {c["scope"]["type"] for c in default} == {"all_private_chats"}


async def test_an_agent_the_bot_has_not_met_gets_the_menu_on_first_contact(
    db: Database, fake: FakeTelegramServer
) -> None:
    await make_groups(db)
    await make_person(db, "Alice", role=Role.AGENT, external_id=str(ALICE.id), username="alice")
    desk = await TelegramDesk(db, fake).start()  # Alice never opened a chat with the bot
    try:
        failed = [
            c
            for c in fake.requests_for("setMyCommands")
            if c["scope"].get("chat_id") in (ALICE.id, str(ALICE.id))
        ]
        assert failed, "the bot tried, and Telegram said 'chat not found'"
        tried = len(fake.requests_for("setMyCommands"))
        await _sync(desk)
        assert len(fake.requests_for("setMyCommands")) == tried, "not retried on every sync"

        await desk.say(ALICE, "/help", contains="Agent commands")
        await fake.wait_for(lambda: "claim" in fake.menu_in(ALICE.id))
        assert fake.menu_in(ALICE.id) == _generated(agent=True, private=True)
    finally:
        await desk.stop()


async def test_an_invite_redeemed_gives_the_agents_menu_at_once(
    desk: TelegramDesk, db: Database, fake: FakeTelegramServer
) -> None:
    async with db.uow() as uow:
        token = await invites.create_invite(uow, actor=operator())
        await uow.commit()
    assert "claim" not in fake.menu_in(RITA.id)
    await desk.say(RITA, f"/start {invites.INVITE_PREFIX}{token}", contains="Welcome")
    await fake.wait_for(lambda: "claim" in fake.menu_in(RITA.id))


async def test_agents_added_and_removed_elsewhere_get_their_menu_on_the_next_sync(
    desk: TelegramDesk, db: Database, fake: FakeTelegramServer
) -> None:
    bob = TgUser(id=13, first_name="Bob", username="bob")
    fake.register_chat(bob)
    await make_person(db, "Bob", role=Role.AGENT, external_id=str(bob.id))  # as the panel does
    async with db.uow() as uow:
        alice = await uow.people.by_identity("telegram", str(ALICE.id))
        assert alice is not None
        alice.is_active = False  # removed from the team
        await uow.commit()
    assert "claim" not in fake.menu_in(bob.id) and "claim" in fake.menu_in(ALICE.id)

    await _sync(desk)
    assert fake.menu_in(bob.id) == _generated(agent=True, private=True)
    assert fake.menu_in(ALICE.id) == _generated(agent=False, private=True), "back to the default"
    deleted = {int(c["scope"]["chat_id"]) for c in fake.requests_for("deleteMyCommands")}
    assert deleted == {ALICE.id}


async def test_a_removed_agent_who_writes_loses_the_menu_without_waiting_for_the_sync(
    desk: TelegramDesk, db: Database, fake: FakeTelegramServer
) -> None:
    async with db.uow() as uow:
        alice = await uow.people.by_identity("telegram", str(ALICE.id))
        assert alice is not None
        alice.role = Role.REQUESTER
        await uow.commit()
    await desk.say(ALICE, "/help", contains="Write your question")
    await fake.wait_for(lambda: "claim" not in fake.menu_in(ALICE.id))
    assert fake.menu_in(ALICE.id) == _generated(agent=False, private=True)


async def test_the_regular_sync_runs_by_itself(db: Database, fake: FakeTelegramServer) -> None:
    await make_groups(db)
    fake.register_chat(ALICE)
    desk = await TelegramDesk(db, fake, menu_sync_seconds=0.2).start()
    try:
        assert "claim" not in fake.menu_in(ALICE.id)
        await make_person(db, "Alice", role=Role.AGENT, external_id=str(ALICE.id))  # the panel
        await fake.wait_for(lambda: "claim" in fake.menu_in(ALICE.id), timeout=30)
    finally:
        await desk.stop()
