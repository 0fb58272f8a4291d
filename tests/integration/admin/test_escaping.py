"""Script and markup typed by people (ticket titles, messages, names, search boxes, token
names) is shown as text on every page, never run."""

from __future__ import annotations

import httpx
from fastapi import FastAPI
from markupsafe import escape

from core.domain.enums import Role
from core.domain.knowledge import Article, ArticleStatus
from core.services import suggestions, tickets, workflow
from core.services.article_curation import save_article
from core.services.context import operator
from storage.unit_of_work import Database
from tests.integration.admin.panel import PanelUser, signed_in
from tests.support.desk import make_person, open_ticket

PAYLOADS = [
    "<script>alert('xss')</script>",
    '"><img src=x onerror=alert(1)>',
    "<svg/onload=alert(2)>",
    "javascript:alert(3)//<a href=x>",
]


def assert_inert(page: str, *, shows: list[str]) -> None:
    """No payload appears raw; those the page shows appear as escaped text."""
    for payload in PAYLOADS:
        assert payload not in page, f"raw {payload!r} on the page"
    for text in shows:
        assert str(escape(text)) in page, f"{text!r} is not shown"


async def test_payloads_are_escaped_on_every_page_that_shows_them(
    client: httpx.AsyncClient, db: Database, admin_user: PanelUser
) -> None:
    for payload in PAYLOADS:
        requester = await make_person(db, f"Eve {payload}", external_id=str(abs(hash(payload))))
        agent = await make_person(
            db, f"Mallory {payload}", role=Role.AGENT, external_id=str(abs(hash(payload)) + 1)
        )
        number = await open_ticket(db, requester, f"Help {payload}", f"Body {payload}")
        async with db.uow() as uow:
            await workflow.claim(uow, actor=agent, number=number)
            await tickets.reply(uow, actor=agent, number=number, body=f"Reply {payload}")
            await tickets.add_note(uow, actor=agent, number=number, body=f"Note {payload}")
            await uow.commit()
    csrf = await signed_in(client, admin_user)
    await client.post(
        "/settings/tokens",
        data={"csrf_token": csrf, "name": PAYLOADS[0], "scope": "tickets:read"},
    )
    titles = [f"Help {p}" for p in PAYLOADS]
    pages: dict[str, list[str]] = {
        "/": [],
        "/tickets": titles + [f"Eve {p}" for p in PAYLOADS] + [f"Mallory {p}" for p in PAYLOADS],
        "/settings": [PAYLOADS[0]],
        "/settings/accounts": [],
    }
    for number, payload in enumerate(PAYLOADS, start=1001):
        pages[f"/tickets/{number}"] = [
            f"{what} {payload}" for what in ("Help", "Body", "Reply", "Note", "Eve", "Mallory")
        ]
        pages[f"/tickets?q={payload}"] = [payload]  # echoed in the search box
    for url, shows in pages.items():
        answer = await client.get(url)
        assert answer.status_code == 200, url
        assert_inert(answer.text, shows=shows)


async def test_payloads_in_articles_and_questions_are_escaped_on_knowledge_base_pages(
    app: FastAPI, client: httpx.AsyncClient, db: Database, admin_user: PanelUser
) -> None:
    kb = app.state.panel.knowledge
    async with db.uow() as uow:
        for number, payload in enumerate(PAYLOADS):
            await save_article(
                uow,
                kb,
                actor=operator(),
                article=Article(
                    id=f"article-{number}",
                    title=f"Help {payload}",
                    body=f"Body {payload}",
                    language="en",
                    category=f"cat {payload}",
                    tags=[f"tag {payload}"],
                    phrasings=[f"help vpn {payload}"],
                    status=ArticleStatus.PUBLISHED,
                ),
            )
            await suggestions.suggest(uow, kb, question=f"zzqx {payload} qqzz", channel="telegram")
        await uow.commit()
        groups = await uow.knowledge_log.unanswered()
    await signed_in(client, admin_user)
    pages: dict[str, list[str]] = {"/kb": [f"Help {p}" for p in PAYLOADS]}
    pages["/kb/unanswered"] = [g.sample for g in groups]
    for number, payload in enumerate(PAYLOADS):
        pages[f"/kb/articles/article-{number}"] = [f"Help {payload}", f"tag {payload}"]
        pages[f"/kb/articles/article-{number}/versions/1"] = [f"+title: Help {payload}"[:12]]
        pages[f"/kb/test?q=help vpn {payload}"] = [f"help vpn {payload}"]
    for group in groups:
        pages[f"/kb/unanswered/{group.id}"] = [group.sample]
    for url, shows in pages.items():
        answer = await client.get(url)
        assert answer.status_code == 200, url
        assert_inert(answer.text, shows=shows)
