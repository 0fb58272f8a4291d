"""`chatdesk categories ...`: the tree of what requests are about."""

from __future__ import annotations

import click

from chatdesk.cli.runtime import command_runner, open_database
from core.domain.enums import TicketType
from core.services import categories
from core.services.context import operator
from core.settings import SUPPORTED_LANGUAGES, Settings

TYPES = click.Choice([t.value for t in TicketType])


@click.group("categories")
def categories_group() -> None:
    """Manage categories: what requests are about, and where their tickets go."""


@categories_group.command("add")
@click.argument("slug")
@click.argument("name")
@click.option("--parent", help="The category this one sits under (its short name).")
@click.option("--group", help="Group (queue) its tickets go to.")
@click.option("--type", "ticket_type", type=TYPES, default="incident", show_default=True)
@click.option("--ru", "name_ru", help="The name in Russian.")
@command_runner
async def categories_add(
    settings: Settings,
    slug: str,
    name: str,
    parent: str | None,
    group: str | None,
    ticket_type: str,
    name_ru: str | None,
) -> None:
    """Add category SLUG (a short kebab-case name) called NAME."""
    async with open_database(settings) as database, database.uow() as uow:
        category = await categories.add_category(
            uow,
            actor=operator(),
            slug=slug,
            name=name,
            parent=parent,
            group=group,
            ticket_type=TicketType(ticket_type),
            labels={"ru": name_ru} if name_ru else None,
        )
        await uow.commit()
    where = f" under {parent}" if parent else ""
    click.echo(f"category {category.slug} ({category.name}) added{where}")


@categories_group.command("list")
@click.option("--all", "show_all", is_flag=True, help="Archived categories too.")
@command_runner
async def categories_list(settings: Settings, show_all: bool) -> None:
    """The categories as a tree: short name, name, group, ticket type."""
    async with open_database(settings) as database, database.uow() as uow:
        found = await uow.catalog.categories(active_only=not show_all)
        groups = {g.id: g.name for g in await uow.catalog.groups()}
    if not found:
        click.echo(
            "no categories: add one with `chatdesk categories add SLUG NAME`"
            + ("" if show_all else " (--all lists archived ones)")
        )
    for node in categories.tree(found):
        c = node.category
        names = " / ".join(
            [c.name, *(c.labels[lang] for lang in sorted(c.labels) if c.labels[lang] != c.name)]
        )
        group = groups.get(c.default_group_id, "-") if c.default_group_id else "-"
        archived = "  (archived)" if not c.is_active else ""
        click.echo(
            f"{'  ' * node.depth}{c.slug:<{24 - 2 * node.depth}} {names:<40} {group:<16} {c.default_type.value}{archived}"
        )


@categories_group.command("rename")
@click.argument("slug")
@click.argument("name")
@click.option(
    "--lang", type=click.Choice(SUPPORTED_LANGUAGES), help="Only the name in this language."
)
@command_runner
async def categories_rename(settings: Settings, slug: str, name: str, lang: str | None) -> None:
    """Rename category SLUG to NAME."""
    async with open_database(settings) as database, database.uow() as uow:
        await categories.rename_category(uow, actor=operator(), slug=slug, name=name, language=lang)
        await uow.commit()
    click.echo(f"category {slug} is now called {name}" + (f" in {lang}" if lang else ""))


@categories_group.command("archive")
@click.argument("slug")
@command_runner
async def categories_archive(settings: Settings, slug: str) -> None:
    """Stop offering category SLUG (and those under it); tickets keep theirs."""
    async with open_database(settings) as database, database.uow() as uow:
        archived = await categories.archive_category(uow, actor=operator(), slug=slug)
        await uow.commit()
    click.echo("archived: " + ", ".join(c.slug for c in archived))
