"""Tickets: the list (filters, search, pages) and the ticket page with its actions.

Every action goes through ``core.services``, exactly as the bots' commands do: the same
permission checks, the same audit trail, and the requester hears of it in their messenger.
"""

from __future__ import annotations

from collections.abc import Coroutine
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, Response

from admin.changes import apply_change
from admin.deps import PanelDep, UowDep, VisitorDep, actor_of, csrf_protected
from admin.templating import redirect, render
from admin.ticket_list import (
    ACTIVE,
    CHANNELS,
    PAGE_SIZES,
    SEARCH_MIN,
    SORTS,
    UNASSIGNED,
    TicketFilter,
    search_terms,
    ticket_page,
)
from core.domain.entities import STORED_FILES
from core.domain.enums import Priority, Role, TicketStatus
from core.domain.numbers import parse_ticket_number
from core.domain.status import TRANSITIONS
from core.errors import InvalidInput, NotFound
from core.services import canned_replies, tickets, workflow
from storage import read_models as queries
from storage.unit_of_work import SqlUnitOfWork

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf_protected)])
TextField = Annotated[str, Form(max_length=25_000)]


@router.get("/", response_class=HTMLResponse)
async def dashboard(request: Request, uow: UowDep, visitor: VisitorDep) -> Response:
    counts = await queries.status_counts(uow)
    mine = await uow.tickets.search(
        statuses=[s for s in TicketStatus if s.is_active], assignee_id=visitor.person.id, limit=10
    )
    return render(
        request,
        "dashboard.html",
        {"counts": counts, "statuses": list(TicketStatus), "mine": mine},
    )


@router.get("/tickets", response_class=HTMLResponse)
async def ticket_list(
    request: Request,
    uow: UowDep,
    status: Annotated[str, Query(max_length=20)] = "",
    priority: Annotated[str, Query(max_length=4)] = "",
    group: Annotated[str, Query(max_length=20)] = "",
    assignee: Annotated[str, Query(max_length=20)] = "",
    channel: Annotated[str, Query(max_length=20)] = "",
    q: Annotated[str, Query(max_length=500)] = "",
    sort: Annotated[str, Query(max_length=20)] = "updated",
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=1000)] = 50,
) -> Response:
    wanted = TicketFilter(
        status=status,
        priority=priority,
        group_id=int(group) if group.isdigit() and len(group) < 18 else None,
        assignee=assignee,
        channel=channel,
        text=q,
        sort=sort if sort in SORTS else "updated",
    )
    found = await ticket_page(uow.session, wanted, page=page, per_page=per_page)
    params = {
        "status": status,
        "priority": priority,
        "group": group,
        "assignee": assignee,
        "channel": channel,
        "q": q,
        "sort": wanted.sort,
        "per_page": found.per_page,
    }
    kept = {k: v for k, v in params.items() if v}

    def page_url(number: int) -> str:
        return "/tickets?" + urlencode({**kept, "page": number})

    return render(
        request,
        "tickets.html",
        {
            "section": "tickets",
            "found": found,
            "wanted": wanted,
            "page_url": page_url,
            "statuses": list(TicketStatus),
            "priorities": list(Priority),
            "groups": await uow.catalog.groups(),
            "agents": await uow.people.with_role(Role.AGENT),
            "channels": CHANNELS,
            "page_sizes": PAGE_SIZES,
            "cap": found.cap,
            "search_min": SEARCH_MIN,
            "short_search": bool(q.strip()) and search_terms(q) == (None, ""),
            "ACTIVE": ACTIVE,
            "UNASSIGNED": UNASSIGNED,
        },
    )


async def _ticket_view(
    request: Request,
    uow: SqlUnitOfWork,
    number: int | None,
    *,
    error: str | None = None,
    status_code: int = 200,
    drafts: dict[str, str] | None = None,
) -> Response:
    found = await queries.ticket_detail(uow, number) if number is not None else None
    if found is None:
        shown = request.path_params.get("number", "")
        return render(request, "not_found.html", {"what": f"#{shown}"[:30]}, status_code=404)
    row, messages, audit, names = found
    ticket = row.ticket
    assert ticket.id is not None
    return render(
        request,
        "ticket.html",
        {
            "section": "tickets",
            "row": row,
            "messages": messages,
            "audit": audit,
            "names": names,
            "describe": queries.describe_change,
            "attachments": await uow.history.attachments(ticket.id),
            "agents": await uow.people.with_role(Role.AGENT),
            "next_statuses": sorted(TRANSITIONS[ticket.status], key=list(TicketStatus).index),
            "priorities": list(Priority),
            "error": error,
            "drafts": drafts or {},
            "canned": await uow.canned.all(),
        },
        status_code=status_code,
    )


@router.get("/tickets/{number}", response_class=HTMLResponse)
async def ticket_view(request: Request, uow: UowDep, number: str) -> Response:
    return await _ticket_view(request, uow, parse_ticket_number(number))


