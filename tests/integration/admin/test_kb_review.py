"""The unanswered log's actions (write an article, add as a phrasing with a live test, dismiss)
and zip import/export in the format of `chatdesk kb import`."""

from __future__ import annotations

import io
import zipfile

import httpx
from fastapi import FastAPI

from core.domain.knowledge import Article, ArticleStatus
from core.services import suggestions
from core.services.article_curation import save_article
from core.services.context import operator
from storage.unit_of_work import Database
from tests.integration.admin.panel import PanelUser, make_user, signed_in


def printer() -> Article:
    return Article(
        id="printer-jam",
        title="The printer jams",
        body="Open tray 2, remove the crumpled sheet, close the tray.",
        language="en",
        category="printing",
        tags=["printer"],
        status=ArticleStatus.PUBLISHED,
    )


QUESTION = "the copier on floor 3 eats my paper"


async def _unanswered(app: FastAPI, db: Database) -> int:
    kb = app.state.panel.knowledge
    async with db.uow() as uow:
        await save_article(uow, kb, actor=operator(), article=printer())
        found = await suggestions.suggest(uow, kb, question=QUESTION, channel="telegram")
        assert found.items == [], "the bot cannot answer it yet"
        await uow.commit()
        [group] = await uow.knowledge_log.unanswered()
    assert group.id is not None
    return group.id


async def test_an_unanswered_question_becomes_a_phrasing_and_is_then_answered(
    app: FastAPI, client: httpx.AsyncClient, db: Database
) -> None:
    group_id = await _unanswered(app, db)
    chief = await make_user(db, "sam@example.com", role="supervisor")
    csrf = await signed_in(client, chief)
    log = await client.get("/kb/unanswered")
    assert QUESTION in log.text and "Write an article from this" in log.text
    picker = await client.get(f"/kb/unanswered/{group_id}", params={"article": "printer-jam"})
    assert picker.status_code == 200
    assert "With the phrasing added to" in picker.text and "The bot would answer" in picker.text
    added = await client.post(
        f"/kb/unanswered/{group_id}/phrasing",
        data={"csrf_token": csrf, "article_id": "printer-jam", "phrasing": QUESTION},
    )
    assert added.status_code == 303 and added.headers["location"] == "/kb/articles/printer-jam"
    kb = app.state.panel.knowledge
    assert [s.article_id for s in kb.engine.suggest(QUESTION)] == ["printer-jam"]
    assert QUESTION not in (await client.get("/kb/unanswered")).text
    again = await client.post(
        f"/kb/unanswered/{group_id}/phrasing",
        data={"csrf_token": csrf, "article_id": "printer-jam"},
    )
    assert again.status_code == 404, "a question already handled is no longer in the log"


async def test_write_an_article_from_a_question_and_dismiss_another(
    app: FastAPI, client: httpx.AsyncClient, db: Database, agent_user: PanelUser
) -> None:
    group_id = await _unanswered(app, db)
    csrf = await signed_in(client, agent_user)
    form = await client.get(f"/kb/new?unanswered={group_id}")
    assert f'value="{QUESTION}"' in form.text, "the draft starts from the question"
    assert "Add as a phrasing of" not in (await client.get("/kb/unanswered")).text, (
        "agents write articles; the other actions are for supervisors"
    )
    refused = await client.post(f"/kb/unanswered/{group_id}/dismiss", data={"csrf_token": csrf})
    assert refused.status_code == 403
    saved = await client.post(
        "/kb/new",
        data={
            "csrf_token": csrf,
            "article_id": "copier-paper",
            "title": "The copier eats paper",
            "body": "Fan the paper before loading it.",
            "language": "en",
            "phrasings": QUESTION,
            "intent": "draft",
            "unanswered_id": str(group_id),
        },
    )
    assert saved.status_code == 303
    async with db.uow() as uow:
        group = await uow.knowledge_log.unanswered_group(group_id)
        assert group is not None and group.resolved


async def test_a_supervisor_dismisses_a_question(
    app: FastAPI, client: httpx.AsyncClient, db: Database
) -> None:
    group_id = await _unanswered(app, db)
    csrf = await signed_in(client, await make_user(db, "sam@example.com", role="supervisor"))
    dismissed = await client.post(f"/kb/unanswered/{group_id}/dismiss", data={"csrf_token": csrf})
    assert dismissed.status_code == 303
    assert QUESTION not in (await client.get("/kb/unanswered")).text


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


async def test_zip_export_and_import_round_trip_and_bad_archives_are_refused(
    app: FastAPI, client: httpx.AsyncClient, db: Database, admin_user: PanelUser
) -> None:
    async with db.uow() as uow:
        await save_article(uow, app.state.panel.knowledge, actor=operator(), article=printer())
        await uow.commit()
    csrf = await signed_in(client, admin_user)
    exported = await client.get("/kb/export")
    assert exported.headers["content-type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(exported.content)).namelist()
    assert names == ["articles/printer-jam.md"]
    text = zipfile.ZipFile(io.BytesIO(exported.content)).read(names[0]).decode()
    edited = text.replace("The printer jams", "The printer jams again")
    upload = _zip(
        {
            "kb/printer-jam.md": edited.encode(),
            "kb/broken.md": b"no front matter here",
            "kb/picture.png": b"\x89PNG",
        }
    )
    imported = await client.post(
        "/kb/import",
        data={"csrf_token": csrf},
        files={"archive": ("kb.zip", upload, "application/zip")},
    )
    assert imported.status_code == 200
    assert "0 created, 1 updated, 0 unchanged, 1 refused" in imported.text
    assert "broken.md" in imported.text and "no front matter" in imported.text
    kb = app.state.panel.knowledge
    assert [s.article_id for s in kb.engine.suggest("printer jams again")] == ["printer-jam"]

    not_zip = await client.post(
        "/kb/import",
        data={"csrf_token": csrf},
        files={"archive": ("kb.zip", b"plain text", "application/zip")},
    )
    assert not_zip.status_code == 400 and "not a zip file" in not_zip.text
    bomb = _zip({f"a{n}.md": b"x" * 6_000_000 for n in range(10)})
    assert len(bomb) < 1_000_000
    refused = await client.post(
        "/kb/import",
        data={"csrf_token": csrf},
        files={"archive": ("kb.zip", bomb, "application/zip")},
    )
    assert refused.status_code == 400 and "50 MB unpacked" in refused.text
    huge = await client.post(
        "/kb/import",
        data={"csrf_token": csrf},
        files={"archive": ("kb.zip", b"0" * (21 * 1024 * 1024), "application/zip")},
    )
    assert huge.status_code == 413


async def test_import_and_export_are_not_for_agents(
    client: httpx.AsyncClient, agent_user: PanelUser
) -> None:
    await signed_in(client, agent_user)
    assert (await client.get("/kb/export")).status_code == 403
    assert (await client.get("/kb/import")).status_code == 403
