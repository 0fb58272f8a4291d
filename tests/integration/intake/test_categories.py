"""The category tree: curated by admins, offered level by level in the intake."""

from __future__ import annotations

import pytest

from core.domain.enums import Role, TicketType
from core.errors import InvalidInput, NotFound, PermissionDenied
from core.services import categories
from core.services.context import operator
from storage.unit_of_work import Database
from tests.integration.intake.harness import Desk, buttons
from tests.support.desk import make_groups, make_person


async def _tree(db: Database) -> None:
    await make_groups(db)  # "network", routed to service-desk
    async with db.uow() as uow:
        admin = operator()
        await categories.add_category(
            uow, actor=admin, slug="hardware", name="Hardware", labels={"ru": "Оборудование"}
        )
        await categories.add_category(
            uow,
            actor=admin,
            slug="printers",
            name="Printers",
            parent="hardware",
            group="infrastructure",
            ticket_type=TicketType.SERVICE_REQUEST,
        )
        await categories.add_category(
            uow, actor=admin, slug="laptops", name="Laptops", parent="hardware"
        )
        await uow.commit()


async def test_the_intake_walks_down_the_tree(db: Database, channel: str) -> None:
    await _tree(db)
    desk = await Desk(db, channel=channel).start()
    rita = desk.user("Rita", "501")
    top = await rita.says("The printer on floor 3 eats paper")
    assert list(buttons(top)) == ["Network", "Hardware", "Not sure", "Cancel"]
    sub = await rita.press(buttons(top)["Hardware"])
    assert sub.texts() == ["Which of these, more exactly?"]
    assert list(buttons(sub)) == ["Printers", "Laptops", "Not sure", "Cancel"]
    assert (await rita.press(buttons(top)["Network"])).toast == "This button is no longer active."
    impact = await rita.press(buttons(sub)["Printers"])
    assert impact.texts() == ["Who is affected?"]
    urgency = await rita.press(buttons(impact)["Just me"])
    await rita.press(buttons(urgency)["It can wait"])
    summary = await rita.press("done")
    assert "Category: Printers" in summary.texts()[0]
    await rita.press(buttons(summary)["Create"])
    async with db.uow() as uow:
        ticket = await uow.tickets.get(1001)
        printers = await uow.catalog.category("printers")
        infrastructure = await uow.catalog.group("infrastructure")
    assert ticket is not None and printers is not None and infrastructure is not None
    assert ticket.category_id == printers.id and ticket.group_id == infrastructure.id
    assert ticket.type is TicketType.SERVICE_REQUEST


async def test_not_sure_under_a_parent_keeps_the_parent(db: Database, channel: str) -> None:
    await _tree(db)
    desk = await Desk(db, channel=channel).start()
    ivan = desk.user("Иван", "777", language="ru")
    top = await ivan.says("Что-то с железом")
    sub = await ivan.press(buttons(top)["Оборудование"])
    assert sub.texts() == ["А точнее — что из этого?"]
    impact = await ivan.press(buttons(sub)["Не знаю"])
    urgency = await ivan.press(buttons(impact)["Только меня"])
    await ivan.press(buttons(urgency)["Может подождать"])
    summary = await ivan.press("done")
    assert "Оборудование" in summary.texts()[0]


async def test_archived_categories_are_offered_to_nobody(db: Database, channel: str) -> None:
    await _tree(db)
    async with db.uow() as uow:
        archived = await categories.archive_category(uow, actor=operator(), slug="hardware")
        await uow.commit()
    assert [c.slug for c in archived] == ["hardware", "printers", "laptops"]
    desk = await Desk(db, channel=channel).start()
    top = await desk.user("Rita", "501").says("The printer eats paper")
    assert list(buttons(top)) == ["Network", "Not sure", "Cancel"]


async def test_curating_categories_is_checked(db: Database) -> None:
    await _tree(db)
    agent = await make_person(db, "Alice", role=Role.AGENT, external_id="11")
    async with db.uow() as uow:
        with pytest.raises(PermissionDenied):
            await categories.add_category(uow, actor=agent, slug="x", name="X")
        for slug, parent, group in [
            ("Bad Slug", None, None),
            ("printers", None, None),
            ("x", "nowhere", None),
            ("x", None, "nowhere"),
        ]:
            with pytest.raises((InvalidInput, NotFound)):
                await categories.add_category(
                    uow, actor=operator(), slug=slug, name="X", parent=parent, group=group
                )
        renamed = await categories.rename_category(
            uow, actor=operator(), slug="printers", name="Принтеры и сканеры", language="ru"
        )
        assert renamed.name == "Printers" and renamed.label("ru") == "Принтеры и сканеры"
        nodes = categories.tree(await uow.catalog.categories())
    assert [(n.category.slug, n.depth) for n in nodes] == [
        ("network", 0),
        ("hardware", 0),
        ("printers", 1),
        ("laptops", 1),
    ]
