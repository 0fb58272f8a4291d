"""One-time codes that join a person's accounts on two messengers.

An account asks for a code (the ``link`` command alone) and gets a short one, good for
:data:`LIFETIME` and for one use; the same person sends ``link CODE`` from their account on
another messenger, and the two accounts become one person (:func:`identity_links.join`).
Asking again replaces the account's unused code. Only a hash of a code is stored.

A wrong, expired or used code, or one sent from the messenger that gave it, is refused with a
polite reason (:class:`WrongCode`), changes nothing, and is counted: after :data:`MAX_WRONG` of
them within :data:`WRONG_WINDOW`, a person's codes are refused unread until the oldest of those
leaves the window, so nobody can guess codes by trying many.
"""

from __future__ import annotations

import hashlib
import math
import secrets
from datetime import datetime, timedelta

from core.domain.entities import LinkCode, Person
from core.errors import InvalidInput
from core.ports import UnitOfWork
from core.services import identity_links

LIFETIME = timedelta(minutes=10)
KEEP_USED = timedelta(days=1)  # used and expired codes are deleted after this
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: easy to read and retype
LENGTH = 8
MAX_WRONG = 5  # wrong codes a person may send within WRONG_WINDOW
WRONG_WINDOW = timedelta(minutes=15)


class WrongCode(InvalidInput):
    """A code refused for what it is (unknown, used, expired, sent from the messenger that gave
    it). :func:`redeem` has counted it in the caller's transaction: answer it without rolling
    back, or the count is lost."""


def _hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def normalise(typed: str) -> str:
    """A code as typed ("k7qm-2xpd", "K7QM 2XPD") in its stored form ("K7QM2XPD")."""
    return "".join(ch for ch in typed.upper() if ch.isalnum())


def shown(code: str) -> str:
    """ "K7QM2XPD" → "K7QM-2XPD"."""
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}"


async def issue(uow: UnitOfWork, *, channel: str, external_id: str) -> str:
    """A new code for this account (as shown to the person); its earlier unused code ends."""
    now = uow.clock.now()
    await uow.people.forget_link_codes(
        channel=channel, external_id=external_id, expired_by=now - KEEP_USED
    )
    code = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    uow.add(
        LinkCode(
            code_hash=_hash(code),
            channel=channel,
            external_id=external_id,
            created_at=now,
            expires_at=now + LIFETIME,
        )
    )
    await uow.flush()
    return shown(code)


async def redeem(
    uow: UnitOfWork, *, typed: str, person: Person, channel: str
) -> tuple[Person, bool]:
    """Join the account that asked for the code with ``person``'s account on ``channel``: the
    person they are now, and False when they were one person already. Raises
    :class:`WrongCode` (counted) or :class:`InvalidInput` (too many wrong codes lately; two
    support-team members)."""
    assert person.id is not None
    now = uow.clock.now()
    await _not_locked_out(uow, person.id, now)
    try:
        return await _redeem(uow, typed=typed, person=person, channel=channel, now=now)
    except WrongCode:
        await uow.people.note_link_failure(person.id, at=now, forget_before=now - WRONG_WINDOW)
        raise


async def _not_locked_out(uow: UnitOfWork, person_id: int, now: datetime) -> None:
    wrong = await uow.people.link_failures(person_id, since=now - WRONG_WINDOW)
    if len(wrong) < MAX_WRONG:
        return
    free_at = wrong[-MAX_WRONG] + WRONG_WINDOW  # when fewer than MAX_WRONG are left in the window
    raise InvalidInput(
        "You sent {count} wrong codes in the last {window} minutes. To keep linking safe from "
        "guessing, please try again in {minutes} minutes.",
        count=len(wrong),
        window=int(WRONG_WINDOW.total_seconds() // 60),
        minutes=max(1, math.ceil((free_at - now).total_seconds() / 60)),
    )


async def _redeem(
    uow: UnitOfWork, *, typed: str, person: Person, channel: str, now: datetime
) -> tuple[Person, bool]:
    code = normalise(typed)
    found = await uow.people.link_code(_hash(code)) if len(code) == LENGTH else None
    if found is None:
        raise WrongCode(
            "I do not know the code {code}. Check it, or ask for a new one in your other "
            "messenger.",
            code=typed.strip()[:20],
        )
    if found.used_at is not None:
        raise WrongCode(
            "The code {code} was used already. Ask for a new one in your other messenger.",
            code=shown(code),
        )
    if found.expires_at <= now:
        raise WrongCode(
            "The code {code} has expired (codes work for {minutes} minutes). Ask for a new one "
            "in your other messenger.",
            code=shown(code),
            minutes=int(LIFETIME.total_seconds() // 60),
        )
    if found.channel == channel:
        raise WrongCode("Send this code from your other messenger, not from the one that gave it.")
    owner = await uow.people.by_identity(found.channel, found.external_id)
    if owner is None:  # the account that asked is gone (its person was deleted)
        raise WrongCode(
            "I do not know the code {code}. Check it, or ask for a new one in your other "
            "messenger.",
            code=shown(code),
        )
    found.used_at = now
    if owner.id == person.id:
        return person, False
    kept = await identity_links.join(uow, owner, person, how="code", channel=channel)
    await uow.flush()
    return kept, True
