"""The person behind a channel user, as the engine and the message-to-ticket path meet them."""

from __future__ import annotations

from core.domain.entities import Person
from core.intake.events import ChannelUser
from core.ports import UnitOfWork
from core.services.people import requester_for
from core.settings import SUPPORTED_LANGUAGES


def language_of(user: ChannelUser, default_language: str) -> str:
    """The language a messenger's locale (``ru``, ``en-GB``) picks; the default otherwise."""
    code = (user.language_code or "").replace("_", "-").split("-")[0].lower()
    return code if code in SUPPORTED_LANGUAGES else default_language


async def requester(
    uow: UnitOfWork, channel: str, user: ChannelUser, *, default_language: str
) -> Person:
    """Find or register the person (see :func:`core.services.people.requester_for`)."""
    return await requester_for(
        uow,
        channel=channel,
        external_id=user.external_id,
        display_name=user.display_name,
        language=language_of(user, default_language),
        username=user.username,
        email=user.email,
        time_zone=user.time_zone,
    )
