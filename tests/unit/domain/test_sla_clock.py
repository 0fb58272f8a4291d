"""A ticket's SLA clock on a fake clock: warnings, breaches, pauses, reopening, priority changes,
follow-ups — each event fires once however often the sweep looks."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from core.domain.calendars import BusinessCalendar, always_open, office_hours
from core.domain.durations import parse_duration
from core.domain.entities import Ticket
from core.domain.enums import Priority, TicketStatus, TicketType
from core.domain.follow_ups import Automation
from core.domain.sla import DEFAULT_POLICIES, SlaPolicy, SlaState, pick_policy
from core.domain.sla_clock import (
    ClockEvent,
    SlaClock,
    next_moment,
    reconcile,
    take_due,
)
from tests.support.clock import FakeClock

BERLIN = ZoneInfo("Europe/Berlin")
OFFICE = office_hours("office", "Europe/Berlin")
E = ClockEvent
S = TicketStatus


def berlin(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=BERLIN)


class Desk:
    """One ticket, its stored clock, and a sweep that runs whenever the test says."""

    def __init__(
        self, start: datetime, priority: Priority, *, calendar: BusinessCalendar = OFFICE
    ) -> None:
        self.clock = FakeClock(start)
        self.calendar = calendar
        self.policies: list[SlaPolicy] = list(DEFAULT_POLICIES)
        self.automation = Automation()
        self.ticket = Ticket(
            number=1001,
            title="VPN down",
            description="",
            requester_id=1,
            priority=priority,
            created_at=start,
        )
        self.sla = SlaClock()
        self.sync()

    def at(self, moment: datetime) -> Desk:
        self.clock.current = moment
        return self

    def sync(self) -> SlaClock:
        """What every use case does after changing the ticket."""
        t = self.ticket
        policy = pick_policy(self.policies, priority=t.priority, ticket_type=t.type, category=None)
        self.sla = reconcile(
            self.sla,
            t,
            policy=policy,
            calendar=self.calendar,
            automation=self.automation,
            now=self.clock.now(),
        )
        return self.sla

    def move(self, status: TicketStatus) -> None:
        now = self.clock.now()
        if status == S.RESOLVED:
            self.ticket.resolved_at = now
        if status == S.CLOSED:
            self.ticket.closed_at = now
        self.ticket.status = status
        self.sync()

    def sweep(self) -> list[ClockEvent]:
        """A sweep claims the ticket only when its next moment has come."""
        if self.sla.next_at is None or self.sla.next_at > self.clock.now():
            return []
        self.sla, events = take_due(self.sla, self.clock.now())
        return events


def test_p1_at_friday_1755_warns_and_breaches_on_monday_once_each() -> None:
    desk = Desk(berlin(3, 6, 17, 55), Priority.P1)
    assert desk.sla.response_due_at == berlin(3, 9, 9, 25)
    assert desk.sla.resolution_due_at == berlin(3, 9, 12, 55)
    assert desk.sla.next_at == berlin(3, 9, 9, 17) + timedelta(seconds=30)  # 75 % of 30 min
    assert desk.at(berlin(3, 6, 23)).sweep() == []  # Friday night counts for nothing
    assert desk.at(berlin(3, 9, 9, 18)).sweep() == [E.RESPONSE_WARNING]
    assert desk.sweep() == []
    assert desk.at(berlin(3, 9, 9, 25)).sweep() == [E.RESPONSE_BREACH]
    assert desk.at(berlin(3, 9, 9, 26)).sweep() == []
    assert desk.sla.response_state == SlaState.BREACHED
    assert desk.at(berlin(3, 9, 11, 56)).sweep() == [E.RESOLUTION_WARNING]  # 3 h of 4 h used
    assert desk.at(berlin(3, 9, 13)).sweep() == [E.RESOLUTION_BREACH]
    assert desk.sweep() == [] and desk.sla.next_at is None


def test_24x7_vs_office_hours_for_the_same_ticket() -> None:
    office = Desk(berlin(3, 6, 17, 55), Priority.P2)
    nonstop = Desk(berlin(3, 6, 17, 55), Priority.P2, calendar=always_open("24x7", "Europe/Berlin"))
    assert nonstop.sla.response_due_at == berlin(3, 6, 19, 55)
    assert nonstop.sla.resolution_due_at == berlin(3, 7, 17, 55)  # one day is 24 h here
    assert office.sla.response_due_at == berlin(3, 9, 10, 55)
    assert office.sla.resolution_due_at == berlin(3, 9, 17, 55)  # one day is 9 working hours
    assert nonstop.at(berlin(3, 6, 20)).sweep() == [E.RESPONSE_BREACH]
    assert office.at(berlin(3, 6, 20)).sweep() == []


def test_a_breach_that_is_already_due_swallows_its_warning() -> None:
    desk = Desk(berlin(3, 2, 9), Priority.P1)
    assert desk.at(berlin(3, 2, 10)).sweep() == [E.RESPONSE_BREACH]


def test_the_first_reply_stops_the_response_clock_and_pause_resume_moves_the_resolution() -> None:
    desk = Desk(berlin(3, 2, 9), Priority.P3)  # Monday; 8 h to respond, 3 days (27 h) to resolve
    assert desk.sla.resolution_due_at == berlin(3, 4, 18)
    desk.at(berlin(3, 2, 10)).ticket.first_response_at = berlin(3, 2, 10)
    desk.move(S.IN_PROGRESS)
    assert desk.sla.response_state == SlaState.MET
    desk.at(berlin(3, 2, 11)).move(S.WAITING)  # 2 h used
    assert desk.sla.resolution_due_at is None and desk.sla.paused_since == berlin(3, 2, 11)
    assert desk.at(berlin(3, 3, 10)).sweep() == []  # nothing is due while paused
    desk.at(berlin(3, 3, 11)).move(S.IN_PROGRESS)  # the requester answers a day later
    assert desk.sla.paused_seconds == 9 * 3600  # Monday 11–18 and Tuesday 9–11
    assert desk.sla.resolution_due_at == berlin(3, 5, 18)  # 25 h left from Tuesday 11:00
    assert desk.sla.resolution_state == SlaState.OK


def test_a_reopened_ticket_continues_its_clock() -> None:
    desk = Desk(berlin(3, 2, 9), Priority.P1)  # 4 h to resolve
    desk.ticket.first_response_at = berlin(3, 2, 9, 10)
    desk.at(berlin(3, 2, 10)).move(S.RESOLVED)  # 1 h used
    assert desk.sla.resolution_state == SlaState.MET
    desk.at(berlin(3, 3, 15)).move(S.OPEN)  # reopened next afternoon
    assert desk.sla.resolution_due_at == berlin(3, 3, 18)  # the 3 h left, not 4 and not 0
    assert desk.sla.resolution_state == SlaState.OK
    desk.at(berlin(3, 3, 17, 15)).sweep()
    assert desk.sla.resolution_state == SlaState.WARNING
    desk.at(berlin(3, 3, 18, 30)).move(S.RESOLVED)
    assert desk.sla.resolution_state == SlaState.BREACHED  # missed, though nobody swept
    desk.at(berlin(3, 3, 19)).move(S.CLOSED)
    assert desk.sla.resolution_state == SlaState.BREACHED  # a verdict is final


def test_raising_the_priority_mid_way_recomputes_and_fires_the_breach_once() -> None:
    desk = Desk(berlin(3, 2, 9), Priority.P3)
    assert desk.sla.response_due_at == berlin(3, 2, 17)
    desk.at(berlin(3, 2, 10)).ticket.priority = Priority.P1
    desk.sync()
    assert desk.sla.response_due_at == berlin(3, 2, 9, 30)  # already passed
    assert desk.sla.resolution_due_at == berlin(3, 2, 13)
    assert desk.sweep() == [E.RESPONSE_BREACH]
    assert desk.sweep() == []
    desk.sync()  # another change later: the breach is not fired again
    assert desk.sla.response_state == SlaState.BREACHED and desk.sweep() == []


def test_lowering_the_priority_after_a_warning_gives_the_new_deadline_its_own_warning() -> None:
    desk = Desk(berlin(3, 2, 9), Priority.P2)  # 2 h to respond, warning at 10:30
    assert desk.at(berlin(3, 2, 10, 31)).sweep() == [E.RESPONSE_WARNING]
    desk.ticket.priority = Priority.P3  # 8 h: due 17:00, warning at 15:00
    desk.sync()
    assert desk.sla.response_state == SlaState.OK
    assert desk.at(berlin(3, 2, 14)).sweep() == []
    assert desk.at(berlin(3, 2, 15)).sweep() == [E.RESPONSE_WARNING]
    desk.ticket.priority = Priority.P2  # back: due 11:00 (passed), the warning already went out
    desk.sync()
    assert desk.sla.response_state == SlaState.WARNING
    assert desk.sweep() == [E.RESPONSE_BREACH]


def test_a_policy_narrowed_by_type_applies_to_that_type_only() -> None:
    desk = Desk(berlin(3, 2, 9), Priority.P3)
    desk.policies.append(
        SlaPolicy(
            Priority.P3,
            parse_duration("1h"),
            parse_duration("1d"),
            ticket_type=TicketType.SERVICE_REQUEST,
        )
    )
    desk.sync()
    assert desk.sla.response_due_at == berlin(3, 2, 17)
    desk.ticket.type = TicketType.SERVICE_REQUEST
    desk.sync()
    assert desk.sla.response_due_at == berlin(3, 2, 10)


def test_without_a_policy_nothing_runs() -> None:
    desk = Desk(berlin(3, 2, 9), Priority.P4)
    desk.policies = [p for p in desk.policies if p.priority != Priority.P4]
    desk.sync()
    assert desk.sla.response_state is None and desk.sla.next_at is None
    assert desk.at(berlin(4, 1, 9)).sweep() == []


def test_an_unrated_resolved_ticket_is_reminded_once_then_auto_closed() -> None:
    desk = Desk(berlin(3, 2, 9), Priority.P3)
    desk.ticket.first_response_at = berlin(3, 2, 10)
    desk.at(berlin(3, 2, 10)).move(S.RESOLVED)
    assert desk.sla.reminder_at == berlin(3, 4, 16)  # 24 working hours later
    assert desk.sla.auto_action_at == berlin(3, 5, 10)  # 3 working days later
    assert desk.at(berlin(3, 4, 15)).sweep() == []
    assert desk.at(berlin(3, 4, 16)).sweep() == [E.REMINDER]
    assert desk.sweep() == []
    assert desk.at(berlin(3, 5, 10)).sweep() == [E.AUTO_ACTION]
    assert desk.sweep() == [] and desk.sla.next_at is None


def test_rating_or_reopening_cancels_the_follow_ups() -> None:
    desk = Desk(berlin(3, 2, 9), Priority.P3)
    desk.ticket.first_response_at = berlin(3, 2, 10)
    desk.at(berlin(3, 2, 10)).move(S.RESOLVED)
    desk.at(berlin(3, 2, 11)).move(S.IN_PROGRESS)
    assert (desk.sla.reminder_at, desk.sla.auto_action_at) == (None, None)
    desk.at(berlin(3, 2, 12)).move(S.RESOLVED)
    desk.ticket.rating_score = 5
    desk.at(berlin(3, 2, 13)).move(S.CLOSED)
    assert desk.sla.next_at is None


def test_waiting_on_the_requester_reminds_then_resolves_as_no_answer() -> None:
    desk = Desk(berlin(3, 2, 9), Priority.P3)
    desk.ticket.first_response_at = berlin(3, 2, 9, 30)
    desk.at(berlin(3, 2, 10)).move(S.WAITING)
    assert desk.sla.reminder_at == berlin(3, 4, 10)  # 2 working days
    assert desk.sla.auto_action_at == berlin(3, 9, 10)  # 5 working days: the weekend is skipped
    assert desk.at(berlin(3, 4, 10)).sweep() == [E.REMINDER]
    # Both due at once (say the desk was down): only the action happens.
    desk.sla = replace(desk.sla, reminder_at=berlin(3, 9, 9))
    assert desk.at(berlin(3, 9, 11)).sweep() == [E.AUTO_ACTION]


def test_next_moment_is_the_earliest_pending_one() -> None:
    desk = Desk(berlin(3, 2, 9), Priority.P1)
    assert next_moment(desk.sla) == desk.sla.response_warn_at
    desk.ticket.first_response_at = berlin(3, 2, 9, 5)
    desk.at(berlin(3, 2, 9, 5)).move(S.IN_PROGRESS)
    assert next_moment(desk.sla) == desk.sla.resolution_warn_at == berlin(3, 2, 12)
