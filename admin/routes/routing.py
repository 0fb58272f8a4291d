"""Routing in the panel (supervisors and admins): the rules that route new requests, in the order
they are evaluated (create, edit, remove, reorder), each group's assignment mode, and "test a
text": which rules would fire for a text and what they would set. Every change goes through
:mod:`core.services.routing_rules`, the same checks as ``chatdesk routing``: a regex that does not
compile or could hang, an unknown category or group, a bad priority is refused with one line and
changes nothing."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel
from pydantic import Field as Limit

from admin.changes import apply_change, choice
from admin.deps import UowDep, VisitorDep, csrf_protected, role_at_least
from admin.i18n import error_text
from admin.templating import redirect, render
from core.domain.assignment import AssignmentMode, AwayAction
from core.domain.enums import Priority, Role, TicketType
from core.domain.routing import MatchKind, Routing, RoutingRule
from core.errors import ChatdeskError, ConfigurationError
from core.services import routing_rules
from core.services.accounts import Visitor
from core.services.routing_rules import Draft, RuleFields
from core.services.ticket_routing import routed_category, routed_group
from core.settings import SUPPORTED_LANGUAGES
from storage.unit_of_work import SqlUnitOfWork

router = APIRouter(
    prefix="/routing",
    include_in_schema=False,
    dependencies=[Depends(csrf_protected), role_at_least(Role.SUPERVISOR)],
)
Field = Annotated[str, Form(max_length=1000)]
Sample = Annotated[str, Query(max_length=4000)]
# Message ids for the choices' values (translated where shown).
KIND_LABELS = {MatchKind.KEYWORDS: "keywords", MatchKind.REGEX: "regular expression"}
MODE_LABELS = {
    AssignmentMode.MANUAL: "manual (agents claim)",
    AssignmentMode.ROUND_ROBIN: "round-robin",
    AssignmentMode.LEAST_LOADED: "least-loaded",
}
AWAY_LABELS = {AwayAction.RELEASE: "back to the queue", AwayAction.REASSIGN: "to another agent"}


def rule_form(rule: RoutingRule) -> dict[str, str]:
    """A stored rule as the edit form's values."""
    return {
        "name": rule.name,
        "kind": rule.kind.value,
        "pattern": rule.pattern,
        "category": rule.category or "",
        "group": rule.group or "",
        "priority": rule.priority.value if rule.priority else "",
        "ticket_type": rule.ticket_type.value if rule.ticket_type else "",
        "stop_reply": rule.stop_reply or "",
        **{f"stop_reply_{lang}": rule.stop_replies.get(lang, "") for lang in SUPPORTED_LANGUAGES},
        "active": "1" if rule.is_active else "",
    }


class RuleForm(BaseModel):
    """A rule form's fields: a new rule (no ``original``; at ``position``, default last), or a
    change to rule ``original`` (its name too), which keeps its place."""

    original: str = Limit("", max_length=1000)
    name: str = Limit("", max_length=1000)
    kind: str = Limit("keywords", max_length=1000)
    pattern: str = Limit("", max_length=1000)
    category: str = Limit("", max_length=1000)
    group: str = Limit("", max_length=1000)
    priority: str = Limit("", max_length=1000)
    ticket_type: str = Limit("", max_length=1000)
    stop_reply: str = Limit("", max_length=1000)
    stop_reply_en: str = Limit("", max_length=1000)  # one per SUPPORTED_LANGUAGES
    stop_reply_ru: str = Limit("", max_length=1000)
    active: str = Limit("", max_length=1000)
    position: str = Limit("", max_length=1000)

    def fields(self) -> RuleFields:
        if self.kind not in {k.value for k in MatchKind}:
            raise ConfigurationError("Unknown match kind '{value}'.", value=self.kind[:40])
        return RuleFields(
            keywords=self.pattern if self.kind == MatchKind.KEYWORDS else None,
            regex=self.pattern if self.kind == MatchKind.REGEX else None,
            category=self.category.strip() or None,
            group=self.group.strip() or None,
            priority=self.priority.strip() or None,
            ticket_type=self.ticket_type.strip() or None,
            stop_reply=self.stop_reply.strip() or None,
            stop_replies={
                lang: getattr(self, f"stop_reply_{lang}") for lang in SUPPORTED_LANGUAGES
            },
            active=bool(self.active),
        )

    def draft(self) -> Draft | None:
        """The rule typed; None for a form left empty."""
        if not (self.original or self.name.strip() or self.pattern.strip()):
            return None
        return Draft(self.name, self.fields(), self.original or None, _position(self.position))


class TrialForm(RuleForm):
    """ "Test a text" with the rule being typed in a form."""

    text: str = Limit("", max_length=4000)


async def _trial(
    uow: SqlUnitOfWork, text: str, draft: Draft | None = None
) -> dict[str, Any] | None:
    """What the rules (with ``draft`` as if saved) decide for ``text``, and where the ticket
    would land (the rule's group, else the category's default group)."""
    if not text.strip():
        return None
    decision: Routing = await routing_rules.try_text(uow, text, draft=draft)
    category = await routed_category(uow, decision)
    group = await routed_group(uow, decision, category)
    return {
        "decision": decision,
        "group": group.name if group else None,
        "group_from_category": decision.group is None and group is not None,
        "draft": draft.name.strip() if draft else None,
    }