@router.get("/tickets/{number}/files/{file_ref}")
async def stored_file(uow: UowDep, number: str, file_ref: str) -> Response:
    """A file chatdesk keeps itself among the ticket's attachments (a long text a person
    pasted, ``pasted-text.txt``), as a download."""
    parsed = parse_ticket_number(number)
    ticket = await uow.tickets.get(parsed) if parsed is not None else None
    attached = (
        [
            a
            for a in await uow.history.attachments(ticket.id)
            if a.channel == STORED_FILES and a.file_ref == file_ref
        ]
        if ticket is not None and ticket.id is not None
        else []
    )
    stored = await uow.files.get(int(file_ref)) if attached else None
    if stored is None:
        return Response(status_code=404)
    return Response(
        stored.content,
        media_type=f"{stored.mime_type}; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{stored.name}"'},
    )


class TicketAction:
    """A form posted to a ticket: runs one use case as the signed-in person. On success it
    commits, wakes the outbox and goes back to the ticket; on a refusal it shows the ticket
    again with the reason and the typed text kept (nothing is written)."""

    def __init__(
        self, request: Request, panel: PanelDep, uow: UowDep, visitor: VisitorDep, number: str
    ) -> None:
        self.request, self.panel, self.uow, self.visitor = request, panel, uow, visitor
        self.parsed = parse_ticket_number(number)
        self.number = self.parsed or 0  # 0: no such ticket; run() answers 404 before any work
        self.actor = actor_of(visitor)

    async def run(
        self, action: Coroutine[Any, Any, Any], *, notice: str, drafts: dict[str, str] | None = None
    ) -> Response:
        async def change() -> Response:
            if self.parsed is None:
                action.close()  # never started; closing it avoids a 'never awaited' warning
                raise NotFound("There is no ticket #{number}.", number=self.number)
            await action
            return redirect(f"/tickets/{self.number}", notice=notice)

        async def refused(error: str, status_code: int) -> Response:
            return await _ticket_view(
                self.request,
                self.uow,
                self.parsed,
                error=error,
                status_code=status_code,
                drafts=drafts,
            )

        return await apply_change(
            self.uow,
            self.visitor,
            change,
            refused_page=refused,
            after_commit=self.panel.after_commit,
        )


Act = Annotated[TicketAction, Depends()]


@router.post("/tickets/{number}/reply")
async def reply(act: Act, body: TextField) -> Response:
    done = tickets.reply(act.uow, actor=act.actor, number=act.number, body=body)
    return await act.run(done, notice="replied", drafts={"reply": body})


@router.post("/tickets/{number}/canned")
async def send_canned(act: Act, name: Annotated[str, Form(max_length=100)] = "") -> Response:
    done = canned_replies.send(act.uow, actor=act.actor, name=name, number=act.number)
    return await act.run(done, notice="canned_sent")


@router.post("/tickets/{number}/note")
async def note(act: Act, body: TextField) -> Response:
    done = tickets.add_note(act.uow, actor=act.actor, number=act.number, body=body)
    return await act.run(done, notice="noted", drafts={"note": body})


@router.post("/tickets/{number}/assign")
async def assign(act: Act, assignee: Annotated[str, Form(max_length=20)] = "") -> Response:
    if assignee == "me":
        target: int | None = act.actor.id
    elif assignee.isdigit() and len(assignee) < 18:
        target = int(assignee)
    else:
        target = None
    done = workflow.assign(act.uow, actor=act.actor, number=act.number, assignee_id=target)
    return await act.run(done, notice="assigned")


async def _set_priority(act: TicketAction, value: str) -> Any:
    if value not in {p.value for p in Priority}:
        raise InvalidInput("Unknown priority '{value}'; use P1, P2, P3 or P4.", value=value)
    return await workflow.set_priority(
        act.uow, actor=act.actor, number=act.number, priority=Priority(value)
    )


@router.post("/tickets/{number}/priority")
async def priority(act: Act, priority: Annotated[str, Form(max_length=4)] = "") -> Response:
    return await act.run(_set_priority(act, priority), notice="priority")


async def _set_status(act: TicketAction, value: str, resolution: str) -> Any:
    if value not in {s.value for s in TicketStatus}:
        raise InvalidInput("Unknown status '{status}'.", status=value)
    target = TicketStatus(value)
    if target == TicketStatus.RESOLVED:
        return await workflow.resolve(
            act.uow, actor=act.actor, number=act.number, resolution=resolution
        )
    return await workflow.change_status(act.uow, actor=act.actor, number=act.number, status=target)


@router.post("/tickets/{number}/status")
async def status(
    act: Act,
    status: Annotated[str, Form(max_length=20)] = "",
    resolution: Annotated[str, Form(max_length=6000)] = "",
) -> Response:
    return await act.run(
        _set_status(act, status, resolution), notice="status", drafts={"resolution": resolution}
    )
