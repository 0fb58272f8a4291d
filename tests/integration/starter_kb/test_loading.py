"""Loading the starter knowledge base on both databases: idempotent, and an admin's edit wins."""

from __future__ import annotations

import dataclasses

from sqlalchemy import delete

from chatdesk.demo import load_demo
from chatdesk.starter_kb import content_hash, load_starter_kb, shipped_files
from core.domain.knowledge import Article, ArticleStatus
from core.services import article_curation, knowledge_index
from core.services.context import operator
from kb.markdown_files import parse_article_file, render_article_file
from storage import tables
from storage.unit_of_work import Database

SHIPPED = shipped_files()


def _shipped_with(article_id: str, **changes: object) -> list[tuple[str, str]]:
    """The shipped files with one article changed, as a later chatdesk release would ship it."""
    files = []
    for name, text in SHIPPED:
        item = parse_article_file(text)
        if item.id == article_id:
            text = render_article_file(dataclasses.replace(item, **changes))  # type: ignore[arg-type]
        files.append((name, text))
    return files


async def _article(db: Database, article_id: str) -> Article:
    async with db.uow() as uow:
        article = await uow.articles.get(article_id)
    assert article is not None, article_id
    return article


async def _edit(db: Database, article_id: str, **changes: object) -> None:
    async with db.uow() as uow:
        article = await uow.articles.get(article_id)
        assert article is not None
        edited = dataclasses.replace(article, **changes)  # type: ignore[arg-type]
        await article_curation.save_article(
            uow, knowledge_index.KnowledgeBase(), actor=operator(), article=edited
        )
        await uow.commit()


async def _count(db: Database) -> int:
    async with db.uow() as uow:
        return len(await uow.articles.all())


async def test_first_load_adds_every_article_and_a_second_changes_nothing(db: Database) -> None:
    first = await load_starter_kb(db)
    assert len(first.added) == len(SHIPPED) and not (first.updated or first.kept)
    assert await _count(db) == len(SHIPPED)
    second = await load_starter_kb(db)
    assert second.added == [] and second.updated == [] and second.kept == []
    assert len(second.unchanged) == len(SHIPPED)
    stored = await _article(db, "vpn-drops")
    assert stored.status == ArticleStatus.PUBLISHED
    assert content_hash(stored) == content_hash(parse_article_file(dict(SHIPPED)["vpn-drops.md"]))


async def test_an_admins_edit_survives_the_next_demo(db: Database) -> None:
    await load_demo(db)
    await load_starter_kb(db)
    await _edit(db, "printer-not-printing", body="Printers on our floor: call Ann on 1234.\n")
    await _edit(db, "wifi-connect", status=ArticleStatus.ARCHIVED)

    await load_demo(db)
    report = await load_starter_kb(db)

    assert sorted(report.kept) == ["printer-not-printing", "wifi-connect"]
    assert (await _article(db, "printer-not-printing")).body.startswith("Printers on our floor")
    assert (await _article(db, "wifi-connect")).status == ArticleStatus.ARCHIVED
    assert await _count(db) == len(SHIPPED)


async def test_a_new_release_updates_untouched_articles_and_keeps_edited_ones(
    db: Database,
) -> None:
    await load_starter_kb(db)
    await _edit(db, "vpn-connect", title="VPN: our own instructions")
    release = _shipped_with("vpn-drops", tags=("vpn", "dropouts"))
    release = [
        (name, text.replace("VPN client your company uses", "VPN client we use"))
        if name == "vpn-connect.md"
        else (name, text)
        for name, text in release
    ]

    report = await load_starter_kb(db, files=release)

    assert report.updated == ["vpn-drops"]
    assert report.kept == ["vpn-connect"]
    assert (await _article(db, "vpn-drops")).tags == ["vpn", "dropouts"]
    vpn = await _article(db, "vpn-connect")
    assert vpn.title == "VPN: our own instructions" and "VPN client your company uses" in vpn.body
    again = await load_starter_kb(
        db, files=release
    )  # the updated one is ours again, still unedited
    assert again.updated == [] and again.kept == ["vpn-connect"]


async def test_deleted_and_foreign_articles_are_left_alone(db: Database) -> None:
    async with db.uow() as uow:  # an admin wrote their own article under a shipped id first
        own = Article(
            id="disk-full", title="Disk full? Call Bob", body="Bob fixes it.\n", language="en"
        )
        await article_curation.save_article(
            uow, knowledge_index.KnowledgeBase(), actor=operator(), article=own
        )
        await uow.commit()
    first = await load_starter_kb(db)
    assert first.kept == ["disk-full"]
    assert (await _article(db, "disk-full")).title == "Disk full? Call Bob"

    async with db.uow() as uow:  # an admin deleted a starter article they did not want
        await uow.session.execute(
            delete(tables.kb_articles).where(tables.kb_articles.c.id == "out-of-office-ru")
        )
        await uow.commit()
    second = await load_starter_kb(db)
    assert "out-of-office-ru" in second.kept and second.added == []
    async with db.uow() as uow:
        assert await uow.articles.get("out-of-office-ru") is None


async def test_the_loaded_base_answers_questions(db: Database) -> None:
    await load_starter_kb(db)
    kb = knowledge_index.KnowledgeBase()
    async with db.uow() as uow:
        await kb.load(uow)
    assert [s.article_id for s in kb.engine.suggest("vpn keeps disconnecting")][:1] == ["vpn-drops"]
    assert [s.article_id for s in kb.engine.suggest("принтер не печатает")][:1] == [
        "printer-not-printing-ru"
    ]
