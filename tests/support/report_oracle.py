"""The report figures computed again, independently, from a generated history's timelines.

Plain Python over :class:`tests.support.report_history.History`: no storage, no report code.
Working time comes from the SLA's own arithmetic (:mod:`core.domain.working_time`) per ticket,
not from the reports' fast ruler; first responses come from the messages, resolutions and
pauses from the status timeline, backlog from its definition at each period's end.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from core.domain.enums import MessageKind, TicketStatus
from core.domain.knowledge import SuggestionOutcome
from core.domain.sla import DEFAULT_POLICIES
from core.domain.working_time import add_working_time, working_time_between
from tests.support.report_history import CATEGORIES, GenTicket, History

S = TicketStatus
ACTIVE = {S.NEW, S.OPEN, S.ASSIGNED, S.IN_PROGRESS, S.WAITING}
NAMES = dict(CATEGORIES)
Rows = list[tuple[Any, ...]]


@dataclass
class Ask:
    first: date
    last: date
    tz: str
    period: str = "day"
    filters: dict[str, str] | None = None

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.tz)

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first, time(0), self.zone)

    @property
    def end(self) -> datetime:
        return datetime.combine(self.last + timedelta(days=1), time(0), self.zone)

    def inside(self, moment: datetime | None) -> bool:
        return moment is not None and self.start <= moment < self.end

    def label(self, moment_or_day: datetime | date) -> str:
        day = (
            moment_or_day.astimezone(self.zone).date()
            if isinstance(moment_or_day, datetime)
            else moment_or_day
        )
        if self.period == "day":
            return str(day)
        if self.period == "week":
            year, week, _ = day.isocalendar()
            return f"{year}-W{week:02d}"
        return day.strftime("%Y-%m")

    def days(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range((self.last - self.first).days + 1)]

    def labels(self) -> list[str]:
        return list(dict.fromkeys(self.label(day) for day in self.days()))


# ---- a ticket's facts, from its timeline -----------------------------------------------------


def final_resolved(ticket: GenTicket) -> datetime | None:
    """The last resolution, unless the ticket went back to work after it."""
    found = None
    for moment, status in ticket.statuses:
        if status == S.RESOLVED:
            found = moment
        elif status != S.CLOSED:
            found = None
    return found


def closed(ticket: GenTicket) -> datetime | None:
    last = ticket.statuses[-1] if ticket.statuses else None
    return last[0] if last and last[1] == S.CLOSED else None


def status(ticket: GenTicket) -> TicketStatus:
    return ticket.statuses[-1][1] if ticket.statuses else S.NEW


def first_response(ticket: GenTicket) -> datetime | None:
    answers = [m.at for m in ticket.messages if m.kind == MessageKind.PUBLIC and m.by_agent]
    answers += [moment for moment, status in ticket.statuses if status == S.RESOLVED]
    return min(answers, default=None)


def pauses_before(ticket: GenTicket, until: datetime) -> list[tuple[datetime, datetime]]:
    """Spans spent waiting on the requester or resolved, that ended before ``until``."""
    spans = []
    for (begin, status), (end, _) in zip(ticket.statuses, ticket.statuses[1:], strict=False):
        if status in (S.WAITING, S.RESOLVED) and end <= until:
            spans.append((begin, end))
    return spans


def worked(ticket: GenTicket, until: datetime) -> float:
    calendar = ticket.calendar()
    total = working_time_between(calendar, ticket.created_at, until)
    for begin, end in pauses_before(ticket, until):
        total -= working_time_between(calendar, begin, end)
    return total.total_seconds()


def response_work(ticket: GenTicket) -> float | None:
    answered = first_response(ticket)
    if answered is None:
        return None
    return working_time_between(ticket.calendar(), ticket.created_at, answered).total_seconds()


def resolution_work(ticket: GenTicket) -> float | None:
    done = final_resolved(ticket)
    return None if done is None else worked(ticket, done)


def response_calendar(ticket: GenTicket) -> float | None:
    answered = first_response(ticket)
    return None if answered is None else (answered - ticket.created_at).total_seconds()


def resolution_calendar(ticket: GenTicket) -> float | None:
    done = final_resolved(ticket)
    return None if done is None else (done - ticket.created_at).total_seconds()


def sla_states(ticket: GenTicket, now: datetime) -> tuple[str, str]:
    """'met', 'breached' or 'running' for the response and the resolution target."""
    calendar = ticket.calendar()
    policy = next(p for p in DEFAULT_POLICIES if p.priority == ticket.priority)
    targets = policy.targets(calendar)
    due = add_working_time(calendar, ticket.created_at, targets.response)
    stop = first_response(ticket) or closed(ticket)
    if stop is not None:
        response = "met" if stop <= due else "breached"
    else:
        response = "breached" if now >= due else "running"
    done = final_resolved(ticket) or closed(ticket)
    current = status(ticket)
    # The deadline is the target plus the pauses, in working time from creation (a deadline that
    # uses up a working day ends with it: resolving that evening is late).
    until = done or (ticket.statuses[-1][0] if current == S.WAITING else now)
    paused = sum(
        (working_time_between(calendar, b, e) for b, e in pauses_before(ticket, until)),
        timedelta(0),
    )
    due = add_working_time(calendar, ticket.created_at, targets.resolution + paused)
    if done is not None:
        resolution = "breached" if done > due else "met"
    else:
        resolution = "breached" if until >= due else "running"
    return response, resolution


def rating(ticket: GenTicket) -> tuple[int | None, str | None, datetime | None]:
    if not ticket.ratings:
        return None, None, None
    comment = next((c for _, _, c in reversed(ticket.ratings) if c), None)
    return ticket.ratings[-1][1], comment, ticket.ratings[-1][0]


def reopened(ticket: GenTicket) -> bool:
    pairs = zip(ticket.statuses, ticket.statuses[1:], strict=False)
    return any(a[1] == S.RESOLVED and b[1] not in (S.CLOSED, S.RESOLVED) for a, b in pairs)


def labels_of(ticket: GenTicket) -> dict[str, str]:
    return {
        "group": ticket.group,
        "category": NAMES[ticket.category] if ticket.category else "—",
        "channel": ticket.channel,
        "type": ticket.type.value,
        "priority": ticket.priority.value,
        "agent": ticket.agent or "—",
    }


def chosen(history: History, ask: Ask) -> list[GenTicket]:
    wanted = ask.filters or {}
    keep = []
    for ticket in history.tickets:
        mine = labels_of(ticket) | {"category": ticket.category or ""}
        if all(mine[name] == value for name, value in wanted.items()):
            keep.append(ticket)
    return keep


# ---- statistics as the README defines them ---------------------------------------------------


def med(values: list[float]) -> int | None:
    return round(statistics.median_low(values)) if values else None


def p90(values: list[float]) -> int | None:
    return round(sorted(values)[math.ceil(0.9 * len(values)) - 1]) if values else None


def pct(part: int, whole: int) -> float | None:
    return round(part * 100 / whole, 1) if whole else None


def avg(values: list[int]) -> float | None:
    return round(statistics.fmean(values), 2) if values else None


def ranked(counter: Counter[str]) -> Rows:
    return sorted(counter.items(), key=lambda item: (-item[1], item[0]))


# ---- the reports -----------------------------------------------------------------------------


def expected(history: History, ask: Ask, name: str) -> dict[str, Rows]:
    tickets = chosen(history, ask)
    return {
        "load": _load,
        "rhythm": _rhythm,
        "speed": _speed,
        "sla": _sla,
        "quality": _quality,
        "self-help": _self_help,
        "agents": _agents,
    }[name](history, ask, tickets)


def _load(history: History, ask: Ask, tickets: list[GenTicket]) -> dict[str, Rows]:
    volume = {label: [0, 0, 0] for label in ask.labels()}
    for ticket in tickets:
        for index, moment in enumerate((ticket.created_at, final_resolved(ticket), closed(ticket))):
            if ask.inside(moment):
                volume[ask.label(moment)][index] += 1  # type: ignore[arg-type]
    created = [t for t in tickets if ask.inside(t.created_at)]
    out: dict[str, Rows] = {"volume": [(k, *v) for k, v in volume.items()]}
    for key in ("category", "group", "channel", "type"):
        out[f"by_{key}"] = ranked(Counter(labels_of(t)[key] for t in created))
    ends: dict[str, datetime] = {}
    for day in ask.days():
        ends[ask.label(day)] = datetime.combine(day + timedelta(days=1), time(0), ask.zone)
    backlog = []
    for label, end in ends.items():
        open_then = 0
        for ticket in tickets:
            done = final_resolved(ticket) or closed(ticket)
            if ticket.created_at < end and (done is None or done >= end):
                open_then += 1
        backlog.append((label, open_then))
    out["backlog"] = backlog
    ages = {"< 1 day": 0, "1–3 days": 0, "3–7 days": 0, "7–30 days": 0, "≥ 30 days": 0}
    for ticket in tickets:
        if status(ticket) in ACTIVE:
            days = (history.now - ticket.created_at) / timedelta(days=1)
            key = (
                "< 1 day"
                if days < 1
                else "1–3 days"
                if days < 3
                else "3–7 days"
                if days < 7
                else "7–30 days"
                if days < 30
                else "≥ 30 days"
            )
            ages[key] += 1
    out["open_ages"] = list(ages.items())
    return out


def _rhythm(history: History, ask: Ask, tickets: list[GenTicket]) -> dict[str, Rows]:
    created = [t.created_at.astimezone(ask.zone) for t in tickets if ask.inside(t.created_at)]
    days = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
    heat = [
        (day, *(sum(1 for c in created if c.weekday() == i and c.hour == h) for h in range(24)))
        for i, day in enumerate(days)
    ]
    weekdays = [
        (day, n := sum(1 for c in created if c.weekday() == i), pct(n, len(created)))
        for i, day in enumerate(days)
    ]
    months = sorted({day.strftime("%Y-%m") for day in ask.days()})
    per_month = Counter(c.strftime("%Y-%m") for c in created)
    rows, before = [], None
    for month in months:
        now = per_month.get(month, 0)
        rows.append((month, now, round((now - before) * 100 / before, 1) if before else None))
        before = now
    return {"heatmap": heat, "weekdays": weekdays, "months": rows}


def _speed_columns(tickets: list[GenTicket]) -> tuple[Any, ...]:
    answered = [x for t in tickets if (x := response_work(t)) is not None]
    answered_cal = [x for t in tickets if (x := response_calendar(t)) is not None]
    fixed = [x for t in tickets if (x := resolution_work(t)) is not None]
    fixed_cal = [x for t in tickets if (x := resolution_calendar(t)) is not None]
    return (
        len(answered),
        med(answered),
        p90(answered),
        med(answered_cal),
        len(fixed),
        med(fixed),
        p90(fixed),
        med(fixed_cal),
    )


def _split(tickets: list[GenTicket], key: str) -> list[tuple[str, list[GenTicket]]]:
    groups: dict[str, list[GenTicket]] = {}
    for ticket in tickets:
        groups.setdefault(labels_of(ticket)[key], []).append(ticket)
    return sorted(groups.items())


def _speed(history: History, ask: Ask, tickets: list[GenTicket]) -> dict[str, Rows]:
    created = [t for t in tickets if ask.inside(t.created_at)]
    overall = []
    for measure, function in (
        ("first response, working time", response_work),
        ("first response, calendar time", response_calendar),
        ("resolution, working time", resolution_work),
        ("resolution, calendar time", resolution_calendar),
    ):
        values = [x for t in created if (x := function(t)) is not None]
        overall.append((measure, len(values), med(values), p90(values)))
    out: dict[str, Rows] = {"overall": overall}
    for key in ("priority", "group", "category", "agent"):
        out[f"by_{key}"] = [(label, *_speed_columns(ts)) for label, ts in _split(created, key)]
    return out


def _sla(history: History, ask: Ask, tickets: list[GenTicket]) -> dict[str, Rows]:
    created = [t for t in tickets if ask.inside(t.created_at)]
    states = {t.number: sla_states(t, history.now) for t in created}
    summary = []
    for index, target in enumerate(("response", "resolution")):
        seen = Counter(states[t.number][index] for t in created)
        met, breached = seen["met"], seen["breached"]
        summary.append((target, met, breached, seen["running"], pct(met, met + breached)))
    out: dict[str, Rows] = {"summary": summary}
    for key in ("group", "category"):
        rows = []
        for label, group in _split(created, key):
            counts = [Counter(states[t.number][i] for t in group) for i in (0, 1)]
            rows.append(
                (
                    label,
                    counts[0]["breached"],
                    counts[1]["breached"],
                    pct(counts[0]["met"], counts[0]["met"] + counts[0]["breached"]),
                    pct(counts[1]["met"], counts[1]["met"] + counts[1]["breached"]),
                )
            )
        out[f"by_{key}"] = rows
    out["breached"] = [
        (
            t.number,
            t.title,
            t.priority.value,
            t.group,
            labels_of(t)["category"],
            labels_of(t)["agent"],
            *(_sla_word(state) for state in states[t.number]),
            t.created_at.astimezone(ask.zone).strftime("%Y-%m-%d %H:%M"),
        )
        for t in sorted(created, key=lambda t: t.number)
        if "breached" in states[t.number]
    ]
    return out


def _sla_word(state: str) -> set[str]:
    """The stored state of a running clock is 'ok' or 'warning': either is fine here."""
    return {"ok", "warning"} if state == "running" else {state}


def _csat(tickets: list[GenTicket]) -> tuple[int, float | None, float | None]:
    scores = [s for t in tickets if (s := rating(t)[0]) is not None]
    return len(scores), avg(scores), pct(sum(1 for s in scores if s >= 4), len(scores))


def _quality(history: History, ask: Ask, tickets: list[GenTicket]) -> dict[str, Rows]:
    resolved = [t for t in tickets if ask.inside(final_resolved(t))]
    rated, mean, happy = _csat(resolved)
    out: dict[str, Rows] = {
        "csat": [("all", len(resolved), rated, pct(rated, len(resolved)), mean, happy)],
        "distribution": [
            (score, sum(1 for t in resolved if rating(t)[0] == score)) for score in range(1, 6)
        ],
    }
    for key in ("agent", "category"):
        out[f"by_{key}"] = [
            (label, len(group), *_csat(group)) for label, group in _split(resolved, key)
        ]
    created = [t for t in tickets if ask.inside(t.created_at)]
    once = [t for t in created if final_resolved(t) is not None or reopened(t)]
    back = sum(1 for t in once if reopened(t))
    out["reopen"] = [("all", len(once), back, pct(back, len(once)))]
    commented = [t for t in resolved if rating(t)[1]]
    commented.sort(key=lambda t: (rating(t)[2], t.number), reverse=True)
    out["comments"] = [
        (
            t.number,
            rating(t)[0],
            labels_of(t)["agent"],
            rating(t)[1],
            rating(t)[2].astimezone(ask.zone).strftime("%Y-%m-%d %H:%M"),  # type: ignore[union-attr]
        )
        for t in commented[:10]
    ]
    return out


def _self_help(history: History, ask: Ask, tickets: list[GenTicket]) -> dict[str, Rows]:
    channel = (ask.filters or {}).get("channel")
    asked = [
        q
        for q in history.questions
        if ask.inside(q.created_at) and (channel is None or q.channel == channel)
    ]
    solved = sum(1 for q in asked if q.outcome == SuggestionOutcome.HELPED)
    escalated = sum(1 for q in asked if q.outcome == SuggestionOutcome.ESCALATED)
    over = {label: [0, 0, 0] for label in ask.labels()}
    for q in asked:
        row = over[ask.label(q.created_at)]
        row[0] += 1
        row[1] += q.outcome == SuggestionOutcome.HELPED
        row[2] += q.outcome == SuggestionOutcome.ESCALATED
    shown = Counter(a for q in asked for a in set(q.article_ids))
    helped = Counter(q.helped for q in asked if q.helped)
    from tests.support.report_history import ARTICLES

    titles = dict(ARTICLES)
    articles = [
        (a, titles[a], shown[a], helped[a], pct(helped[a], shown[a]))
        for a in sorted(shown, key=lambda a: (-shown[a], a))
    ]
    log = [u for u in history.unanswered if not u.resolved and ask.inside(u.last_seen)]
    log.sort(key=lambda u: (-u.count, -u.last_seen.timestamp(), u.id))
    return {
        "summary": [
            (
                "all",
                len(asked),
                solved,
                escalated,
                len(asked) - solved - escalated,
                pct(solved, len(asked)),
            )
        ],
        "over_time": [(k, *v) for k, v in over.items()],
        "articles": articles,
        "unanswered": [(u.id, u.sample, u.count, u.reason.value) for u in log[:10]],
    }


def _agents(history: History, ask: Ask, tickets: list[GenTicket]) -> dict[str, Rows]:
    resolved = [t for t in tickets if ask.inside(final_resolved(t)) and t.agent]
    load = Counter(t.agent for t in tickets if status(t) in ACTIVE and t.agent)
    rows = []
    for agent in sorted({t.agent for t in resolved} | set(load)):
        mine = [t for t in resolved if t.agent == agent]
        rated, mean, _ = _csat(mine)
        rows.append(
            (
                agent,
                len(mine),
                med([x for t in mine if (x := response_work(t)) is not None]),
                med([x for t in mine if (x := resolution_work(t)) is not None]),
                rated,
                mean,
                load.get(agent, 0),
            )
        )
    return {"agents": rows}
