"""`chatdesk kb ...`: import, export, search, evaluate and inspect the knowledge base."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from chatdesk.cli.runtime import command_runner, open_database
from core.domain.knowledge import ArticleStatus, CandidateStatus
from core.errors import ChatdeskError, InvalidInput
from core.services import article_curation, knowledge_index, phrasing_learning
from core.services.context import operator
from core.settings import Settings
from kb.encoder import EncoderLoader
from kb.evaluation import evaluate
from storage.kb_read_models import phrasing_candidates, translation_group
from storage.unit_of_work import Database

MAX_FILE_BYTES = 1_000_000


@click.group("kb")
def kb_group() -> None:
    """The knowledge base: articles and suggestions."""


@kb_group.command("import")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@command_runner
async def kb_import(settings: Settings, path: Path) -> None:
    """Create or update articles from PATH (a folder of .md files, or one file)."""
    files = sorted(path.glob("*.md")) if path.is_dir() else [path]
    if not files:
        raise ChatdeskError(f"no .md files in {path}")
    readable: list[tuple[str, str]] = []
    unreadable: list[tuple[str, str]] = []
    for file in files:
        if file.stat().st_size > MAX_FILE_BYTES:
            unreadable.append((file.name, f"larger than {MAX_FILE_BYTES // 1000} kB"))
            continue
        try:
            readable.append((file.name, file.read_text(encoding="utf-8")))
        except UnicodeDecodeError:
            unreadable.append((file.name, "not UTF-8 text"))
    async with open_database(settings) as database, database.uow() as uow:
        report = await article_curation.import_articles(
            uow, knowledge_index.KnowledgeBase(), actor=operator(), files=readable
        )
        await uow.commit()
    for name, problem in [*unreadable, *report.errors]:
        click.echo(f"skipped {name}: {problem}", err=True)
    for article_id, original in report.linked:
        click.echo(f"linked {article_id} as the translation of {original} (by its name)")
    click.echo(
        f"{len(report.created)} created, {len(report.updated)} updated, {len(report.unchanged)} unchanged, "
        f"{len(unreadable) + len(report.errors)} skipped"
    )


@kb_group.command("export")
@click.argument("path", type=click.Path(file_okay=False, path_type=Path))
@command_runner
async def kb_export(settings: Settings, path: Path) -> None:
    """Write every article to PATH as Markdown with front matter (the import format)."""
    async with open_database(settings) as database, database.uow() as uow:
        files = await article_curation.export_articles(uow)
    path.mkdir(parents=True, exist_ok=True)
    for name, text in files:
        (path / name).write_text(text, encoding="utf-8")
    click.echo(f"{len(files)} articles written to {path}")


async def _loaded(database: Database, settings: Settings) -> knowledge_index.KnowledgeBase:
    """The index as the bot has it (with the semantic model unless it is switched off); the
    vectors it had to encode are stored, so the next command reuses them."""
    model = EncoderLoader() if settings.kb_semantic else None
    kb = knowledge_index.KnowledgeBase(model=model)
    async with database.uow() as uow:
        await kb.load(uow)
        await uow.commit()
    return kb


@kb_group.command("starter")
@command_runner
async def kb_starter(settings: Settings) -> None:
    """Load the starter articles shipped with chatdesk (25 IT-desk topics, English and Russian).

    Safe to repeat: adds what is missing, updates untouched articles, keeps edited ones."""
    from chatdesk.starter_kb import load_starter_kb

    async with open_database(settings) as database:
        report = await load_starter_kb(database)
    click.echo(f"starter knowledge base: {report.summary()}")
    if report.kept:
        click.echo(f"kept as they are: {', '.join(report.kept)}")


@kb_group.command("suggest")
@click.argument("text")
@click.option(
    "--lang", type=click.Choice(["en", "ru"]), help="The asker's language (detected when omitted)."
)
@click.option("--limit", type=click.IntRange(1, 20), default=3, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@command_runner
async def kb_suggest(
    settings: Settings, text: str, lang: str | None, limit: int, as_json: bool
) -> None:
    """Show the articles the bot would suggest for TEXT."""
    async with open_database(settings) as database:
        kb = await _loaded(database, settings)
        hits = kb.engine.suggest(text, language=lang, limit=limit)
        async with database.uow() as uow:
            rows = [(hit, await uow.articles.get(hit.article_id)) for hit in hits]
    if as_json:
        click.echo(
            json.dumps(
                [
                    {
                        "id": h.article_id,
                        "title": a.title if a else None,
                        "score": round(h.score, 4),
                    }
                    for h, a in rows
                ],
                ensure_ascii=False,
            )
        )
    elif not rows:
        click.echo("no article is confident enough: the bot would go straight to a ticket")
    else:
        for hit, article in rows:
            click.echo(f"{hit.score:.2f}  {hit.article_id:<28} {article.title if article else ''}")


@kb_group.command("eval")
@click.argument(
    "questions",
    nargs=-1,
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
)
@click.option("--by-language", is_flag=True, help="Add a row per language under each set.")
@click.option(
    "--json", "as_json", is_flag=True, help="Print one JSON object per set, one per line."
)
@command_runner
async def kb_eval(
    settings: Settings, questions: tuple[Path, ...], by_language: bool, as_json: bool
) -> None:
    """Measure suggestions on JSONL question files ({"q", "lang", "expected"} per line), one
    table row per file."""
    sets = {path.stem: _read_questions(path) for path in questions}
    async with open_database(settings) as database:
        kb = await _loaded(database, settings)
    if len(kb.engine) == 0:
        raise ChatdeskError(
            "the knowledge base has no published articles: run `chatdesk kb import PATH` first"
        )
    results = {
        name: evaluate(items, lambda q: kb.engine.suggest(q, limit=3))
        for name, items in sets.items()
    }
    if as_json:
        for name, result in results.items():
            overall = result.overall
            click.echo(
                json.dumps(
                    {
                        "set": name,
                        **vars_of(overall),
                        "n": overall.n + overall.n_oos,
                        "n_in_scope": overall.n,
                        "n_out_of_scope": overall.n_oos,
                        "semantic": kb.engine.semantic_ready,
                        "by_language": {lang: vars_of(m) for lang, m in result.by_language.items()},
                    }
                )
            )
        return
    width = max(8, *(len(name) for name in results))
    click.echo(
        f"{'set':<{width}} {'questions':>9} {'in scope':>8} {'out':>4} {'hit@1':>6} {'hit@3':>6} "
        f"{'MRR':>6} {'OOS rejection':>13}"
    )
    for name, result in results.items():
        rows = [(name, result.overall)]
        if by_language:
            rows += [(f"  {lang}", m) for lang, m in result.by_language.items()]
        for label, m in rows:
            click.echo(
                f"{label:<{width}} {m.n + m.n_oos:>9} {m.n:>8} {m.n_oos:>4} {m.hit_at_1:>6.3f} "
                f"{m.hit_at_3:>6.3f} {m.mrr:>6.3f} {m.oos_rejection:>13.3f}"
            )
    click.echo(f"engine: {_engine_kind(kb, settings)}")


def _read_questions(path: Path) -> list[dict[str, Any]]:
    items = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            if (
                not isinstance(item, dict)
                or not isinstance(item.get("q"), str)
                or "expected" not in item
            ):
                raise ValueError("needs the keys q and expected")
        except ValueError as exc:
            raise InvalidInput(f"{path.name} line {number}: {exc}") from None
        items.append(item)
    return items


def _engine_kind(kb: knowledge_index.KnowledgeBase, settings: Settings) -> str:
    if kb.engine.semantic_ready:
        return "lexical + semantic signals"
    if not settings.kb_semantic:
        return "lexical only (CHATDESK_KB_SEMANTIC=off)"
    return "lexical only (the semantic model could not be loaded; see the log)"


def vars_of(metrics: Any) -> dict[str, Any]:
    return {
        name: getattr(metrics, name)
        for name in ("n", "hit_at_1", "hit_at_3", "mrr", "n_oos", "oos_rejection")
    }


@kb_group.command("list")
@click.option(
    "--status", type=click.Choice([s.value for s in ArticleStatus]), help="Only this status."
)
@command_runner
async def kb_list(settings: Settings, status: str | None) -> None:
    """List articles with their use counters."""
    async with open_database(settings) as database, database.uow() as uow:
        await uow.articles.fold_uses()
        await uow.commit()
        articles = await uow.articles.all(status=ArticleStatus(status) if status else None)
    if not articles:
        click.echo("no articles: import some with `chatdesk kb import PATH`")
    for a in articles:
        click.echo(
            f"{a.id:<28} {a.language}  {a.status.value:<9} shown {a.suggested_count:>4}  opened {a.opened_count:>4}"
            f"  helped {a.helped_count:>4}  not {a.not_helped_count:>4}  {a.title}"
        )


@kb_group.command("show")
@click.argument("article_id")
@command_runner
async def kb_show(settings: Settings, article_id: str) -> None:
    """Show one article as it is stored."""
    async with open_database(settings) as database, database.uow() as uow:
        await uow.articles.fold_uses()
        await uow.commit()
        article = await uow.articles.get(article_id)
        group = await translation_group(uow, article_id)
    if article is None:
        raise ChatdeskError(f"There is no article {article_id!r}.")
    click.echo(
        f"{article.title}\n{article.id} · {article.language} · {article.category} · {article.status.value}"
        f" · tags: {', '.join(article.tags) or '-'}"
    )
    if len(group) > 1 or article.translation_of:
        names = [f"{m.id} ({m.language}{', original' if m.is_original else ''})" for m in group]
        missing = (
            [] if any(m.is_original for m in group) else [f"{article.translation_of} (missing)"]
        )
        click.echo("translations: " + ", ".join(missing + names))
    if article.phrasings:
        click.echo("phrasings: " + " | ".join(article.phrasings))
    click.echo(
        f"shown {article.suggested_count}, opened {article.opened_count}, helped {article.helped_count}, "
        f"not helped {article.not_helped_count}\n\n{article.body}"
    )


@kb_group.group("learn", invoke_without_command=True)
@click.option(
    "--status",
    type=click.Choice([*(s.value for s in CandidateStatus), "all"]),
    default="pending",
    show_default=True,
)
@click.option("--limit", type=click.IntRange(1, 1000), default=50, show_default=True)
@click.pass_context
def learn(ctx: click.Context, status: str, limit: int) -> None:
    """Questions articles answered ("this solved it", or an agent sent the article): phrasings
    the articles may learn, most confirmed first. Accept or reject them by number."""
    if ctx.invoked_subcommand is None:
        ctx.invoke(learn_list, status=status, limit=limit)


@command_runner
async def learn_list(settings: Settings, status: str, limit: int) -> None:
    wanted = None if status == "all" else CandidateStatus(status)
    async with open_database(settings) as database, database.uow() as uow:
        rows = await phrasing_candidates(uow, status=wanted, limit=limit)
    if not rows:
        click.echo(f"no {'' if wanted is None else wanted.value + ' '}phrasing candidates")
        return
    click.echo(
        f"added automatically once {settings.kb_learn_after} different people confirm one "
        "(CHATDESK_KB_LEARN_AFTER)"
    )
    for row in rows:
        c = row.candidate
        click.echo(
            f"{c.id:>5}  {c.people:>3} people  {c.status.value:<8}  {c.article_id:<28} "
            f"{c.sample[:80]}"
        )


@learn.command("accept")
@click.argument("candidate_id", type=int)
@command_runner
async def learn_accept(settings: Settings, candidate_id: int) -> None:
    """Add candidate CANDIDATE_ID to its article's phrasings."""
    await _decide(settings, candidate_id, accept=True)


