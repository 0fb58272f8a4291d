"""Knowledge-base use cases on both databases: import/export, publishing, learning from answers."""

from __future__ import annotations

import pytest

from core.domain.knowledge import Article, ArticleStatus, SuggestionOutcome, UnansweredReason
from core.errors import InvalidInput, NotFound, PermissionDenied
from core.services import article_curation, knowledge_index, suggestions
from core.services.context import operator
from storage.unit_of_work import Database
from tests.support.desk import make_person

VPN = """---
id: vpn-connect
title: Connecting to the corporate VPN
lang: en
category: network
tags: [vpn, remote]
---
Open the VPN client, choose the gateway and sign in with your company password.
"""
PRINTER = """---
id: printer-offline
title: Printer shows offline
lang: en
category: printing
tags: [printer]
---
Turn the printer off and on, check the network cable, then remove and re-add it.
"""
PRINTER_RU = (
    PRINTER.replace("id: printer-offline", "id: printer-offline-ru")
    .replace("Printer shows offline", "Принтер не в сети")
    .replace("lang: en", "lang: ru")
    .replace(
        "Turn the printer off and on, check the network cable, then remove and re-add it.",
        "Выключите и включите принтер, проверьте сетевой кабель.",
    )
)


async def _import(
    db: Database, kb: knowledge_index.KnowledgeBase, files: list[tuple[str, str]]
) -> article_curation.ImportReport:
    async with db.uow() as uow:
        report = await article_curation.import_articles(uow, kb, actor=operator(), files=files)
        await uow.commit()
    return report


async def test_import_is_idempotent_reports_bad_files_and_round_trips(db: Database) -> None:
    kb = knowledge_index.KnowledgeBase()
    files = [
        ("vpn-connect.md", VPN),
        ("printer-offline.md", PRINTER),
        ("printer-offline-ru.md", PRINTER_RU),
        ("notes.md", "just some notes, no front matter"),
        ("german.md", VPN.replace("id: vpn-connect", "id: vpn-de").replace("lang: en", "lang: de")),
        ("copy-a.md", PRINTER.replace("printer-offline", "dup")),
        ("copy-b.md", PRINTER.replace("printer-offline", "dup")),
    ]
    first = await _import(db, kb, files)
    assert sorted(first.created) == ["printer-offline", "printer-offline-ru", "vpn-connect"]
    assert first.linked == [("printer-offline-ru", "printer-offline")]  # by its name
    bad = dict(first.errors)
    assert set(bad) == {"notes.md", "german.md", "copy-a.md", "copy-b.md"}
    assert (
        "front matter" in bad["notes.md"]
        and "de" in bad["german.md"]
        and "duplicate id 'dup'" in bad["copy-a.md"]
    )

    second = await _import(db, knowledge_index.KnowledgeBase(), files)
    assert (second.created, second.updated) == ([], [])
    assert sorted(second.unchanged) == sorted(first.created)

    async with db.uow() as uow:
        exported = dict(await article_curation.export_articles(uow))
    assert exported == {
        "vpn-connect.md": VPN,
        "printer-offline.md": PRINTER,
        "printer-offline-ru.md": PRINTER_RU.replace(
            "tags: [printer]", "tags: [printer]\ntranslation_of: printer-offline"
        ),
    }

    changed = await _import(db, kb, [("vpn-connect.md", VPN.replace("gateway", "nearest gateway"))])
    assert changed.updated == ["vpn-connect"]


async def test_only_published_articles_are_suggested_and_edits_apply_at_once(db: Database) -> None:
    kb = knowledge_index.KnowledgeBase()
    await _import(db, kb, [("vpn-connect.md", VPN), ("printer-offline.md", PRINTER)])
    rita = await make_person(db, "Rita")
    async with db.uow() as uow:
        result = await suggestions.suggest(
            uow, kb, question="printer is offline", channel="telegram", person_id=rita.id
        )
        assert [s.article.id for s in result.items][:1] == ["printer-offline"]

        draft = await uow.articles.get("printer-offline")
        assert draft is not None
        draft.status = ArticleStatus.DRAFT
        await article_curation.save_article(uow, kb, actor=operator(), article=draft)
        result = await suggestions.suggest(
            uow, kb, question="printer is offline", channel="telegram"
        )
        assert "printer-offline" not in [s.article.id for s in result.items]
        await uow.commit()

    fresh = knowledge_index.KnowledgeBase()  # a restarted process loads published articles only
    async with db.uow() as uow:
        await fresh.load(uow)
        assert "printer-offline" not in fresh.engine and "vpn-connect" in fresh.engine

        vpn = await uow.articles.get("vpn-connect")
        assert vpn is not None
        before = await suggestions.suggest(
            uow, fresh, question="wireguard handshake fails", channel="telegram"
        )
        assert "vpn-connect" not in [s.article.id for s in before.items]
        vpn.body += "\nIf the WireGuard handshake fails, renew your WireGuard key in the portal."
        vpn.title = "Connecting to the corporate VPN (WireGuard)"
        await article_curation.save_article(uow, fresh, actor=operator(), article=vpn)
        after = await suggestions.suggest(
            uow, fresh, question="wireguard handshake fails", channel="telegram"
        )
        assert [s.article.id for s in after.items][:1] == ["vpn-connect"]


