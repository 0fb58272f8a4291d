"""The employee's dialogue: self-help success, restarts, redeliveries, languages, stale buttons,
follow-ups to existing tickets, and agent invites."""

from __future__ import annotations

from sqlalchemy import func, select

from core.domain.enums import Role, TicketStatus
from core.domain.knowledge import SuggestionOutcome
from core.services import invites
from core.services.context import operator
from storage import tables
from storage.unit_of_work import Database
from tests.integration.intake.harness import ChatUser, Desk, articles, buttons, user_id
from tests.support.desk import make_groups


async def _count(db: Database, table: object) -> int:
    async with db.uow() as uow:
        return int(
            (await uow.session.execute(select(func.count()).select_from(table))).scalar_one()
        )  # type: ignore[attr-defined,arg-type]


async def _through_to_summary(user: ChatUser, question: str) -> dict[str, str]:
    asked = await user.command(f"/new {question}")
    if "None of these — create a ticket" in buttons(asked):
        asked = await user.press(buttons(asked)["None of these — create a ticket"])
    impact = await user.press(buttons(asked)["Network"])
    urgency = await user.press(buttons(impact)["Just me"])
    await user.press(buttons(urgency)["It can wait"])
    return buttons(await user.press("done"))


async def test_self_help_success_ends_without_a_ticket_and_is_counted(
    db: Database, channel: str
) -> None:
    desk = await Desk(db, channel=channel).start(articles())
    rita = desk.user("Rita", "501")
    asked = await rita.says("printer is offline")
    opened = await rita.press(buttons(asked)["Printer shows offline"])
    done = await rita.press(buttons(opened)["This solved it"])
    assert "Glad it helped" in done.texts()[0]
    stale = await rita.press(buttons(opened)["This solved it"])
    assert stale.toast == "This button is no longer active." and not stale.replies
    async with db.uow() as uow:
        await uow.articles.fold_uses()
        article = await uow.articles.get("printer-offline")
        assert article is not None
        assert (article.suggested_count, article.opened_count, article.helped_count) == (1, 1, 1)
        event = await uow.knowledge_log.event(1)
        assert event is not None and event.outcome is SuggestionOutcome.HELPED
    assert await _count(db, tables.tickets) == 0


async def test_restart_mid_intake_continues_and_redelivery_makes_one_ticket(
    db: Database, channel: str
) -> None:
    await make_groups(db)
    desk = await Desk(db, channel=channel).start(articles())
    rita = desk.user("Rita", "501")
    asked = await rita.says("The coffee machine in the lobby is leaking")  # nothing matches
    assert "What is it about?" in asked.texts()[0]
    impact = await rita.press(buttons(asked)["Network"])

    restarted = Desk(db, channel=channel)  # a new process: new engine objects, same database
    rita = restarted.user("Rita", "501")
    urgency = await rita.press(buttons(impact)["My team"])
    assert "How urgent is it?" in urgency.texts()[0]
    await rita.press(buttons(urgency)["Today, please"])
    summary = await rita.press("done")
    create = rita.event("button", action=buttons(summary)["Create"], message_ref="9")
    first = await restarted.send(create)
    again = await restarted.send(create)
    assert "ticket #1001" in first.texts()[0]
    assert again.duplicate and not again.replies
    assert await _count(db, tables.tickets) == 1
    async with db.uow() as uow:
        ticket = await uow.tickets.get(1001)
        assert ticket is not None and ticket.title == "The coffee machine in the lobby is leaking"
        assert "did not help" not in ticket.description


async def test_non_agents_are_refused_politely(db: Database, channel: str) -> None:
    await make_groups(db)
    desk = await Desk(db, channel=channel).start()
    rita = desk.user("Rita", "501")
    refused = await rita.command("/claim 1001")
    assert refused.texts() == ["Sorry, this is only for the support team."]
    pressed = await rita.press("claim:1001", private=False)
    assert pressed.toast == "Sorry, this is only for the support team."
    in_group = await rita.command("/queue", private=False)
    assert in_group.texts() == ["Sorry, this is only for the support team."]


