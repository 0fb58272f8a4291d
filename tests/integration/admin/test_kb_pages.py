"""Curating the knowledge base in the panel: the editor reaches the live index at once, "Test a
question" explains the ranking (drafts too, without leaving them in the index), agents propose
and supervisors publish, every version is kept, and the preview is sanitised."""

from __future__ import annotations

import re

import httpx
from fastapi import FastAPI

from core.domain.knowledge import ConfirmationSource
from core.services import phrasing_learning
from core.services.knowledge_index import KnowledgeBase
from storage.unit_of_work import Database
from tests.integration.admin.panel import PanelUser, make_user, signed_in

VPN = {
    "article_id": "vpn-reconnect",
    "title": "VPN keeps disconnecting",
    "language": "en",
    "category": "network",
    "tags": "vpn, remote",
    "phrasings": "vpn drops every few minutes\nvpn connection lost",
    "body": "Open the **VPN client** and switch the protocol to TCP.\n\n- restart it\n- reconnect",
}


def live(app: FastAPI) -> KnowledgeBase:
    knowledge: KnowledgeBase = app.state.panel.knowledge
    return knowledge


async def _publish(client: httpx.AsyncClient, csrf: str, **fields: str) -> httpx.Response:
    return await client.post(
        "/kb/new", data={**VPN, **fields, "csrf_token": csrf, "intent": "publish"}
    )


async def test_a_published_article_is_suggested_at_once_and_tested_first(
    app: FastAPI, client: httpx.AsyncClient, db: Database
) -> None:
    chief = await make_user(db, "sam@example.com", role="supervisor", name="Sam Supervisor")
    csrf = await signed_in(client, chief)
    made = await _publish(client, csrf)
    assert made.status_code == 303 and made.headers["location"] == "/kb/articles/vpn-reconnect"
    assert [s.article_id for s in live(app).engine.suggest("my vpn keeps dropping")] == [
        "vpn-reconnect"
    ], "the running index knows it without waiting for the sync"

    listed = await client.get("/kb?status=published&q=disconnecting")
    assert "VPN keeps disconnecting" in listed.text
    tested = await client.get("/kb/test", params={"q": "my vpn keeps dropping"})
    assert tested.status_code == 200
    assert "The bot would answer" in tested.text
    first = re.search(
        r'<b class="score">([\d.]+)</b>\s*<a href="/kb/articles/([a-z-]+)"', tested.text
    )
    assert first and first.group(2) == "vpn-reconnect" and float(first.group(1)) > 0.35
    assert "in title, tags or phrasings: dropping, vpn" in tested.text or "vpn" in tested.text
    nothing = await client.get("/kb/test", params={"q": "where is the canteen menu"})
    assert "straight to a new ticket" in nothing.text

    page = await client.get("/kb/articles/vpn-reconnect")
    assert "<strong>VPN client</strong>" in page.text, "the preview is rendered Markdown"
    assert "Sam Supervisor" in page.text and "created" in page.text, "the history names who"


async def test_a_draft_can_be_tested_and_stays_out_of_the_index(
    app: FastAPI, client: httpx.AsyncClient, db: Database
) -> None:
    chief = await make_user(db, "sam@example.com", role="supervisor")
    csrf = await signed_in(client, chief)
    saved = await client.post("/kb/new", data={**VPN, "csrf_token": csrf, "intent": "draft"})
    assert saved.status_code == 303
    assert "vpn-reconnect" not in live(app).engine, "a draft is not suggested"
    trial = await client.post(
        "/kb/test-draft",
        data={**VPN, "question": "vpn drops every few minutes", "csrf_token": csrf},
    )
    assert trial.status_code == 200 and "this article" in trial.text and "shown" in trial.text
    assert "vpn-reconnect" not in live(app).engine, "the trial took the draft out again"
    assert live(app).engine.suggest("vpn drops every few minutes") == []


