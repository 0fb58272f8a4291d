"""``/api/v1/people``, ``/groups`` and ``/categories``: who works the desk and how it is
organised. People are written through the same use cases as the panel's people screen (change
an agent) and ``chatdesk agents add`` (register one), with the same rules."""

from __future__ import annotations

from typing import Annotated, Literal, Self

from fastapi import APIRouter, Path, Query, Request, Response
from pydantic import BaseModel, Field, model_validator
from sqlalchemy import func, select

from admin.deps import PanelDep, UowDep
from admin.routes.api import Caller, scoped
from core.domain.accounts import Scope
from core.domain.enums import Role, SupportLine
from core.errors import InvalidInput, NotFound
from core.services import people, staff
from core.services.categories import tree
from core.settings import SUPPORTED_LANGUAGES
from storage import tables as t
from storage.unit_of_work import SqlUnitOfWork

router = APIRouter(tags=["people"])
Reader = Annotated[Caller, scoped(Scope.PEOPLE_READ)]
Writer = Annotated[Caller, scoped(Scope.PEOPLE_WRITE)]
PersonId = Annotated[int, Path(ge=1, le=2**53)]
PER_PAGE = 50
RoleName = Literal["requester", "agent", "supervisor", "admin"]
StaffRole = Literal["agent", "supervisor", "admin"]
LANGUAGES = f"One of: {', '.join(SUPPORTED_LANGUAGES)}."
GroupNames = list[Annotated[str, Field(max_length=100)]]


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


class IdentityIn(BaseModel):
    channel: str = Field(max_length=20, description="The messenger, e.g. telegram or slack.")
    external_id: str = Field(
        max_length=200,
        description="The user id there: a Telegram number, or Slack's TEAM_ID:USER_ID.",
    )
    username: str | None = Field(default=None, max_length=100)


class NewAgentIn(BaseModel):
    """An agent, supervisor or admin, known by one messenger account (as ``chatdesk agents
    add``); an account somebody already has is a conflict."""

    name: str = Field(max_length=1000)
    identity: IdentityIn
    role: StaffRole = "agent"
    line: Literal[1, 2] = 1
    groups: GroupNames = Field(default=[], max_length=100)
    email: str | None = Field(default=None, max_length=1000)
    language: str = Field(default="en", max_length=20, description=LANGUAGES)


class PersonChangesIn(BaseModel):
    """What to change of an agent, as on the panel's people screen: a field left out keeps its
    value; ``email`` null or empty removes the address; ``groups`` is the whole membership."""

    name: str | None = Field(default=None, max_length=1000)
    role: RoleName | None = None
    line: Literal[1, 2] | None = None
    language: str | None = Field(default=None, max_length=20, description=LANGUAGES)
    email: str | None = Field(default=None, max_length=1000)
    active: bool | None = None
    groups: GroupNames | None = Field(default=None, max_length=100)

    @model_validator(mode="after")
    def _null_only_for_email(self) -> Self:
        nulls = sorted(
            f for f in self.model_fields_set if f != "email" and getattr(self, f) is None
        )
        if nulls:
            raise ValueError(f"{', '.join(nulls)} cannot be null; leave it out to keep it")
        return self


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
async def read_person(caller: Reader, uow: UowDep, person_id: PersonId) -> PersonDetailOut:
    return await _detail(uow, person_id)


@router.post(
    "/people",
    response_model=PersonDetailOut,
    status_code=201,
    summary="Register an agent by a messenger account",
    responses={409: {"description": "The account belongs to somebody already"}},
)
async def create_person(
    caller: Writer,
    panel: PanelDep,
    uow: UowDep,
    request: Request,
    response: Response,
    body: NewAgentIn,
) -> PersonDetailOut:
    """Admins only, as ``chatdesk agents add``. The person's role applies on top of the
    token's scope."""
    profile = panel.channel(body.identity.channel)
    if profile is None:
        known = ", ".join(p.name for p in panel.channels) or "none"
        raise InvalidInput(
            "Unknown channel '{channel}' (known: {known}).",
            channel=body.identity.channel,
            known=known,
        )
    person = await people.add_agent(
        uow,
        actor=caller.actor,
        display_name=body.name,
        channel=profile.name,
        external_id=profile.parse_user_id(body.identity.external_id),
        username=body.identity.username,
        role=Role[body.role.upper()],
        line=SupportLine(body.line),
        groups=tuple(body.groups),
        email=(body.email or "").strip() or None,
        language=body.language,
        new_only=True,
    )
    await uow.commit()
    assert person.id is not None
    response.headers["Location"] = request.url_for("read_person", person_id=person.id).path
    return await _detail(uow, person.id)


@router.patch("/people/{person_id}", response_model=PersonDetailOut, summary="Change an agent")
async def update_person(
    caller: Writer, uow: UowDep, person_id: PersonId, body: PersonChangesIn
) -> PersonDetailOut:
    """Name, role, line, language, e-mail, active and groups, with the panel's rules:
    supervisors and admins change agents, only admins make or change admins, nobody takes away
    their own right to manage people, and requesters are not agents to change (404)."""
    current = await _detail(uow, person_id)
    given = body.model_dump(exclude_unset=True)
    wanted = current.model_copy(update=given)
    changes = staff.AgentChanges(
        display_name=wanted.name,
        role=Role[wanted.role.upper()],
        line=SupportLine(wanted.line or 1),
        groups=wanted.groups,
        language=wanted.language,
        email=wanted.email,
        active=wanted.active,
    )
    await staff.update_agent(uow, actor=caller.actor, person_id=person_id, changes=changes)
    await uow.commit()
    return await _detail(uow, person_id)


async def _detail(uow: SqlUnitOfWork, person_id: int) -> PersonDetailOut:
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
