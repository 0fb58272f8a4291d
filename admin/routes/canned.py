"""Canned replies: everyone on the desk reads them (agents send them from chat with
``canned NAME N`` or the card's button, or from a ticket page); supervisors write them, with a
preview that fills the macros in for a sample or a real ticket."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response

from admin.changes import apply_change
from admin.deps import UowDep, VisitorDep, actor_of, csrf_protected, role_at_least
from admin.i18n import error_text
from admin.templating import redirect, render
from core.domain.canned import BODY_MAX, MACROS, NAME_MAX, CannedReply
from core.domain.enums import Role
from core.domain.numbers import parse_ticket_number
from core.errors import ChatdeskError, NotFound
from core.services import canned_replies
from core.services.accounts import Visitor
from storage.unit_of_work import SqlUnitOfWork

router = APIRouter(
    prefix="/canned", include_in_schema=False, dependencies=[Depends(csrf_protected)]
)
SUPERVISORS = [role_at_least(Role.SUPERVISOR)]
Name = Annotated[str, Form(max_length=200)]
Body = Annotated[str, Form(max_length=BODY_MAX * 2)]
TicketNumber = Annotated[str, Form(max_length=40)]


@router.get("", response_class=HTMLResponse)
async def overview(request: Request, uow: UowDep) -> Response:
    return render(
        request,
        "canned_list.html",
        {"section": "canned", "replies": await uow.canned.all(), "macros": MACROS},
    )


@router.get("/new", response_class=HTMLResponse, dependencies=SUPERVISORS)
async def new_reply(request: Request, uow: UowDep, visitor: VisitorDep) -> Response:
    return await _editor(request, uow, visitor, CannedReply(name="", body=""))


@router.get("/{reply_id}", response_class=HTMLResponse, dependencies=SUPERVISORS)
async def edit_reply(request: Request, uow: UowDep, visitor: VisitorDep, reply_id: int) -> Response:
    reply = await uow.canned.by_id(reply_id)
    if reply is None:
        return render(request, "not_found.html", {"what": None}, status_code=404)
    return await _editor(request, uow, visitor, reply)


@router.post("", response_class=HTMLResponse, dependencies=SUPERVISORS)
async def save_reply(
    request: Request,
    uow: UowDep,
    visitor: VisitorDep,
    name: Name = "",
    body: Body = "",
    reply_id: Annotated[int | None, Form()] = None,
    preview_number: TicketNumber = "",
) -> Response:
    async def change() -> Response:
        await canned_replies.save(
            uow, actor=actor_of(visitor), name=name, body=body, reply_id=reply_id
        )
        return redirect("/canned", notice="saved")

    async def refused(error: str, status_code: int) -> Response:
        draft = CannedReply(name=name, body=body, id=reply_id)
        return await _editor(
            request,
            uow,
            visitor,
            draft,
            number=preview_number,
            error=error,
            status_code=status_code,
        )

    return await apply_change(uow, visitor, change, refused_page=refused)


@router.post("/{reply_id}/delete", response_class=HTMLResponse, dependencies=SUPERVISORS)
async def delete_reply(
    request: Request, uow: UowDep, visitor: VisitorDep, reply_id: int
) -> Response:
    reply = await uow.canned.by_id(reply_id)
    if reply is None:
        return render(request, "not_found.html", {"what": None}, status_code=404)
    await canned_replies.delete(uow, actor=actor_of(visitor), name=reply.name)
    await uow.commit()
    return redirect("/canned", notice="deleted")


@router.post("/preview", response_class=HTMLResponse)
async def preview(
    request: Request,
    uow: UowDep,
    visitor: VisitorDep,
    body: Body = "",
    preview_number: TicketNumber = "",
) -> Response:
    """The text as the requester would get it (the editor's live preview): escaped by the
    template, never markup."""
    text, error = await _preview(uow, visitor, body, preview_number)
    return render(request, "canned_preview.html", {"text": text, "error": error})


async def _preview(
    uow: SqlUnitOfWork, visitor: Visitor, body: str, number: str
) -> tuple[str, str | None]:
    given = number.strip()
    try:
        ticket = parse_ticket_number(given) if given else None
        if given and ticket is None:
            raise NotFound("There is no ticket #{number}.", number=given.lstrip("#")[:20])
        text = await canned_replies.preview(uow, actor=actor_of(visitor), body=body, number=ticket)
    except ChatdeskError as refused:
        return "", error_text(refused, visitor.person.language)
    return text, None


async def _editor(
    request: Request,
    uow: SqlUnitOfWork,
    visitor: Visitor,
    reply: CannedReply,
    *,
    number: str = "",
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    text, preview_error = (
        await _preview(uow, visitor, reply.body, number) if reply.body else ("", None)
    )
    return render(
        request,
        "canned_edit.html",
        {
            "section": "canned",
            "reply": reply,
            "macros": MACROS,
            "name_max": NAME_MAX,
            "body_max": BODY_MAX,
            "preview_number": number,
            "preview_text": text,
            "preview_error": preview_error,
            "error": error,
        },
        status_code=status_code,
    )