@learn.command("reject")
@click.argument("candidate_id", type=int)
@command_runner
async def learn_reject(settings: Settings, candidate_id: int) -> None:
    """Never add candidate CANDIDATE_ID, however many people confirm it."""
    await _decide(settings, candidate_id, accept=False)


async def _decide(settings: Settings, candidate_id: int, *, accept: bool) -> None:
    async with open_database(settings) as database, database.uow() as uow:
        candidate = await phrasing_learning.decide(
            uow,
            knowledge_index.KnowledgeBase(),
            actor=operator(),
            candidate_id=candidate_id,
            accept=accept,
        )
        await uow.commit()
    verb = "added to" if accept else "rejected for"
    click.echo(f"{candidate.sample!r} {verb} {candidate.article_id}")


@kb_group.group("phrasings")
def phrasings() -> None:
    """Questions people ask for an article."""


@phrasings.command("add")
@click.argument("article_id")
@click.argument("text")
@command_runner
async def phrasings_add(settings: Settings, article_id: str, text: str) -> None:
    """Teach ARTICLE_ID the question TEXT."""
    async with open_database(settings) as database, database.uow() as uow:
        article = await article_curation.add_phrasing(
            uow,
            knowledge_index.KnowledgeBase(),
            actor=operator(),
            article_id=article_id,
            phrasing=text,
        )
        await uow.commit()
    click.echo(f"{article.id} now has {len(article.phrasings)} phrasing(s)")


@kb_group.command("unanswered")
@click.option("--limit", type=click.IntRange(1, 1000), default=30, show_default=True)
@command_runner
async def kb_unanswered(settings: Settings, limit: int) -> None:
    """Questions the knowledge base did not answer, most asked first: briefs for new articles."""
    async with open_database(settings) as database, database.uow() as uow:
        groups = await uow.knowledge_log.unanswered(limit=limit)
    if not groups:
        click.echo("no unanswered questions")
    for g in groups:
        click.echo(
            f"{g.count:>4}×  {g.language or '??'}  {g.reason.value:<13} {g.last_seen:%Y-%m-%d}  {g.sample[:100]}"
        )
