"""Guessing linking codes does not pay: after five wrong codes in fifteen minutes a person is
asked, politely, to wait, and even a right code waits; the count survives each refusal (it is
an answer, not a rolled-back request) and is the person's own."""

from __future__ import annotations

from core.services import link_codes
from storage.unit_of_work import Database
from tests.integration.intake.harness import Desk
from tests.support.clock import FakeClock
from tests.support.desk import make_person

ELSEWHERE = "rita@example.com"
WAIT = "You sent 5 wrong codes in the last 15 minutes. To keep linking safe from guessing"


async def _code_from_elsewhere(db: Database) -> str:
    """A code asked for by Rita's account on a messenger other than the desk's."""
    async with db.uow() as uow:
        code = await link_codes.issue(uow, channel="email", external_id=ELSEWHERE)
        await uow.commit()
    return code


async def test_five_wrong_codes_make_a_person_wait_then_a_right_code_links(
    db: Database, channel: str, clock: FakeClock
) -> None:
    desk = await Desk(db, channel=channel).start()
    rita = desk.user("Rita", "501")
    ann = desk.user("Ann", "502")
    await make_person(db, "Rita elsewhere", channel="email", external_id=ELSEWHERE)
    code = await _code_from_elsewhere(db)

    for guess in ("AAAA-AAAA", "BBBB-BBBB", "CCCC-CCCC", "DDDD-DDDD"):
        said = await rita.command(f"/link {guess}")
        assert said.texts() == [
            f"I do not know the code {guess}. Check it, or ask for a new one in your other "
            "messenger."
        ]
    clock.advance(minutes=5)
    assert "I do not know the code" in (await rita.command("/link EEEE-EEEE")).texts()[0]

    refused = await rita.command(f"/link {code}")
    assert refused.texts() == [f"{WAIT}, please try again in 10 minutes."], (
        "the first of the five leaves the window 10 minutes from now"
    )
    clock.advance(minutes=4)
    assert (
        f"{WAIT}, please try again in 6 minutes." in (await rita.command(f"/link {code}")).texts()
    )
    other = await ann.command("/link AAAA-AAAA")
    assert "I do not know the code" in other.texts()[0], "another person's count is their own"

    clock.advance(minutes=6)  # the four earliest guesses are 15 minutes old now
    linked = await rita.command(f"/link {await _code_from_elsewhere(db)}")
    assert "Done: your accounts are linked." in linked.texts()[0]


async def test_the_wait_is_told_in_the_persons_language(db: Database, channel: str) -> None:
    desk = await Desk(db, channel=channel).start()
    rita = desk.user("Rita", "501", language="ru")
    for _ in range(5):
        await rita.command("/link ZZZZ-ZZZZ")
    said = await rita.command("/link ZZZZ-ZZZZ")
    assert said.texts() == [
        "Неверных кодов за последние 15 мин.: 5. Чтобы коды нельзя было подобрать, попробуйте "
        "снова через 15 мин."
    ]
