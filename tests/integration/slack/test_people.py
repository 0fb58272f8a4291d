"""Who a Slack requester is: registered on first contact from ``users.info`` (name, e-mail, time
zone, locale → language), asked once rather than per message, and never lost to a failing
lookup. A verified e-mail an admin already knows joins the Slack account to that person."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from core.domain.entities import Person
from core.domain.enums import Role
from core.services import people
from core.services.context import operator
from storage import tables as t
from storage.unit_of_work import Database
from tests.fakes.slack_objects import SlackUser
from tests.fakes.slack_server import FakeSlackServer
from tests.integration.slack.desk import SlackDesk, slack_id


async def _ask_my_tickets(desk: SlackDesk, user: SlackUser, contains: str) -> dict[str, Any]:
    before = desk.snapshot(user)
    await desk.slack.user_runs_command(user, "my")
    return await desk.next_dm(user, seen_before=before, contains=contains)


async def _person(db: Database, user: SlackUser) -> Person:
    async with db.uow() as uow:
        person = await uow.people.by_identity("slack", slack_id(user))
    assert person is not None
    return person


async def test_a_requester_is_registered_from_users_info_once(
    desk: SlackDesk, db: Database, slack: FakeSlackServer
) -> None:
    olga = slack.add_user(
        "olga",
        real_name="Olga Ivanova",
        email="Olga@Example.com",
        tz="Europe/Moscow",
        locale="ru-RU",
    )
    await _ask_my_tickets(desk, olga, "заяв")  # answered in Russian
    await _ask_my_tickets(desk, olga, "заяв")
    person = await _person(db, olga)
    assert (person.display_name, person.email, person.time_zone, person.language) == (
        "Olga Ivanova",
        "olga@example.com",
        "Europe/Moscow",
        "ru",
    )
    assert len(slack.requests_for("users.info")) == 1, "asked once, then remembered"


async def test_a_locale_chatdesk_does_not_speak_gets_the_default_language(
    desk: SlackDesk, db: Database, slack: FakeSlackServer
) -> None:
    pierre = slack.add_user("pierre", real_name="Pierre", locale="fr-FR", tz="Europe/Paris")
    await _ask_my_tickets(desk, pierre, "You have no tickets yet.")
    person = await _person(db, pierre)
    assert (person.language, person.time_zone) == ("en", "Europe/Paris")


async def test_a_failing_users_info_loses_nothing_and_is_filled_in_later(
    desk: SlackDesk, db: Database, slack: FakeSlackServer
) -> None:
    nina = slack.add_user("nina", real_name="Nina Network", tz="Europe/Berlin")
    slack.fail_next("users.info", status=503)
    await _ask_my_tickets(desk, nina, "You have no tickets yet.")  # answered all the same
    person = await _person(db, nina)
    assert person.display_name == slack_id(nina) and person.time_zone is None

    await _ask_my_tickets(desk, nina, "You have no tickets yet.")  # Slack answers again
    person = await _person(db, nina)
    assert (person.display_name, person.time_zone) == ("Nina Network", "Europe/Berlin")


async def test_a_verified_email_an_admin_set_joins_the_slack_account_to_that_person(
    desk: SlackDesk, db: Database, slack: FakeSlackServer
) -> None:
    async with db.uow() as uow:
        known = await people.add_agent(
            uow,
            actor=operator(),
            display_name="Tom Telegram",
            channel="telegram",
            external_id="4242",
            role=Role.AGENT,
            email="tom@example.com",
        )
        await uow.commit()
    tom = slack.add_user("tom", real_name="Tom Slack", email="TOM@example.com")
    await _ask_my_tickets(desk, tom, "")
    person = await _person(db, tom)
    assert person.id == known.id and person.is_agent, "the same person, an agent in Slack too"
    assert person.display_name == "Tom Telegram", "what the admin set stays"
    async with db.uow() as uow:
        assert {i.channel for i in await uow.people.identities(known.id or 0)} == {
            "telegram",
            "slack",
        }
        audit = (
            await uow.session.execute(
                select(t.audit_entries.c.action, t.audit_entries.c.details).where(
                    t.audit_entries.c.actor_id == known.id
                )
            )
        ).all()
    assert [(a, d["how"]) for a, d in audit] == [("identity_linked", "email")]


async def test_an_email_two_people_have_links_nobody(
    desk: SlackDesk, db: Database, slack: FakeSlackServer
) -> None:
    for name, tg in (("Ann One", "1"), ("Ann Two", "2")):
        async with db.uow() as uow:
            await people.add_agent(
                uow,
                actor=operator(),
                display_name=name,
                channel="telegram",
                external_id=tg,
                email="ann@example.com",
            )
            await uow.commit()
    ann = slack.add_user("ann", real_name="Ann Slack", email="ann@example.com")
    await _ask_my_tickets(desk, ann, "You have no tickets yet.")
    person = await _person(db, ann)
    assert person.display_name == "Ann Slack" and not person.is_agent
    assert person.email is None, "an address names one person: not copied onto a third record"
