"""Curating categories: a tree of what requests are about, each with an optional default
group (where its tickets go) and a default ticket type."""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.domain.entities import Category
from core.domain.enums import Role, TicketType
from core.errors import InvalidInput, NotFound
from core.ports import UnitOfWork
from core.services.context import Actor, clean_text, require_role
from core.settings import SUPPORTED_LANGUAGES

SLUG_MAX = 50
NAME_MAX = 100
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


@dataclass(frozen=True, slots=True)
class CategoryNode:
    """A category with its depth in the tree, for listing in tree order."""

    category: Category
    depth: int


async def add_category(
    uow: UnitOfWork,
    *,
    actor: Actor,
    slug: str,
    name: str,
    parent: str | None = None,
    group: str | None = None,
    ticket_type: TicketType = TicketType.INCIDENT,
    labels: dict[str, str] | None = None,
) -> Category:
    """A new category, last among its siblings. ``labels``: the name in other languages."""
    require_role(actor, Role.ADMIN, doing="manage categories")
    if len(slug) > SLUG_MAX or not _SLUG.fullmatch(slug):
        raise InvalidInput(
            "A category's short name '{slug}' must be kebab-case (a-z, 0-9, -), "
            "at most {limit} characters.",
            slug=slug[:SLUG_MAX],
            limit=SLUG_MAX,
        )
    if await uow.catalog.category(slug) is not None:
        raise InvalidInput("There is a category '{slug}' already.", slug=slug)
    title = clean_text(name, what="name", limit=NAME_MAX)
    names = {
        lang: clean_text(text, what="name", limit=NAME_MAX) for lang, text in (labels or {}).items()
    }
    if unknown := set(names) - set(SUPPORTED_LANGUAGES):
        raise InvalidInput("Unsupported language '{language}'.", language=sorted(unknown)[0])
    parent_category = await _active(uow, parent) if parent else None
    default_group = await uow.catalog.group(group) if group else None
    if group and default_group is None:
        raise InvalidInput("Unknown group '{group}'.", group=group)
    everything = await uow.catalog.categories(active_only=False)
    category = Category(
        slug=slug,
        name=title,
        labels=names,
        default_group_id=default_group.id if default_group else None,
        default_type=ticket_type,
        parent_id=parent_category.id if parent_category else None,
        sort_order=max((c.sort_order for c in everything), default=-1) + 1,
    )
    uow.add(category)
    await uow.flush()
    return category


async def rename_category(
    uow: UnitOfWork, *, actor: Actor, slug: str, name: str, language: str | None = None
) -> Category:
    """Give a category a new name (``language``: only its name in that language)."""
    require_role(actor, Role.ADMIN, doing="manage categories")
    category = await _get(uow, slug)
    title = clean_text(name, what="name", limit=NAME_MAX)
    if language is None:
        category.name = title
    elif language in SUPPORTED_LANGUAGES:
        category.labels = {**category.labels, language: title}
    else:
        raise InvalidInput("Unsupported language '{language}'.", language=language)
    return category


async def archive_category(uow: UnitOfWork, *, actor: Actor, slug: str) -> list[Category]:
    """Offer a category, and every category under it, to nobody any more. Tickets keep theirs.
    Returns the categories archived."""
    require_role(actor, Role.ADMIN, doing="manage categories")
    root = await _active(uow, slug)
    archived = [node.category for node in tree(await uow.catalog.categories(), root=root)]
    for category in archived:
        category.is_active = False
    return archived


def tree(categories: list[Category], *, root: Category | None = None) -> list[CategoryNode]:
    """Categories in tree order (each followed by its children), starting at ``root`` (itself
    included) or at the top. A category whose parent is missing from the list is a top one."""
    known = {c.id for c in categories}
    children: dict[int | None, list[Category]] = {}
    for category in categories:
        parent = category.parent_id if category.parent_id in known else None
        children.setdefault(parent, []).append(category)
    out: list[CategoryNode] = []

    def walk(category: Category, depth: int) -> None:
        out.append(CategoryNode(category, depth))
        for child in children.get(category.id, []):
            walk(child, depth + 1)

    for top in [root] if root is not None else children.get(None, []):
        walk(top, 0)
    return out


def choices(categories: list[Category], parent_id: int | None) -> list[Category]:
    """The active categories directly under ``parent_id`` (the top ones for None)."""
    known = {c.id for c in categories if c.is_active}
    return [
        c
        for c in categories
        if c.is_active and (c.parent_id if c.parent_id in known else None) == parent_id
    ]


async def _get(uow: UnitOfWork, slug: str) -> Category:
    category = await uow.catalog.category(slug)
    if category is None:
        raise NotFound("There is no category '{slug}'.", slug=slug)
    return category


async def _active(uow: UnitOfWork, slug: str) -> Category:
    category = await _get(uow, slug)
    if not category.is_active:
        raise InvalidInput("Category '{slug}' is archived.", slug=slug)
    return category