async def _tried(uow: SqlUnitOfWork, visitor: Visitor, typed: TrialForm) -> dict[str, Any]:
    """The test box's context for a text and the rule typed in a form: the result, or why the
    rule cannot be tested (what saving it would answer)."""
    try:
        trial = await _trial(uow, typed.text, typed.draft()) if typed.text.strip() else None
    except ChatdeskError as refused:
        return {"trial": None, "draft_error": error_text(refused, visitor.person.language)}
    return {"trial": trial, "draft_error": None}


async def _page(
    request: Request,
    uow: SqlUnitOfWork,
    *,
    text: str = "",
    error: str | None = None,
    form: dict[str, str] | None = None,
    tried: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    rules = await uow.routing.rules()
    tried = tried or {"trial": await _trial(uow, text), "draft_error": None}
    return render(
        request,
        "routing.html",
        {
            "section": "routing",
            "rules": rules,
            "rule_form": rule_form,
            "groups": await uow.catalog.groups(),
            "categories": await uow.catalog.categories(active_only=False),
            "priorities": list(Priority),
            "types": list(TicketType),
            "kinds": list(MatchKind),
            "modes": list(AssignmentMode),
            "away_actions": list(AwayAction),
            "languages": SUPPORTED_LANGUAGES,
            "kind_labels": KIND_LABELS,
            "mode_labels": MODE_LABELS,
            "away_labels": AWAY_LABELS,
            "text": text,
            **tried,
            "error": error,
            "form": form or {},
        },
        status_code=status_code,
    )


@router.get("", response_class=HTMLResponse)
async def overview(request: Request, uow: UowDep, text: Sample = "") -> Response:
    return await _page(request, uow, text=text)


@router.get("/test", response_class=HTMLResponse)
async def test_text(request: Request, uow: UowDep, text: Sample = "") -> Response:
    """The "test a text" result alone, for the page's live box."""
    return render(request, "routing_trial.html", {"trial": await _trial(uow, text)})


@router.post("/test", response_class=HTMLResponse)
async def test_with_draft(
    request: Request, uow: UowDep, visitor: VisitorDep, typed: Annotated[TrialForm, Form()]
) -> Response:
    """The "test a text" result with the rule in a form counted as if saved (nothing is
    written); a rule that saving would refuse is shown with the reason instead."""
    return render(request, "routing_trial.html", await _tried(uow, visitor, typed))


@router.post("/try", response_class=HTMLResponse)
async def try_draft(
    request: Request, uow: UowDep, visitor: VisitorDep, typed: Annotated[TrialForm, Form()]
) -> Response:
    """The same without the page's script: a rule form's "Test it" button (or the test box,
    which then carries the rule along) shows the page with the rule kept in its form, unsaved,
    and the test box's result counting it."""
    tried = await _tried(uow, visitor, typed)
    return await _page(request, uow, text=typed.text, form=typed.model_dump(), tried=tried)


def _position(value: str) -> int | None:
    if not value.strip():
        return None
    if not value.strip().isdigit():
        raise ConfigurationError("A position is a whole number; got '{value}'.", value=value[:40])
    return int(value)


async def _change(
    request: Request,
    uow: SqlUnitOfWork,
    visitor: Visitor,
    work: Callable[[], Awaitable[object]],
    *,
    form: dict[str, str],
) -> Response:
    async def change() -> Response:
        await work()
        return redirect("/routing", notice="saved")

    async def refused(error: str, status_code: int) -> Response:
        return await _page(request, uow, error=error, form=form, status_code=status_code)

    return await apply_change(uow, visitor, change, refused_page=refused)


@router.post("/rules")
async def save_rule(
    request: Request, uow: UowDep, visitor: VisitorDep, typed: Annotated[RuleForm, Form()]
) -> Response:
    """A new rule (no ``original``; at ``position``, default last), or a change to rule
    ``original`` (its name too), which keeps its place."""

    async def work() -> RoutingRule:
        if typed.original:
            return await routing_rules.update_rule(
                uow, name=typed.original, new_name=typed.name, **typed.fields()
            )
        return await routing_rules.add_rule(
            uow, name=typed.name, position=_position(typed.position), **typed.fields()
        )

    return await _change(request, uow, visitor, work, form=typed.model_dump())


@router.post("/rules/remove")
async def remove_rule(
    request: Request, uow: UowDep, visitor: VisitorDep, name: Field = ""
) -> Response:
    async def work() -> None:
        await routing_rules.remove_rule(uow, name=name)

    return await _change(request, uow, visitor, work, form={})


@router.post("/rules/move")
async def move_rule(
    request: Request, uow: UowDep, visitor: VisitorDep, name: Field = "", position: Field = ""
) -> Response:
    async def work() -> None:
        at = _position(position)
        if at is None:
            raise ConfigurationError("Give the position to move the rule to.")
        await routing_rules.move_rule(uow, name=name, position=at)

    return await _change(request, uow, visitor, work, form={})


@router.post("/assignment")
async def group_assignment(
    request: Request,
    uow: UowDep,
    visitor: VisitorDep,
    group: Field = "",
    mode: Field = "",
    away: Field = "",
) -> Response:
    async def work() -> None:
        await routing_rules.set_assignment(
            uow,
            group=group,
            mode=choice(AssignmentMode, mode, "assignment mode"),
            away=choice(AwayAction, away, "away action"),
        )

    return await _change(request, uow, visitor, work, form={})
