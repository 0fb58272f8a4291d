"""Use cases about people: requesters met on a channel, agents and their groups."""

from __future__ import annotations

import re

from core.domain.entities import GroupMember, Identity, Person
from core.domain.enums import Role, SupportLine
from core.errors import Conflict, InvalidInput
from core.ports import UnitOfWork
from core.services import identity_links
from core.services.context import Actor, clean_text, require_role
from core.settings import SUPPORTED_LANGUAGES

EXTERNAL_ID_MAX = 100  # identities.external_id
CHANNEL_MAX = 20
EMAIL_MAX = 320  # people.email
ZONE_MAX = 64  # people.time_zone
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


async def requester_for(
    uow: UnitOfWork,
    *,
    channel: str,
    external_id: str,
    display_name: str,
    language: str | None = None,
    username: str | None = None,
    email: str | None = None,
    time_zone: str | None = None,
) -> Person:
    """The person behind a channel account, registered as a requester on first contact.

    ``email`` and ``time_zone`` are what the messenger vouches for (Slack's ``users.info``).
    A known person only gets the gaps filled: a name where the id stood in (the messenger could
    not be asked before), a time zone, an e-mail nobody else has; nothing an admin or the
    person set is overwritten. A new account whose verified e-mail is known joins that person
    (:func:`core.services.identity_links.owner_of_email`) instead of making a second one.
    """
    email = normalise_email(email)
    person = await uow.people.by_identity(channel, external_id)
    if person is None and email is not None:
        person = await identity_links.owner_of_email(uow, email, channel=channel)
        if person is not None:
            await identity_links.add_identity(
                uow,
                person,
                channel=channel,
                external_id=external_id,
                username=username,
                how="email",
            )
    if person is not None:
        await _fill_gaps(
            uow, person, external_id=external_id, name=display_name, email=email, zone=time_zone
        )
        return person
    person = Person(
        display_name=(display_name.strip() or external_id)[:200],
        language=language if language in SUPPORTED_LANGUAGES else "en",
        created_at=uow.clock.now(),
        time_zone=_zone(time_zone),
    )
    if email is not None and not await uow.people.with_email(email):
        person.email = email
    uow.add(person)
    await uow.flush()
    assert person.id is not None
    uow.add(
        Identity(person_id=person.id, channel=channel, external_id=external_id, username=username)
    )
    await uow.flush()
    return person


def normalise_email(email: str | None) -> str | None:
    """An address as stored and compared: trimmed, lower case; None when it is not one."""
    address = (email or "").strip().lower()
    return address if _EMAIL.match(address) and len(address) <= EMAIL_MAX else None


def _zone(name: str | None) -> str | None:
    return name if name and len(name) <= ZONE_MAX else None


async def _fill_gaps(
    uow: UnitOfWork,
    person: Person,
    *,
    external_id: str,
    name: str,
    email: str | None,
    zone: str | None,
) -> None:
    if name.strip() and person.display_name == external_id:
        person.display_name = name.strip()[:200]
    if person.time_zone is None and _zone(zone):
        person.time_zone = zone
    if person.email is None and email is not None and not await uow.people.with_email(email):
        person.email = email


async def agent_user_refs(uow: UnitOfWork, *, channel: str) -> set[str]:
    """The user ids on ``channel`` of everyone who acts as an agent now (active, agent or above):
    the private chats where a messenger shows the agents' command menu."""
    refs: set[str] = set()
    for person in await uow.people.with_role(Role.AGENT):
        assert person.id is not None
        refs |= {
            i.external_id for i in await uow.people.identities(person.id) if i.channel == channel
        }
    return refs


async def add_agent(
    uow: UnitOfWork,
    *,
    actor: Actor,
    display_name: str,
    channel: str,
    external_id: str,
    username: str | None = None,
    role: Role = Role.AGENT,
    line: SupportLine = SupportLine.FIRST,
    groups: tuple[str, ...] = (),
    email: str | None = None,
    language: str = "en",
    new_only: bool = False,
) -> Person:
    """Register (or promote) someone as an agent, supervisor or admin with a channel identity;
    ``new_only`` refuses (:class:`Conflict`) an identity somebody has already.

    What a valid user id looks like is the channel's business: callers check it with the
    channel's profile (:meth:`core.channels.ChannelProfile.parse_user_id`) first.
    """
    require_role(actor, Role.ADMIN, doing="add agents")
    name = clean_text(display_name, what="name", limit=200)
    external_id = external_id.strip()
    if not channel or len(channel) > CHANNEL_MAX:
        raise InvalidInput("Unknown channel '{channel}'.", channel=channel)
    if not external_id or len(external_id) > EXTERNAL_ID_MAX:
        raise InvalidInput("'{id}' is not a user id.", id=external_id[:EXTERNAL_ID_MAX])
    if role < Role.AGENT:
        raise InvalidInput("Use requester_for for requesters; agents have role agent or above.")
    if email is not None and (len(email) > EMAIL_MAX or not _EMAIL.match(email)):
        raise InvalidInput("'{email}' is not an e-mail address.", email=email[:100])
    if language not in SUPPORTED_LANGUAGES:
        raise InvalidInput("Unsupported language '{language}'.", language=language)
    wanted = []
    for group_name in groups:
        group = await uow.catalog.group(group_name)
        if group is None:
            raise InvalidInput("Unknown group '{group}'.", group=group_name)
        wanted.append(group)

    person = await uow.people.by_identity(channel, external_id)
    if person is not None and new_only:
        raise Conflict(
            "The {channel} account {id} belongs to person {person} already.",
            channel=channel,
            id=external_id,
            person=person.id,
        )
    if person is None:
        person = Person(display_name=name, created_at=uow.clock.now())
        uow.add(person)
        await uow.flush()
        assert person.id is not None
        uow.add(
            Identity(
                person_id=person.id, channel=channel, external_id=external_id, username=username
            )
        )
    person.display_name = name
    person.role = role
    person.support_line = line
    person.email = email or person.email
    person.language = language
    person.is_active = True
    await uow.flush()
    assert person.id is not None
    for group in wanted:
        assert group.id is not None
        if person.id not in {m.person_id for m in await uow.catalog.members(group.id)}:
            uow.add(GroupMember(group_id=group.id, person_id=person.id))
    await uow.flush()
    return person
