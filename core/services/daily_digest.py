"""The daily digest in the agents' rooms: open, unassigned, due today, breached, and resolved,
closed and CSAT since the previous working day began (with the days off in between).

A scheduler job calls :func:`post_daily_digest` every few minutes. It posts when a working day of
the desk's default calendar has begun, once per day however many processes run the job: the
day's row in ``job_runs`` is claimed in the same transaction as the messages.
"""

from __future__ import annotations

from core.domain.digest import DigestDay, DigestFigures, digest_due
from core.i18n import gettext as _
from core.messages import Reply, Span, bold
from core.ports import UnitOfWork
from core.services.clocks import load_clockwork
from core.services.notify import queue_reply

JOB = "daily-digest"


async def post_daily_digest(uow: UnitOfWork) -> bool:
    """Queue today's digest to every agents' room if it is due and not yet posted; True when
    it was queued now (the caller commits)."""
    work = await load_clockwork(uow)
    calendar = await work.calendar_for(uow, None)
    now = uow.clock.now()
    day = digest_due(calendar, now)
    rooms = await uow.rooms.all()
    if day is None or not rooms:
        return False
    if not await uow.jobs.claim(JOB, day.day.isoformat(), now=now):
        return False
    figures = await uow.sla.digest_figures(now=now, day=day)
    for room in rooms:
        queue_reply(uow, room.channel, room.chat_ref, digest_reply(figures, day, room.language))
    return True


def digest_reply(figures: DigestFigures, day: DigestDay, language: str) -> Reply:
    today = _(
        language,
        "Open: {open} · unassigned: {unassigned} · due today: {due} · breached: {breached}",
        open=figures.open,
        unassigned=figures.unassigned,
        due=figures.due_today,
        breached=figures.breached,
    )
    lines = [today]
    if day.previous is not None:
        csat = (
            _(
                language,
                "CSAT {score} from {count} ratings",
                score=f"{figures.csat:.1f}",
                count=figures.ratings,
            )
            if figures.csat is not None
            else _(language, "no ratings")
        )
        lines.append(
            _(
                language,
                "{day}: {resolved} resolved, {closed} closed; {csat}",
                day=day.looked_back,
                resolved=figures.resolved,
                closed=figures.closed,
                csat=csat,
            )
        )
    head = _(language, "Desk digest for {day}", day=day.day.isoformat())
    return Reply(spans=(bold(head), Span("\n" + "\n".join(lines))))
