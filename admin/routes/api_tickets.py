"""``/api/v1/tickets``: list and filter, read, create, and act on tickets (status, priority,
assignee, reply, internal note), each through the same ``core.services`` use case as the bots."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field

from admin.deps import PanelDep, UowDep
from admin.routes.api import Caller, scoped
from admin.ticket_list import (
    ACTIVE,
    COUNT_CAP,
    SEARCH_COUNT_CAP,
    SEARCH_MAX,
    ListedTicket,
    TicketFilter,
    ticket_page,
)
from core.domain.accounts import Scope
from core.domain.enums import Priority, TicketStatus, TicketType
from core.errors import NotFound
from core.services import tickets, workflow
from storage import read_models as queries

router = APIRouter(prefix="/tickets", tags=["tickets"])
Number = Annotated[int, Path(ge=1, le=2**53, description="The ticket number, e.g. 1001")]
Reader = Annotated[Caller, scoped(Scope.TICKETS_READ)]
Writer = Annotated[Caller, scoped(Scope.TICKETS_WRITE)]


class TicketPageOut(BaseModel):
    items: list[ListedTicket]
    page: int
    per_page: int
    total: int = Field(
        description=f"matching tickets, counted up to {COUNT_CAP:,} "
        f"({SEARCH_COUNT_CAP:,} for a text search)"
    )
    total_is_exact: bool = Field(description="false: more than total match")


class MessageOut(BaseModel):
    author: str | None
    kind: str
    body: str
    channel: str
    created_at: datetime | None


class AuditOut(BaseModel):
    action: str
    actor: str | None
    field: str | None
    old: str | None
    new: str | None
    channel: str
    at: datetime | None


class TicketDetailOut(BaseModel):
    number: int
    title: str
    description: str
    type: TicketType
    status: TicketStatus
    priority: Priority
    requester: str
    assignee: str | None
    channel: str
    resolution: str | None
    rating: int | None
    rating_comment: str | None
    created_at: datetime | None
    updated_at: datetime | None
    messages: list[MessageOut]
    audit: list[AuditOut]


class NewTicketIn(BaseModel):
    title: str = Field(min_length=1, max_length=200)
    description: str = Field(min_length=1, max_length=20_000)
    category: str | None = Field(default=None, max_length=50)
    priority: Priority | None = None
    requester_id: int | None = Field(default=None, ge=1, le=2**53)


class TextIn(BaseModel):
    body: str = Field(min_length=1, max_length=20_000)


class StatusIn(BaseModel):
    status: TicketStatus
    resolution: str = Field(default="", max_length=5_000)


class PriorityIn(BaseModel):
    priority: Priority


class AssigneeIn(BaseModel):
    assignee_id: int | None = Field(ge=1, le=2**53, description="null: back to the queue")


@router.get("", response_model=TicketPageOut, summary="List and filter tickets")
async def list_tickets(
    caller: Reader,
    uow: UowDep,
    status: Annotated[TicketStatus | Literal["active"] | None, Query()] = None,
    priority: Priority | None = None,
    group_id: Annotated[int | None, Query(ge=1, le=2**53)] = None,
    assignee: Annotated[
        str | None, Query(pattern=r"^(none|\d{1,15})$", description="a person id, or none")
    ] = None,
    channel: Annotated[str | None, Query(max_length=20)] = None,
    q: Annotated[str | None, Query(max_length=SEARCH_MAX, description="text or #number")] = None,
    sort: Literal["updated", "created", "priority"] = "updated",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    per_page: Literal[25, 50, 100] = 50,
) -> TicketPageOut:
    wanted = TicketFilter(
        status=ACTIVE if status == "active" else (status or ""),
        priority=priority or "",
        group_id=group_id,
        assignee=assignee or "",
        channel=channel or "",
        text=q or "",
        sort=sort,
    )
    found = await ticket_page(uow.session, wanted, page=page, per_page=per_page)
    return TicketPageOut(
        items=found.rows,
        page=found.page,
        per_page=found.per_page,
        total=min(found.total, found.cap),
        total_is_exact=not found.capped,
    )


async def _detail(uow: UowDep, number: int) -> TicketDetailOut:
    found = await queries.ticket_detail(uow, number)
    if found is None:
        raise NotFound("There is no ticket #{number}.", number=number)
    row, messages, audit, names = found
    ticket = row.ticket
    return TicketDetailOut(
        number=ticket.number,
        title=ticket.title,
        description=ticket.description,
        type=ticket.type,
        status=ticket.status,
        priority=ticket.priority,
        requester=row.requester,
        assignee=row.assignee,
        channel=ticket.origin_channel,
        resolution=ticket.resolution,
        rating=ticket.rating_score,
        rating_comment=ticket.rating_comment,
        created_at=ticket.created_at,
        updated_at=ticket.updated_at,
        messages=[
            MessageOut(
                author=names.get(m.author_id or 0),
                kind=m.kind.value,
                body=m.body,
                channel=m.channel,
                created_at=m.created_at,
            )
            for m in messages
        ],
        audit=[
            AuditOut(
                action=a.action,
                actor=names.get(a.actor_id or 0),
                field=a.field,
                old=a.old_value,
                new=a.new_value,
                channel=a.channel,
                at=a.created_at,
            )
            for a in audit
        ],
    )


@router.get("/{number}", response_model=TicketDetailOut, summary="A ticket with its history")
async def read_ticket(caller: Reader, uow: UowDep, number: Number) -> TicketDetailOut:
    return await _detail(uow, number)


async def _done(panel: PanelDep, uow: UowDep, number: int) -> TicketDetailOut:
    await uow.commit()
    panel.after_commit()
    return await _detail(uow, number)


@router.post("", response_model=TicketDetailOut, status_code=201, summary="Open a ticket")
async def create_ticket(
    caller: Writer, panel: PanelDep, uow: UowDep, request: NewTicketIn
) -> TicketDetailOut:
    ticket = await tickets.open_ticket(
        uow,
        actor=caller.actor,
        request=tickets.NewTicket(
            title=request.title,
            description=request.description,
            category=request.category,
            priority=request.priority,
        ),
        requester_id=request.requester_id,
    )
    return await _done(panel, uow, ticket.number)


@router.post("/{number}/status", response_model=TicketDetailOut, summary="Change the status")
async def change_status(
    caller: Writer, panel: PanelDep, uow: UowDep, number: Number, request: StatusIn
) -> TicketDetailOut:
    if request.status == TicketStatus.RESOLVED:
        await workflow.resolve(
            uow, actor=caller.actor, number=number, resolution=request.resolution
        )
    else:
        await workflow.change_status(uow, actor=caller.actor, number=number, status=request.status)
    return await _done(panel, uow, number)


@router.post("/{number}/priority", response_model=TicketDetailOut, summary="Change the priority")
async def change_priority(
    caller: Writer, panel: PanelDep, uow: UowDep, number: Number, request: PriorityIn
) -> TicketDetailOut:
    await workflow.set_priority(uow, actor=caller.actor, number=number, priority=request.priority)
    return await _done(panel, uow, number)


@router.post("/{number}/assignee", response_model=TicketDetailOut, summary="Assign or release")
async def change_assignee(
    caller: Writer, panel: PanelDep, uow: UowDep, number: Number, request: AssigneeIn
) -> TicketDetailOut:
    await workflow.assign(uow, actor=caller.actor, number=number, assignee_id=request.assignee_id)
    return await _done(panel, uow, number)


@router.post(
    "/{number}/replies",
    response_model=TicketDetailOut,
    status_code=201,
    summary="Reply to the requester (delivered through their messenger)",
)
async def reply(
    caller: Writer, panel: PanelDep, uow: UowDep, number: Number, request: TextIn
) -> TicketDetailOut:
    await tickets.reply(uow, actor=caller.actor, number=number, body=request.body)
    return await _done(panel, uow, number)


@router.post(
    "/{number}/notes", response_model=TicketDetailOut, status_code=201, summary="Internal note"
)
async def note(
    caller: Writer, panel: PanelDep, uow: UowDep, number: Number, request: TextIn
) -> TicketDetailOut:
    await tickets.add_note(uow, actor=caller.actor, number=number, body=request.body)
    return await _done(panel, uow, number)
