"""One way every screen makes a change from a form: run it through ``core.services``; on a
refusal roll back and show the page again with the reason, in the visitor's language (nothing
is written); on success commit and answer with what the route chose (a redirect with a notice)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from enum import StrEnum
from typing import TypeVar

from fastapi.responses import Response

from admin.deps import http_status
from admin.i18n import error_text
from core.errors import ChatdeskError, ConfigurationError, Term
from core.services.accounts import Visitor
from storage.unit_of_work import SqlUnitOfWork

E = TypeVar("E", bound=StrEnum)
# The page again, with the refusal's text and the HTTP status to answer with.
RefusedPage = Callable[[str, int], Awaitable[Response]]


async def apply_change(
    uow: SqlUnitOfWork,
    visitor: Visitor,
    change: Callable[[], Awaitable[Response]],
    *,
    refused_page: RefusedPage,
    after_commit: Callable[[], None] | None = None,
) -> Response:
    """``change`` does the work and returns the answer for success (it is sent after the
    commit, and ``after_commit`` is called: say, to wake the outbox for what the change
    queued); ``refused_page`` renders the form again for a :class:`ChatdeskError`."""
    try:
        answer = await change()
    except ChatdeskError as refused:
        await uow.rollback()
        return await refused_page(
            error_text(refused, visitor.person.language), http_status(refused)
        )
    await uow.commit()
    if after_commit is not None:
        after_commit()
    return answer


def choice(kind: type[E], value: str, what: str) -> E | None:
    """A form's choice from ``kind`` (None when empty); anything else is refused with ``what``
    (a message id, translated) named."""
    if not value:
        return None
    try:
        return kind(value)
    except ValueError:
        raise ConfigurationError(
            "'{value}' is not a known {what}.", what=Term(what), value=value[:40]
        ) from None
