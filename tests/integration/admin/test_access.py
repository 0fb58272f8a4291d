"""Nothing is open by accident: a walk over every route of the app (and of the mounted API)
asks each one anonymously, so a route added without protection fails here."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from starlette.routing import Mount, Route

from tests.integration.admin.panel import PanelUser, csrf_of, sign_in, signed_in

# Open on purpose, each with its reason.
OPEN = {
    ("GET", "/login"): "the sign-in form",
    ("POST", "/login"): "signing in",
    ("GET", "/healthz"): "liveness probe; says only 'ok' and the database kind",
    ("GET", "/api/v1/openapi.json"): "the API's published description; holds no data",
}
OPEN_PREFIXES = {"/static": "stylesheet and scripts; no data"}
_PARAM = re.compile(r"{([^}:]+)(:[^}]+)?}")


def routes(app: Any, prefix: str = "") -> list[tuple[str, str]]:
    """(method, path) of every endpoint, included routers and mounted apps too; mounts that
    are not routers (static files) appear once as ("*", prefix)."""
    found: list[tuple[str, str]] = []
    for context in iter_route_contexts(getattr(app, "routes", [])):
        route = context.original_route
        if isinstance(route, Mount):
            inner = route.app
            if getattr(inner, "routes", None):
                found += routes(inner, prefix + route.path)
            else:
                found.append(("*", prefix + route.path))
        elif isinstance(route, Route):
            for method in sorted(context.methods or {"GET"}):
                if method != "HEAD":
                    found.append((method, prefix + str(context.path)))
    return found


async def unprotected(app: FastAPI, client: httpx.AsyncClient) -> list[str]:
    """Every route that answers an anonymous request with anything but the refusal."""
    offenders = []
    for method, path in routes(app):
        if (method, path) in OPEN or any(path.startswith(p) for p in OPEN_PREFIXES):
            continue
        url = _PARAM.sub("1001", path)
        answer = await client.request(method, url)
        if path.startswith("/api/"):
            refused = (
                answer.status_code == 401
                and answer.headers["content-type"].startswith("application/problem+json")
                and answer.headers.get("www-authenticate", "").startswith("Bearer")
            )
        else:
            refused = answer.status_code == 303 and answer.headers["location"].startswith(
                "/login?next="
            )
        if not refused:
            offenders.append(f"{method} {path} -> {answer.status_code}")
    return offenders


async def test_every_route_refuses_anonymous_use(app: FastAPI, client: httpx.AsyncClient) -> None:
    walked = routes(app)
    assert len(walked) > 15, walked
    assert ("POST", "/tickets/{number}/reply") in walked
    assert ("GET", "/api/v1/tickets") in walked
    assert ("POST", "/routing/rules") in walked and ("GET", "/routing/test") in walked
    assert await unprotected(app, client) == []


async def test_the_walk_catches_a_new_unprotected_route(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    @app.get("/leak")
    async def leak() -> dict[str, str]:
        return {"secret": "everything"}

    assert await unprotected(app, client) == ["GET /leak -> 200"]


async def test_a_page_redirects_to_sign_in_and_comes_back(
    client: httpx.AsyncClient, agent_user: PanelUser
) -> None:
    answer = await client.get("/tickets?status=open")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/login?next=%2Ftickets%3Fstatus%3Dopen"
    form = await client.get(answer.headers["location"])
    assert 'name="next" value="/tickets?status=open"' in form.text
    signed = await client.post(
        "/login",
        data={
            "email": agent_user.email,
            "password": agent_user.password,
            "csrf_token": csrf_of(form.text),
            "next": "/tickets?status=open",
        },
    )
    assert signed.status_code == 303 and signed.headers["location"] == "/tickets?status=open"


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example", "/\\evil.example"])
async def test_sign_in_never_redirects_off_site(
    client: httpx.AsyncClient, agent_user: PanelUser, target: str
) -> None:
    signed = await sign_in(client, agent_user, next=target)
    assert signed.status_code == 303 and signed.headers["location"] == "/"


async def test_session_cookie_is_httponly_samesite_and_signed(
    client: httpx.AsyncClient, agent_user: PanelUser
) -> None:
    await signed_in(client, agent_user)
    cookie = next(c for c in client.cookies.jar if c.name == "chatdesk_session")
    assert cookie.has_nonstandard_attr("HttpOnly")
    assert (cookie.get_nonstandard_attr("SameSite") or "").lower() == "lax"
    assert not cookie.secure, "plain http in this test: Secure only behind HTTPS"
    token, _, signature = (cookie.value or "").rpartition(".")
    assert len(signature) == 64 and token
    # a cookie with a forged signature, or a bare token, is not a session
    for forged in (f"{token}.{'0' * 64}", token):
        client.cookies.set("chatdesk_session", forged, domain=cookie.domain)
        assert (await client.get("/tickets")).status_code == 303


async def test_behind_https_the_cookie_is_secure(app: FastAPI, agent_user: PanelUser) -> None:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="https://desk.test") as https:
        answer = await sign_in(https, agent_user)
    assert answer.status_code == 303
    assert "secure" in answer.headers["set-cookie"].lower()


async def test_pages_send_protective_headers(
    client: httpx.AsyncClient, agent_user: PanelUser
) -> None:
    await signed_in(client, agent_user)
    page = await client.get("/tickets")
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["cache-control"] == "no-store"


async def test_an_api_path_outside_every_route_is_a_problem_document(
    client: httpx.AsyncClient,
) -> None:
    for path in ("/api/v1/tickets/%0A/status", "/api/v2/tickets", "/api/nothing"):
        answer = await client.get(path)
        assert answer.status_code == 404, path
        assert answer.headers["content-type"] == "application/problem+json", path
