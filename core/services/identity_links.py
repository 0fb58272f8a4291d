"""One person, several messengers: which accounts belong to the same person, and how they join.

Two ways, and no other:

- **By verified e-mail**, on an account's first contact. A messenger that vouches for an
  address (Slack: ``users.info``; Telegram knows none) names it; the new account joins the one
  active person whose record has that address, set by an admin (panel, command line) or
  verified by a messenger before, provided that person has no account on this messenger yet.
  No match, several matches, or a person already on this messenger: a person of its own.
- **By a one-time code** (:mod:`core.services.link_codes`): asked for in one messenger, sent from
  the other.

When both accounts already have a person record, the two records become one (:func:`join`):

- the kept record is the support-team member's (agent or above), otherwise the older one;
  two support-team records are never joined here (an admin does that);
- the other record's accounts, tickets (as requester and as assignee), messages, audit entries,
  group memberships, conversations, panel account and "this solved it" confirmations of
  phrasings move to the kept record (a phrasing both confirmed counts them once), and it is
  deleted;
- the kept record keeps its name, language and role; an e-mail or time zone it lacks comes
  from the other record;
- ``people_merged`` is written to the audit trail with both records' ids and the absorbed
  record's name, and each moved ticket's trail gets ``requester_linked``.

Either way the join is in the audit trail (``identity_linked`` when an account joined a person).
Afterwards each ticket still reaches its requester where they asked for it: in the messenger
and conversation the ticket came from.
"""

from __future__ import annotations

import logging

from core.domain.entities import AuditEntry, Identity, Person
from core.domain.enums import Role
from core.errors import InvalidInput
from core.ports import UnitOfWork
from core.services import phrasing_learning

log = logging.getLogger(__name__)


async def owner_of_email(uow: UnitOfWork, email: str, *, channel: str) -> Person | None:
    """The person a new ``channel`` account with this verified ``email`` is, if any."""
    owners = [p for p in await uow.people.with_email(email) if p.is_active]
    if len(owners) != 1:
        if owners:
            log.info(
                "%d people have the e-mail of a new %s account: not linked", len(owners), channel
            )
        return None
    owner = owners[0]
    assert owner.id is not None
    if any(i.channel == channel for i in await uow.people.identities(owner.id)):
        return None
    return owner


async def add_identity(
    uow: UnitOfWork,
    person: Person,
    *,
    channel: str,
    external_id: str,
    username: str | None,
    how: str,
) -> None:
    """Give ``person`` one more account (one nobody has yet), in the audit trail."""
    assert person.id is not None
    uow.add(
        Identity(person_id=person.id, channel=channel, external_id=external_id, username=username)
    )
    uow.add(
        AuditEntry(
            action="identity_linked",
            channel=channel,
            actor_id=person.id,
            details={"how": how, "channel": channel, "external_id": external_id},
            created_at=uow.clock.now(),
        )
    )
    await uow.flush()


async def join(uow: UnitOfWork, first: Person, second: Person, *, how: str, channel: str) -> Person:
    """Make two person records one (the rules are in this module's docstring); the kept one."""
    assert first.id is not None and second.id is not None
    if first.id == second.id:
        return first
    keep, drop = sorted((first, second), key=lambda p: (not p.is_agent, p.id))
    assert keep.id is not None and drop.id is not None
    if drop.role >= Role.AGENT:
        raise InvalidInput(
            "Both accounts belong to support-team members; an administrator has to join them."
        )
    keep.email = keep.email or drop.email
    keep.time_zone = keep.time_zone or drop.time_zone
    absorbed = {"id": drop.id, "name": drop.display_name, "email": drop.email}
    moved = await uow.people.merge(keep_id=keep.id, drop_id=drop.id)
    await phrasing_learning.merge_people(uow, keep_id=keep.id, drop_id=drop.id)
    now = uow.clock.now()
    uow.add(
        AuditEntry(
            action="people_merged",
            channel=channel,
            actor_id=keep.id,
            details={"how": how, "kept": keep.id, "absorbed": absorbed, "tickets": moved},
            created_at=now,
        )
    )
    for ticket_id in moved:
        uow.add(
            AuditEntry(
                action="requester_linked",
                channel=channel,
                ticket_id=ticket_id,
                actor_id=keep.id,
                field="requester",
                old_value=drop.display_name,
                new_value=keep.display_name,
                details={"how": how, "absorbed": drop.id},
                created_at=now,
            )
        )
    await uow.flush()
    log.info("people %s and %s are one now (%s), kept %s", keep.id, absorbed["id"], how, keep.id)
    return keep