async def test_a_russian_speaker_gets_the_russian_interface(db: Database, channel: str) -> None:
    await make_groups(db)
    desk = await Desk(db, channel=channel).start(articles())
    ivan = desk.user("Иван", "777", language="ru")
    hello = await ivan.command("/start")
    assert hello.texts()[0].startswith("Здравствуйте, Иван!")
    asked = await ivan.says("Кофемашина в холле протекает")
    assert "К чему она относится?" in asked.texts()[0]
    assert "Сеть" in buttons(asked)
    impact = await ivan.press(buttons(asked)["Сеть"])
    assert set(buttons(impact)) >= {"Только меня", "Мою команду", "Отмена"}
    switched = await ivan.press("lang:en")
    assert switched.texts() == ["Language: English"]
    assert (await ivan.command("/cancel")).texts() == ["Cancelled. Write to me any time."]


async def test_follow_ups_go_to_the_one_open_ticket_or_ask_which(
    db: Database, channel: str
) -> None:
    await make_groups(db)
    desk = await Desk(db, channel=channel).start()
    rita = desk.user("Rita", "501")
    summary = await _through_to_summary(rita, "Laptop fan is loud")
    await rita.press(summary["Create"])

    follow = await rita.says("It also gets hot")
    assert follow.texts() == ["Added to your ticket #1001."]
    instead = await rita.press(buttons(follow)["Start a new request instead"])
    assert "What is it about?" in instead.texts()[0]
    await rita.command("/cancel")

    summary = await _through_to_summary(rita, "Monitor flickers")
    await rita.press(summary["Create"])
    asked = await rita.says("Any news?")
    assert asked.texts() == ["Which ticket is this about?"]
    chosen = await rita.press(buttons(asked)["#1002 · Monitor flickers"])
    assert chosen.texts() == ["Added to your ticket #1002."]
    assert (await rita.press("to:1002")).toast == "This button is no longer active."

    async with db.uow() as uow:
        first, second = await uow.tickets.get(1001), await uow.tickets.get(1002)
        assert first is not None and first.id and second is not None and second.id
        assert [m.body for m in await uow.history.messages(first.id)] == ["It also gets hot"]
        assert [m.body for m in await uow.history.messages(second.id)] == ["Any news?"]
    mine = await rita.command("/my")
    assert "#1002 · new · Monitor flickers" in mine.texts()[0]
    other = await desk.user("Oleg", "502").command("/ticket 1001")
    assert other.texts() == ["There is no ticket #1001 among yours."]


async def test_an_invite_makes_an_agent_once(db: Database, channel: str) -> None:
    desk = await Desk(db, channel=channel).start()
    async with db.uow() as uow:
        token = await invites.create_invite(uow, actor=operator())
        await uow.commit()
    new_agent = desk.user("Nina", "901")
    welcome = await new_agent.command(f"/start agent-{token}")
    assert "Welcome to the support team, Nina!" in welcome.texts()[0]
    assert (await new_agent.command("/queue")).texts() == ["The queue is empty."]
    reused = await desk.user("Eve", "902").command(f"/start agent-{token}")
    assert reused.texts() == ["This invite link is not valid any more; ask for a new one."]
    async with db.uow() as uow:
        eve = await uow.people.by_identity(channel, user_id(channel, "902"))
        assert eve is not None and eve.role is Role.REQUESTER


async def test_a_refused_action_writes_nothing_but_the_dedupe_record(
    db: Database, channel: str
) -> None:
    await make_groups(db)
    desk = await Desk(db, channel=channel).start()
    agent = await desk.agent("Alice", "11")
    rita = desk.user("Rita", "501")
    summary = await _through_to_summary(rita, "Printer jammed")
    await rita.press(summary["Create"])
    await agent.command("/resolve 1001 fixed")
    refused = await agent.command("/resolve 1001 again")
    assert refused.texts() == ["Ticket #1001 is already resolved."]
    usage = await agent.command("/priority 1001")
    assert usage.texts() == [f"Usage: {desk.hint('priority N P1|P2|P3|P4')}"]
    async with db.uow() as uow:
        ticket = await uow.tickets.get(1001)
        assert ticket is not None and ticket.status is TicketStatus.RESOLVED


async def test_id_command_tells_people_their_channel_id(db: Database, channel: str) -> None:
    desk = await Desk(db, channel=channel).start()
    ivan = desk.user("Иван", "777", language="ru")
    answer = await ivan.command("/id")
    assert answer.texts() == [f"Ваш id в {channel.capitalize()}: {user_id(channel, '777')}."]


async def test_refusals_reach_a_russian_speaker_in_russian(db: Database, channel: str) -> None:
    desk = await Desk(db, channel=channel).start()
    ivan = desk.user("Иван", "778", language="ru")
    answer = await ivan.command("/ticket 9999")
    assert answer.texts() == ["Среди ваших заявок нет #9999."]
