"""Linking one person's accounts with a one-time code: which record is kept, what moves with the
absorbed one, what the audit trail says, and the polite refusals (wrong, used, expired code, or
one sent from the messenger that gave it), each of which changes nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.domain.enums import Role
from core.errors import InvalidInput
from core.services import link_codes
from core.services.context import Actor
from storage import tables as t
from storage.unit_of_work import Database
from tests.support.clock import FakeClock
from tests.support.desk import make_groups, make_person, open_ticket

RITA_SLACK = ("slack", "T1:U1")
ANN_SLACK = ("slack", "T1:U2")


async def _code(db: Database, actor: Actor, external_id: str) -> str:
    async with db.uow() as uow:
        code = await link_codes.issue(uow, channel=actor.channel, external_id=external_id)
        await uow.commit()
    return code


async def _redeem(db: Database, account: tuple[str, str], code: str) -> int:
    """Send ``code`` from the account (channel, id), whichever person it belongs to now."""
    async with db.uow() as uow:
        person = await uow.people.by_identity(*account)
        assert person is not None
        kept, joined = await link_codes.redeem(uow, typed=code, person=person, channel=account[0])
        await uow.commit()
    assert joined
    assert kept.id is not None
    return kept.id


async def _people(db: Database) -> list[tuple[int, str, str]]:
    async with db.uow() as uow:
        rows = await uow.session.execute(
            select(t.identities.c.person_id, t.identities.c.channel, t.identities.c.external_id)
        )
    return sorted((int(a), str(b), str(c)) for a, b, c in rows.all())


async def test_a_code_from_telegram_sent_from_slack_makes_one_person_keeping_the_older(
    db: Database,
) -> None:
    await make_groups(db)
    rita_tg = await make_person(db, "Rita", external_id="501")
    rita_slack = await make_person(db, "Rita S", channel="slack", external_id="T1:U1")
    tg_ticket = await open_ticket(db, rita_tg, "VPN drops")
    slack_ticket = await open_ticket(db, rita_slack, "Printer jammed")
    code = await _code(db, rita_tg, "501")
    assert len(code) == 9 and code[4] == "-"

    kept = await _redeem(db, RITA_SLACK, code.lower().replace("-", " "))  # typed loosely

    assert kept == rita_tg.person.id, "the older record is kept"
    assert await _people(db) == [(kept, "slack", "T1:U1"), (kept, "telegram", "501")]
    async with db.uow() as uow:
        assert await uow.people.get(rita_slack.person.id or 0) is None, "the other is gone"
        mine = await uow.tickets.search(requester_id=kept, limit=10)
        assert {x.number for x in mine} == {tg_ticket, slack_ticket}
        moved = next(x for x in mine if x.number == slack_ticket)
        assert moved.origin_channel == "slack", "news still goes where the ticket was asked"
        trail = await uow.history.audit(moved.id or 0)
        merged = (
            await uow.session.execute(
                select(t.audit_entries.c.details).where(t.audit_entries.c.action == "people_merged")
            )
        ).scalar_one()
    linked = [a for a in trail if a.action == "requester_linked"]
    assert [(a.old_value, a.new_value) for a in linked] == [("Rita S", "Rita")]
    assert merged["how"] == "code" and merged["kept"] == kept
    assert merged["absorbed"]["id"] == rita_slack.person.id
    assert merged["absorbed"]["name"] == "Rita S"

    with pytest.raises(InvalidInput) as used:
        await _redeem(db, RITA_SLACK, code)
    assert "was used already" in used.value.translated("en")


async def test_a_support_team_record_is_kept_and_two_are_never_joined(db: Database) -> None:
    await make_person(db, "Sam", external_id="77")
    sam_agent = await make_person(
        db, "Sam Agent", role=Role.AGENT, channel="slack", external_id="T1:U7"
    )
    kept = await _redeem(db, ("telegram", "77"), await _code(db, sam_agent, "T1:U7"))
    assert kept == sam_agent.person.id, "the agent's record, with its role, is kept"
    async with db.uow() as uow:
        person = await uow.people.get(kept)
        assert person is not None and person.is_agent and person.display_name == "Sam Agent"

    bob = await make_person(db, "Bob", role=Role.AGENT, external_id="88")
    code = await _code(db, bob, "88")
    with pytest.raises(InvalidInput) as refused:
        await _redeem(db, ("slack", "T1:U7"), code)
    assert "an administrator" in refused.value.translated("en")
    assert len({p for p, _, _ in await _people(db)}) == 2, "nothing joined"


async def test_wrong_expired_and_same_messenger_codes_are_refused_politely(
    db: Database, clock: FakeClock
) -> None:
    ann = await make_person(db, "Ann", external_id="1")
    await make_person(db, "Ann S", channel="slack", external_id="T1:U2")
    code = await _code(db, ann, "1")

    async def refusal(account: tuple[str, str], typed: str) -> str:
        with pytest.raises(InvalidInput) as refused:
            await _redeem(db, account, typed)
        return refused.value.translated("en")

    assert "I do not know the code ZZZZ-ZZZZ" in await refusal(ANN_SLACK, "ZZZZ-ZZZZ")
    assert "I do not know the code 12" in await refusal(ANN_SLACK, "12")
    assert "not from the one that gave it" in await refusal(("telegram", "1"), code)
    newer = await _code(db, ann, "1")  # asking again ends the older code
    assert "I do not know the code" in await refusal(ANN_SLACK, code)
    clock.advance(minutes=11)
    assert "has expired (codes work for 10 minutes)" in await refusal(ANN_SLACK, newer)
    assert len({p for p, _, _ in await _people(db)}) == 2, "nothing joined"
