"""``/api/v1/people``, ``/groups`` and ``/categories``: who works the desk and how it is
organised (read-only; agents are added with `chatdesk agents` or invite links)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel
from sqlalchemy import func, select

from admin.deps import UowDep
from admin.routes.api import Caller, scoped
from core.domain.accounts import Scope
from core.domain.enums import Role
from core.errors import NotFound
from core.services.categories import tree
from storage import tables as t

router = APIRouter(tags=["people"])
Reader = Annotated[Caller, scoped(Scope.PEOPLE_READ)]
PER_PAGE = 50
RoleName = Literal["requester", "agent", "supervisor", "admin"]


class IdentityOut(BaseModel):
    channel: str
    external_id: str
    username: str | None


class PersonOut(BaseModel):
    id: int
    name: str
    role: RoleName
    language: str
    email: str | None
    line: int | None
    active: bool


class PersonDetailOut(PersonOut):
    identities: list[IdentityOut]
    groups: list[str]


class PeoplePageOut(BaseModel):
    items: list[PersonOut]
    page: int
    per_page: int
    total: int


class GroupOut(BaseModel):
    id: int
    name: str
    line: int
    description: str
    escalates_to: int | None
    members: list[int]


class CategoryOut(BaseModel):
    id: int
    slug: str
    name: str
    labels: dict[str, str]
    parent_id: int | None
    depth: int
    default_group_id: int | None
    default_type: str
    active: bool


@router.get("/people", response_model=PeoplePageOut, summary="People, agents first")
async def list_people(
    caller: Reader,
    uow: UowDep,
    role: RoleName | None = None,
    q: Annotated[str, Query(max_length=200)] = "",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> PeoplePageOut:
    c = t.people.c
    query = select(t.people)
    if role is not None:
        query = query.where(c.role == Role[role.upper()])
    if q.strip():
        escaped = q.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(c.display_name.ilike(f"%{escaped}%", escape="\\"))
    total = (
        await uow.session.execute(select(func.count()).select_from(query.subquery()))
    ).scalar_one()
    rows = await uow.session.execute(
        query.order_by(c.role.desc(), c.display_name, c.id)
        .limit(PER_PAGE)
        .offset((page - 1) * PER_PAGE)
    )
    items = [
        PersonOut(
            id=row.id,
            name=row.display_name,
            role=Role(row.role).label,  # type: ignore[arg-type]
            language=row.language,
            email=row.email,
            line=int(row.support_line) if row.support_line else None,
            active=row.is_active,
        )
        for row in rows
    ]
    return PeoplePageOut(items=items, page=page, per_page=PER_PAGE, total=total)


@router.get("/people/{person_id}", response_model=PersonDetailOut, summary="A person")
async def read_person(
    caller: Reader, uow: UowDep, person_id: Annotated[int, Path(ge=1, le=2**53)]
) -> PersonDetailOut:
    person = await uow.people.get(person_id)
    if person is None or person.id is None:
        raise NotFound("There is no person {id}.", id=person_id)
    groups = [g.name for g in await uow.catalog.groups() if g.id is not None and person.id in {
        m.person_id for m in await uow.catalog.members(g.id)
    }]  # fmt: skip
    return PersonDetailOut(
        id=person.id,
        name=person.display_name,
        role=person.role.label,  # type: ignore[arg-type]
        language=person.language,
        email=person.email,
        line=int(person.support_line) if person.support_line else None,
        active=person.is_active,
        identities=[
            IdentityOut(channel=i.channel, external_id=i.external_id, username=i.username)
            for i in await uow.people.identities(person.id)
        ],
        groups=groups,
    )


@router.get("/groups", response_model=list[GroupOut], summary="Groups (queues)")
async def list_groups(caller: Reader, uow: UowDep) -> list[GroupOut]:
    out = []
    for group in await uow.catalog.groups():
        assert group.id is not None
        members = [m.person_id for m in await uow.catalog.members(group.id)]
        out.append(
            GroupOut(
                id=group.id,
                name=group.name,
                line=int(group.line),
                description=group.description,
                escalates_to=group.escalation_group_id,
                members=members,
            )
        )
    return out


@router.get("/categories", response_model=list[CategoryOut], summary="Categories, in tree order")
async def list_categories(caller: Reader, uow: UowDep) -> list[CategoryOut]:
    nodes = tree(await uow.catalog.categories(active_only=False))
    return [
        CategoryOut(
            id=n.category.id or 0,
            slug=n.category.slug,
            name=n.category.name,
            labels=n.category.labels,
            parent_id=n.category.parent_id,
            depth=n.depth,
            default_group_id=n.category.default_group_id,
            default_type=n.category.default_type.value,
            active=n.category.is_active,
        )
        for n in nodes
    ]
