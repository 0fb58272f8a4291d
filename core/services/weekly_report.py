"""The weekly summary picture in the agents' rooms: on a schedule, once per week however many
processes run the job, and on demand (an agent's ``report week``)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from core.i18n import gettext
from core.messages import Picture, Reply, Span
from core.ports import UnitOfWork
from core.reports.picture import week_picture
from core.reports.weekly import WeekFigures, week_summary
from core.services.notify import queue_reply

JOB = "weekly-report"
POST_FROM_HOUR = 9  # on Monday the picture waits for the working day to begin


async def latest_weeks(uow: UnitOfWork, *, timezone: str) -> tuple[WeekFigures, WeekFigures]:
    today = uow.clock.now().astimezone(ZoneInfo(timezone)).date()
    return await week_summary(uow, timezone=timezone, today=today)


def weekly_reply(this: WeekFigures, before: WeekFigures, language: str) -> Reply:
    caption = gettext(
        language,
        "Week {week}: {created} tickets created ({before} the week before), {resolved} resolved.",
        week=this.label,
        created=this.created,
        before=before.created,
        resolved=this.resolved,
    )
    picture = Picture(f"chatdesk-{this.label}.png", week_picture(this, before, language=language))
    return Reply(spans=(Span(caption),), picture=picture)


async def post_weekly_report(uow: UnitOfWork, *, timezone: str) -> bool:
    """Queue last week's picture to every agents' room, once per week: a sweep calls this often,
    and the first call from Monday 09:00 (local) on posts it, so a process that was down on
    Monday morning posts when it comes back. False when there was nothing to post."""
    local = uow.clock.now().astimezone(ZoneInfo(timezone))
    if local.weekday() == 0 and local.hour < POST_FROM_HOUR:
        return False
    this, before = await latest_weeks(uow, timezone=timezone)
    if not await uow.jobs.claim(JOB, this.label, now=uow.clock.now()):
        return False
    for room in await uow.rooms.all():
        queue_reply(uow, room.channel, room.chat_ref, weekly_reply(this, before, room.language))
    return True