async def test_agents_write_drafts_and_propose_changes_that_supervisors_apply(
    app: FastAPI, client: httpx.AsyncClient, db: Database, agent_user: PanelUser
) -> None:
    csrf = await signed_in(client, agent_user)
    refused = await _publish(client, csrf)
    assert refused.status_code == 403 and "Agents write drafts" in refused.text
    draft = await client.post("/kb/new", data={**VPN, "csrf_token": csrf, "intent": "draft"})
    assert draft.status_code == 303

    chief = await make_user(db, "sam@example.com", role="supervisor", name="Sam Supervisor")
    boss = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://desk.test")
    async with boss:
        boss_csrf = await signed_in(boss, chief)
        published = await boss.post(
            "/kb/articles/vpn-reconnect",
            data={**VPN, "csrf_token": boss_csrf, "intent": "publish"},
        )
        assert published.status_code == 303
        proposal = await client.post(
            "/kb/articles/vpn-reconnect",
            data={**VPN, "title": "VPN disconnects often", "csrf_token": csrf, "intent": "propose"},
        )
        assert proposal.status_code == 303
        async with db.uow() as uow:
            article = await uow.articles.get("vpn-reconnect")
            assert article is not None and article.title == "VPN keeps disconnecting", "unchanged"
        page = await boss.get("/kb/articles/vpn-reconnect")
        assert "Proposed changes" in page.text and "Alice Agent" in page.text
        diff = await boss.get("/kb/articles/vpn-reconnect/versions/3")
        assert "-title: VPN keeps disconnecting" in diff.text
        assert "+title: VPN disconnects often" in diff.text
        applied = await boss.post(
            "/kb/articles/vpn-reconnect/proposals/3/apply", data={"csrf_token": boss_csrf}
        )
        assert applied.status_code == 303
        refused = await client.post(
            "/kb/articles/vpn-reconnect/proposals/3/discard", data={"csrf_token": csrf}
        )
        assert refused.status_code == 403, "agents do not decide proposals"
    async with db.uow() as uow:
        article = await uow.articles.get("vpn-reconnect")
        versions = await uow.article_versions.of_article("vpn-reconnect")
    assert article is not None and article.title == "VPN disconnects often"
    assert [(v.number, v.action, v.author_name, v.state.value) for v in versions] == [
        (4, "edited", "Sam Supervisor", "applied"),
        (3, "proposed", "Alice Agent", "applied"),
        (2, "published", "Sam Supervisor", "applied"),
        (1, "created", "Alice Agent", "applied"),
    ]


async def test_the_preview_renders_markdown_and_strips_script(
    client: httpx.AsyncClient, agent_user: PanelUser
) -> None:
    csrf = await signed_in(client, agent_user)
    body = (
        "# Title\n\n<script>alert(1)</script>\n\n[click](javascript:alert(2))\n\n"
        '<img src=x onerror="alert(3)">\n\n[ok](https://example.com) and `code`'
    )
    preview = await client.post("/kb/preview", data={"body": body}, headers={"X-CSRF-Token": csrf})
    assert preview.status_code == 200
    html = preview.text
    assert "<h1>Title</h1>" in html and "<code>code</code>" in html
    assert 'href="https://example.com"' in html
    assert "<script" not in html and "<img" not in html, "raw HTML is shown as text, never a tag"
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'href="javascript' not in html and "<a" not in html.replace('<a href="https:', ""), (
        "a javascript: link is not made a link"
    )
    without_token = await client.post("/kb/preview", data={"body": body})
    assert without_token.status_code == 403


async def test_translations_are_linked_and_learned_phrasings_can_be_accepted(
    app: FastAPI, client: httpx.AsyncClient, db: Database
) -> None:
    chief = await make_user(db, "sam@example.com", role="supervisor")
    csrf = await signed_in(client, chief)
    await _publish(client, csrf)
    russian = await _publish(
        client,
        csrf,
        article_id="vpn-reconnect-ru",
        title="VPN постоянно отключается",
        language="ru",
        body="Откройте **VPN-клиент** и выберите протокол TCP.",
        phrasings="",
        translation_of="vpn-reconnect",
    )
    assert russian.status_code == 303
    page = await client.get("/kb/articles/vpn-reconnect")
    assert 'href="/kb/articles/vpn-reconnect-ru"' in page.text, "the translation is linked"
    async with db.uow() as uow:
        candidate = await phrasing_learning.confirm(
            uow,
            article_id="vpn-reconnect",
            question="the tunnel to the office keeps falling over",
            person="person:77",
            source=ConfirmationSource.HELPED,
        )
        await uow.commit()
    assert candidate is not None
    page = await client.get("/kb/articles/vpn-reconnect")
    assert "the tunnel to the office keeps falling over" in page.text
    accepted = await client.post(
        f"/kb/articles/vpn-reconnect/candidates/{candidate.id}/accept", data={"csrf_token": csrf}
    )
    assert accepted.status_code == 303
    async with db.uow() as uow:
        article = await uow.articles.get("vpn-reconnect")
    assert article is not None
    assert "the tunnel to the office keeps falling over" in article.phrasings
