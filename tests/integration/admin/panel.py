"""Helpers for admin-panel tests: accounts, signing in, and reading CSRF tokens off pages."""

from __future__ import annotations

import re
from dataclasses import dataclass

import httpx

from core.domain.enums import Role
from core.services import accounts
from core.services.context import operator
from storage.unit_of_work import Database

PASSWORD = "correct horse battery"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass(frozen=True)
class PanelUser:
    email: str
    person_id: int
    password: str = PASSWORD


async def make_user(
    db: Database,
    email: str,
    *,
    role: str = "agent",
    name: str | None = None,
    language: str | None = None,
) -> PanelUser:
    async with db.uow() as uow:
        made = await accounts.create_user(
            uow,
            actor=operator(),
            email=email,
            role=Role[role.upper()],
            password=PASSWORD,
            display_name=name,
        )
        if language is not None:
            made.person.language = language
        await uow.commit()
    assert made.person.id is not None
    return PanelUser(email, made.person.id)


def csrf_of(html: str) -> str:
    found = _CSRF.search(html)
    assert found, "no CSRF token on the page"
    return found.group(1)


async def sign_in(
    client: httpx.AsyncClient, user: PanelUser, *, password: str | None = None, next: str = "/"
) -> httpx.Response:
    """Fill in and post the sign-in form, as a browser would."""
    form = await client.get("/login")
    return await client.post(
        "/login",
        data={
            "email": user.email,
            "password": user.password if password is None else password,
            "csrf_token": csrf_of(form.text),
            "next": next,
        },
    )


async def signed_in(client: httpx.AsyncClient, user: PanelUser) -> str:
    """Sign in and return the session's CSRF token (read off the start page)."""
    answer = await sign_in(client, user)
    assert answer.status_code == 303, answer.text
    page = await client.get("/")
    assert page.status_code == 200
    return csrf_of(page.text)