async def test_answers_update_counters_and_the_unanswered_log(db: Database) -> None:
    kb = knowledge_index.KnowledgeBase()
    await _import(db, kb, [("vpn-connect.md", VPN), ("printer-offline.md", PRINTER)])
    async with db.uow() as uow:
        helped = await suggestions.suggest(
            uow, kb, question="how do I connect to vpn", channel="telegram"
        )
        await suggestions.article_opened(uow, article_id="vpn-connect", event_id=helped.event_id)
        await suggestions.record_outcome(
            uow,
            event_id=helped.event_id,
            outcome=SuggestionOutcome.HELPED,
            article_id="vpn-connect",
        )
        not_helped = await suggestions.suggest(
            uow, kb, question="printer offline after move", channel="telegram"
        )
        await suggestions.record_outcome(
            uow, event_id=not_helped.event_id, outcome=SuggestionOutcome.NOT_HELPED
        )
        await suggestions.record_outcome(
            uow, event_id=not_helped.event_id, outcome=SuggestionOutcome.ESCALATED
        )
        for question in (
            "how do I book a vacation day",
            "How do I book a vacation day?",
            "how do i book vacation days",
        ):
            none = await suggestions.suggest(uow, kb, question=question, channel="telegram")
            assert none.items == []
        with pytest.raises(InvalidInput, match="not among the suggestions"):
            await suggestions.record_outcome(
                uow,
                event_id=helped.event_id,
                outcome=SuggestionOutcome.HELPED,
                article_id="printer-offline",
            )
        with pytest.raises(NotFound):
            await suggestions.record_outcome(uow, event_id=99999, outcome=SuggestionOutcome.HELPED)
        await uow.commit()

    async with db.uow() as uow:
        await uow.articles.fold_uses()
        vpn = await uow.articles.get("vpn-connect")
        printer = await uow.articles.get("printer-offline")
        assert vpn is not None and printer is not None
        assert (vpn.suggested_count >= 1, vpn.opened_count, vpn.helped_count) == (True, 1, 1)
        assert printer.not_helped_count == 1 and printer.helped_count == 0
        log = await uow.knowledge_log.unanswered()
        by_reason = {(g.reason, g.count) for g in log}
        assert (UnansweredReason.NO_SUGGESTION, 3) in by_reason, (
            "near-identical questions are one group"
        )
        assert (UnansweredReason.NOT_HELPED, 1) in by_reason
        event = await uow.knowledge_log.event(not_helped.event_id)
        assert event is not None and event.outcome is SuggestionOutcome.ESCALATED, (
            "not helped, then a ticket"
        )


async def test_phrasings_and_permissions(db: Database) -> None:
    kb = knowledge_index.KnowledgeBase()
    await _import(db, kb, [("vpn-connect.md", VPN)])
    rita = await make_person(db, "Rita")
    async with db.uow() as uow:
        with pytest.raises(PermissionDenied):
            await article_curation.add_phrasing(
                uow, kb, actor=rita, article_id="vpn-connect", phrasing="tunnel is down"
            )
        with pytest.raises(NotFound):
            await article_curation.add_phrasing(
                uow, kb, actor=operator(), article_id="nope", phrasing="x"
            )
        article = await article_curation.add_phrasing(
            uow,
            kb,
            actor=operator(),
            article_id="vpn-connect",
            phrasing="the tunnel to the office is down",
        )
        with pytest.raises(InvalidInput, match="already has"):
            await article_curation.add_phrasing(
                uow,
                kb,
                actor=operator(),
                article_id="vpn-connect",
                phrasing="The tunnel to the office is down",
            )
        await uow.commit()
    assert article.phrasings == ["the tunnel to the office is down"]
    async with db.uow() as uow:
        with pytest.raises(InvalidInput, match="kebab-case"):
            await article_curation.save_article(
                uow,
                kb,
                actor=operator(),
                article=Article(id="Bad Id", title="t", body="b", language="en"),
            )


async def test_a_running_index_takes_in_changes_made_elsewhere(db: Database, clock) -> None:  # type: ignore[no-untyped-def]
    running = knowledge_index.KnowledgeBase()  # e.g. inside `chatdesk run`
    async with db.uow() as uow:
        assert await running.sync(uow) == 0
    clock.advance(seconds=5)
    await _import(
        db,
        knowledge_index.KnowledgeBase(),
        [("vpn-connect.md", VPN), ("printer-offline.md", PRINTER)],
    )  # the CLI
    async with db.uow() as uow:
        assert await running.sync(uow) >= 2
        assert "vpn-connect" in running.engine and "printer-offline" in running.engine
    clock.advance(seconds=5)
    await _import(
        db,
        knowledge_index.KnowledgeBase(),
        [
            (
                "printer-offline.md",
                PRINTER.replace("tags: [printer]", "tags: [printer]\nstatus: archived"),
            )
        ],
    )
    async with db.uow() as uow:
        await running.sync(uow)
        assert "printer-offline" not in running.engine and "vpn-connect" in running.engine
