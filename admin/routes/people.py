"""People and structure: agents (role, line, groups, messenger identities, sign-in), invite
links, groups (queues) and the category tree. Supervisors manage agents and groups; invites
and categories are for admins, as on the command line."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select

from admin.changes import apply_change
from admin.deps import UowDep, VisitorDep, actor_of, csrf_protected, role_at_least
from admin.templating import redirect, render
from core.domain.entities import Person
from core.domain.enums import Role, SupportLine, TicketType
from core.services import categories, invites, staff
from core.services.accounts import Visitor
from core.services.invites import INVITE_PREFIX
from core.settings import SUPPORTED_LANGUAGES
from storage import tables as t
from storage.unit_of_work import SqlUnitOfWork

router = APIRouter(
    prefix="/people",
    include_in_schema=False,
    dependencies=[Depends(csrf_protected), role_at_least(Role.SUPERVISOR)],
)
Short = Annotated[str, Form(max_length=1000)]
ROLES = {"agent": Role.AGENT, "supervisor": Role.SUPERVISOR, "admin": Role.ADMIN}


async def _staff(uow: SqlUnitOfWork) -> list[Person]:
    """Everyone with an agent role or above, deactivated ones too (they can come back)."""
    query = (
        select(Person)
        .where(t.people.c.role >= int(Role.AGENT))
        .order_by(t.people.c.is_active.desc(), t.people.c.display_name)
    )
    return list((await uow.session.execute(query)).scalars())


async def _overview(
    request: Request,
    uow: SqlUnitOfWork,
    *,
    error: str | None = None,
    invite: str | None = None,
    status_code: int = 200,
) -> Response:
    agents = await _staff(uow)
    groups = await uow.catalog.groups()
    membership: dict[int, list[str]] = {}
    for group in groups:
        assert group.id is not None
        for member in await uow.catalog.members(group.id):
            membership.setdefault(member.person_id, []).append(group.name)
    identities = {p.id: await uow.people.identities(p.id) for p in agents if p.id is not None}
    return render(
        request,
        "people.html",
        {
            "section": "people",
            "agents": agents,
            "membership": membership,
            "identities": identities,
            "accounts": {a.person_id: a.email for a in await uow.accounts.all()},
            "groups": groups,
            "group_names": {g.id: g.name for g in groups},
            "nodes": categories.tree(await uow.catalog.categories(active_only=False)),
            "types": list(TicketType),
            "error": error,
            "invite": invite,
            "roles": ROLES,
        },
        status_code=status_code,
    )


@router.get("", response_class=HTMLResponse)
async def overview(request: Request, uow: UowDep) -> Response:
    return await _overview(request, uow)


async def _apply(
    request: Request,
    uow: SqlUnitOfWork,
    visitor: Visitor,
    change: Callable[[], Awaitable[Response]],
) -> Response:
    """Run ``change``; a refusal shows the overview again with the reason."""

    async def refused(error: str, status_code: int) -> Response:
        return await _overview(request, uow, error=error, status_code=status_code)

    return await apply_change(uow, visitor, change, refused_page=refused)


@router.get("/agents/{person_id}", response_class=HTMLResponse)
async def agent_form(request: Request, uow: UowDep, person_id: int) -> Response:
    person = await uow.people.get(person_id)
    if person is None or person.id is None or person.role < Role.AGENT:
        return render(request, "not_found.html", {"what": None}, status_code=404)
    groups = await uow.catalog.groups()
    member_of = set()
    for group in groups:
        assert group.id is not None
        if person.id in {m.person_id for m in await uow.catalog.members(group.id)}:
            member_of.add(group.name)
    return render(
        request,
        "agent.html",
        {
            "section": "people",
            "person": person,
            "groups": groups,
            "member_of": member_of,
            "identities": await uow.people.identities(person.id),
            "account": await uow.accounts.for_person(person.id),
            "roles": ROLES,
            "languages": SUPPORTED_LANGUAGES,
        },
    )


@router.post("/agents/{person_id}")
async def update_agent(
    request: Request,
    uow: UowDep,
    visitor: VisitorDep,
    person_id: int,
    display_name: Short = "",
    role: Short = "agent",
    line: Annotated[int, Form(ge=1, le=2)] = 1,
    group: Annotated[list[str] | None, Form(max_length=100)] = None,
    language: Short = "en",
    email: Short = "",
    active: Short = "",
) -> Response:
    changes = staff.AgentChanges(
        display_name=display_name,
        role=ROLES.get(role, Role.AGENT),
        line=SupportLine(line),
        groups=group or [],
        language=language,
        email=email,
        active=bool(active),
    )

    async def change() -> Response:
        await staff.update_agent(uow, actor=actor_of(visitor), person_id=person_id, changes=changes)
        return redirect("/people", notice="saved")

    return await _apply(request, uow, visitor, change)


@router.post("/invites", response_class=HTMLResponse, dependencies=[role_at_least(Role.ADMIN)])
async def invite(
    request: Request, uow: UowDep, visitor: VisitorDep, role: Short = "agent"
) -> Response:
    async def change() -> Response:
        token = await invites.create_invite(
            uow, actor=actor_of(visitor), role=ROLES.get(role, Role.AGENT)
        )
        link = f"/start {INVITE_PREFIX}{token}"
        return await _overview(request, uow, invite=link, status_code=201)

    return await _apply(request, uow, visitor, change)


@router.post("/groups")
async def save_group(
    request: Request,
    uow: UowDep,
    visitor: VisitorDep,
    name: Short = "",
    line: Annotated[int, Form(ge=1, le=2)] = 1,
    description: Short = "",
    escalates_to: Short = "",
    group_id: Annotated[int | None, Form(ge=1)] = None,
) -> Response:
    async def change() -> Response:
        await staff.save_group(
            uow,
            actor=actor_of(visitor),
            name=name,
            line=SupportLine(line),
            description=description,
            escalates_to=escalates_to or None,
            group_id=group_id,
        )
        return redirect("/people#groups", notice="saved")

    return await _apply(request, uow, visitor, change)


@router.post("/categories", dependencies=[role_at_least(Role.ADMIN)])
async def add_category(
    request: Request,
    uow: UowDep,
    visitor: VisitorDep,
    slug: Short = "",
    name: Short = "",
    name_ru: Short = "",
    parent: Short = "",
    group: Short = "",
    ticket_type: Short = "incident",
) -> Response:
    async def change() -> Response:
        await categories.add_category(
            uow,
            actor=actor_of(visitor),
            slug=slug.strip(),
            name=name,
            parent=parent or None,
            group=group or None,
            ticket_type=TicketType(ticket_type)
            if ticket_type in set(TicketType)
            else TicketType.INCIDENT,
            labels={"ru": name_ru} if name_ru.strip() else None,
        )
        return redirect("/people#categories", notice="saved")

    return await _apply(request, uow, visitor, change)


@router.post("/categories/{slug}/{action}", dependencies=[role_at_least(Role.ADMIN)])
async def change_category(
    request: Request,
    uow: UowDep,
    visitor: VisitorDep,
    slug: str,
    action: str,
    name: Short = "",
    language: Short = "",
) -> Response:
    async def change() -> Response:
        if action == "rename":
            await categories.rename_category(
                uow, actor=actor_of(visitor), slug=slug, name=name, language=language or None
            )
        elif action == "archive":
            await categories.archive_category(uow, actor=actor_of(visitor), slug=slug)
        else:
            return render(request, "not_found.html", {"what": None}, status_code=404)
        return redirect("/people#categories", notice="saved")

    return await _apply(request, uow, visitor, change)
