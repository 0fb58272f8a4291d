"""Signing in and out: wrong passwords are throttled, then the account is locked for a while;
sessions end on sign-out, after the idle timeout, and when the password is reset."""

from __future__ import annotations

import httpx
from fastapi import FastAPI

from core.domain.accounts import LOCK_AFTER, THROTTLE_AFTER
from core.services import accounts
from core.services.context import operator
from storage.unit_of_work import Database
from tests.integration.admin.panel import PanelUser, csrf_of, sign_in, signed_in
from tests.support.clock import FakeClock


async def _failures(db: Database, email: str) -> int:
    async with db.uow() as uow:
        account = await uow.accounts.by_email(email)
        assert account is not None
        return account.failed_logins


async def test_wrong_password_and_unknown_email_get_the_same_answer(
    client: httpx.AsyncClient, agent_user: PanelUser
) -> None:
    wrong = await sign_in(client, agent_user, password="not the password")
    unknown = await sign_in(client, PanelUser("nobody@example.com", 0))
    assert wrong.status_code == unknown.status_code == 401
    assert "Wrong e-mail or password." in wrong.text and "Wrong e-mail or password." in unknown.text
    assert "chatdesk_session" not in client.cookies


async def test_failures_throttle_then_lock_out_even_the_right_password(
    client: httpx.AsyncClient, agent_user: PanelUser, db: Database, clock: FakeClock
) -> None:
    for _ in range(THROTTLE_AFTER):
        assert (await sign_in(client, agent_user, password="guess")).status_code == 401
    throttled = await sign_in(client, agent_user)
    assert throttled.status_code == 429, "right password, but too soon after failures"
    assert "Try again in 2 s" in throttled.text and throttled.headers["retry-after"] == "2"
    assert await _failures(db, agent_user.email) == THROTTLE_AFTER, "a refused try is no guess"

    for _ in range(LOCK_AFTER - THROTTLE_AFTER):
        clock.advance(minutes=1)  # wait out each delay, then guess wrong again
        assert (await sign_in(client, agent_user, password="guess")).status_code == 401
    locked = await sign_in(client, agent_user)
    assert locked.status_code == 429 and "Try again in 15 min" in locked.text

    clock.advance(minutes=14)
    assert (await sign_in(client, agent_user)).status_code == 429, "still locked"
    clock.advance(minutes=2)
    assert (await sign_in(client, agent_user)).status_code == 303, "the lock expired"
    assert await _failures(db, agent_user.email) == 0


async def test_a_password_reset_lifts_the_lock_and_ends_sessions(
    app: FastAPI, client: httpx.AsyncClient, agent_user: PanelUser, db: Database
) -> None:
    await signed_in(client, agent_user)
    other = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://desk.test")
    async with other:
        for _ in range(LOCK_AFTER):
            await sign_in(other, agent_user, password="guess")
        assert (await sign_in(other, agent_user)).status_code == 429
        async with db.uow() as uow:
            await accounts.set_password(
                uow, actor=operator(), email=agent_user.email, password="a brand new secret"
            )
            await uow.commit()
        assert (await client.get("/tickets")).status_code == 303, "signed out everywhere"
        assert (await sign_in(other, agent_user)).status_code == 401, "the old password is gone"
        answer = await sign_in(other, PanelUser(agent_user.email, 0, "a brand new secret"))
        assert answer.status_code == 303


async def test_one_address_trying_many_accounts_is_throttled(
    app: FastAPI, client: httpx.AsyncClient, agent_user: PanelUser
) -> None:
    panel = app.state.panel
    for number in range(panel.throttle.limit):
        await sign_in(client, PanelUser(f"guess{number}@example.com", 0))
    refused = await sign_in(client, agent_user)
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) > 0


async def test_the_sign_in_form_needs_its_csrf_token(
    client: httpx.AsyncClient, agent_user: PanelUser
) -> None:
    await client.get("/login")
    answer = await client.post(
        "/login", data={"email": agent_user.email, "password": agent_user.password}
    )
    assert answer.status_code == 403
    assert "chatdesk_session" not in client.cookies


async def test_sign_out_ends_the_session(client: httpx.AsyncClient, agent_user: PanelUser) -> None:
    csrf = await signed_in(client, agent_user)
    stolen = client.cookies["chatdesk_session"]
    out = await client.post("/logout", data={"csrf_token": csrf})
    assert out.status_code == 303 and out.headers["location"] == "/login"
    assert "You are signed out." in (await client.get("/login")).text
    client.cookies.set("chatdesk_session", stolen)
    assert (await client.get("/")).status_code == 303, "a copied cookie is dead too"


async def test_an_idle_session_expires(
    client: httpx.AsyncClient, agent_user: PanelUser, clock: FakeClock
) -> None:
    await signed_in(client, agent_user)
    clock.advance(minutes=29)
    assert (await client.get("/")).status_code == 200
    clock.advance(minutes=29)
    assert (await client.get("/")).status_code == 200, "each request keeps it alive"
    clock.advance(minutes=31)
    assert (await client.get("/")).status_code == 303


async def test_a_disabled_person_cannot_sign_in_or_stay_signed_in(
    client: httpx.AsyncClient, agent_user: PanelUser, db: Database
) -> None:
    await signed_in(client, agent_user)
    async with db.uow() as uow:
        person = await uow.people.get(agent_user.person_id)
        assert person is not None
        person.is_active = False
        await uow.commit()
    assert (await client.get("/")).status_code == 303
    refused = await sign_in(client, agent_user)
    assert refused.status_code == 401 and "This account is disabled." in refused.text


async def test_signed_in_visitors_skip_the_form(
    client: httpx.AsyncClient, agent_user: PanelUser
) -> None:
    await signed_in(client, agent_user)
    again = await client.get("/login?next=/tickets")
    assert again.status_code == 303 and again.headers["location"] == "/tickets"


async def test_a_fresh_install_says_how_to_create_the_first_account(
    client: httpx.AsyncClient,
) -> None:
    page = await client.get("/login")
    assert "chatdesk admin create-user" in page.text
    assert csrf_of(page.text)
