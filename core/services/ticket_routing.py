"""Routing a new request by the rules stored in the database (:mod:`core.domain.routing`).

What the requester (or the agent opening the ticket) chose explicitly stands: a chosen category,
a given type, a priority an agent set. The rules fill in the rest — category, group, priority
(over the one impact × urgency gives), type — and a rule's group wins over the category's default
group. A stop-list rule ends it: no ticket, and the requester is told the rule's reply.
"""

from __future__ import annotations

import logging

from core.domain.entities import Category, Group, Ticket
from core.domain.routing import Routing, route
from core.errors import InvalidInput
from core.messages import Span
from core.ports import UnitOfWork
from core.services.context import audit, system_actor

log = logging.getLogger(__name__)


class StopListed(InvalidInput):
    """A stop-list rule matched: no ticket is created, and the rule's reply (the admin's text,
    in the requester's language when the rule has it) is what the requester is told."""

    def __init__(self, decision: Routing) -> None:
        assert decision.stop_reply is not None
        super().__init__("{reply}", reply=decision.stop_reply)
        self.decision = decision
        self.reply = decision.stop_reply
        self.rule = decision.matched[-1]

    def spans(self, language: str | None) -> tuple[Span, ...]:
        return (Span(self.decision.stop_reply_in(language) or self.reply),)


async def decide(uow: UnitOfWork, text: str) -> Routing:
    """What the active rules say about ``text``; raises :class:`StopListed` for a stop rule."""
    decision = route(await uow.routing.rules(), text)
    if decision.timed_out:
        log.warning("routing rules ran out of time: %s", ", ".join(decision.timed_out))
    if decision.stop_reply is not None:
        raise StopListed(decision)
    return decision


async def routed_category(uow: UnitOfWork, decision: Routing) -> Category | None:
    """The category a rule named, if it still exists and is offered."""
    if decision.category is None:
        return None
    category = await uow.catalog.category(decision.category)
    return category if category is not None and category.is_active else None


async def routed_group(
    uow: UnitOfWork, decision: Routing, category: Category | None
) -> Group | None:
    """The group a rule named, else the category's default group."""
    if decision.group is not None:
        group = await uow.catalog.group(decision.group)
        if group is not None:
            return group
    if category is not None and category.default_group_id is not None:
        return await uow.catalog.group_by_id(category.default_group_id)
    return None


def audit_routing(
    uow: UnitOfWork, ticket: Ticket, decision: Routing, applied: dict[str, str]
) -> None:
    """The system's part in a new ticket: which rules matched and what they set."""
    if not decision.matched and not decision.timed_out:
        return
    audit(
        uow,
        system_actor(),
        ticket,
        "routed",
        rules=list(decision.matched),
        timed_out=list(decision.timed_out),
        **applied,
    )
