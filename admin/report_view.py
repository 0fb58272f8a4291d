"""How the panel shows a report: headings and fixed row labels in the viewer's language,
durations as hours and minutes, percentages with a sign, and the chart of each table."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from admin.charts import render_chart
from admin.i18n import Translate
from core.reports.tables import Report, Table, Value


def _(text: str) -> str:
    """Marks a text for the translation catalog; it is translated when shown."""
    return text


REPORT_TITLES = {
    "load": _("Load"),
    "rhythm": _("Rhythm"),
    "speed": _("Speed"),
    "sla": _("SLA"),
    "quality": _("Quality"),
    "self-help": _("Self-help"),
    "agents": _("Agents"),
}
COLUMN_TITLES = {
    "period": _("Period"),
    "created": _("Created"),
    "resolved": _("Resolved"),
    "closed": _("Closed"),
    "category": _("Category"),
    "group": _("Group"),
    "channel": _("Channel"),
    "type": _("Type"),
    "priority": _("Priority"),
    "agent": _("Agent"),
    "open": _("Open"),
    "age": _("Age"),
    "weekday": _("Weekday"),
    "share_percent": _("Share"),
    "month": _("Month"),
    "change_percent": _("Change"),
    "measure": _("Measure"),
    "tickets": _("Tickets"),
    "median_s": _("Median"),
    "p90_s": _("90th percentile"),
    "responded": _("Answered"),
    "response_median_work_s": _("First response, median (working)"),
    "response_p90_work_s": _("First response, p90 (working)"),
    "response_median_calendar_s": _("First response, median (calendar)"),
    "resolution_median_work_s": _("Resolution, median (working)"),
    "resolution_p90_work_s": _("Resolution, p90 (working)"),
    "resolution_median_calendar_s": _("Resolution, median (calendar)"),
    "target": _("Target"),
    "met": _("Met"),
    "breached": _("Breached"),
    "running": _("Running"),
    "met_percent": _("Met share"),
    "response_breached": _("Response breaches"),
    "resolution_breached": _("Resolution breaches"),
    "response_met_percent": _("Response met"),
    "resolution_met_percent": _("Resolution met"),
    "ticket": _("Ticket"),
    "title": _("Title"),
    "response": _("Response"),
    "resolution": _("Resolution"),
    "scope": _("Scope"),
    "rated": _("Rated"),
    "response_percent": _("Response rate"),
    "mean": _("Mean"),
    "satisfied_percent": _("Rated 4–5"),
    "score": _("Score"),
    "ratings": _("Ratings"),
    "resolved_once": _("Resolved at least once"),
    "reopened": _("Reopened"),
    "reopen_percent": _("Reopen rate"),
    "comment": _("Comment"),
    "asked": _("Asked"),
    "solved": _("Solved"),
    "escalated": _("Escalated"),
    "abandoned": _("Abandoned"),
    "deflection_percent": _("Deflection rate"),
    "article": _("Article"),
    "shown": _("Shown"),
    "helpful_percent": _("Helpful"),
    "id": _("No."),
    "question": _("Question"),
    "times": _("Times"),
    "reason": _("Reason"),
    "handled": _("Handled"),
    "csat_mean": _("CSAT"),
    "open_now": _("Open now"),
}
TABLE_TITLES = (
    _("Created, resolved and closed"),
    _("By category"),
    _("By group"),
    _("By channel"),
    _("By type"),
    _("By priority"),
    _("By agent"),
    _("Open at the end of each period"),
    _("Ages of the tickets open now"),
    _("Created tickets by weekday and hour"),
    _("Created tickets by weekday"),
    _("Month over month"),
    _("First response and resolution"),
    _("Targets met"),
    _("Breaches by group"),
    _("Breaches by category"),
    _("Breached tickets"),
    _("Satisfaction (CSAT)"),
    _("Ratings 1–5"),
    _("Reopened after resolution"),
    _("Latest comments"),
    _("Questions asked in chat"),
    _("Asked, solved and escalated"),
    _("Helpfulness per article"),
    _("Top unanswered questions"),
    _("Agents"),
)
ROW_LABELS = (  # fixed row labels the reports write (data labels such as names stay as they are)
    _("all"),
    _("response"),
    _("resolution"),
    _("first response, working time"),
    _("first response, calendar time"),
    _("resolution, working time"),
    _("resolution, calendar time"),
    _("< 1 day"),
    _("1–3 days"),
    _("3–7 days"),
    _("7–30 days"),
    _("≥ 30 days"),
    _("Mon"),
    _("Tue"),
    _("Wed"),
    _("Thu"),
    _("Fri"),
    _("Sat"),
    _("Sun"),
    _("met"),
    _("breached"),
    _("ok"),
    _("warning"),
    _("no_suggestion"),
    _("not_helped"),
)
_FIXED = frozenset(ROW_LABELS)


@dataclass(frozen=True, slots=True)
class ShownTable:
    key: str
    title: str
    headings: list[str]
    rows: list[list[str]]
    chart: Markup
    numeric: list[bool]


def show(report: Report, translate: Translate) -> list[ShownTable]:
    return [_table(table, translate) for table in report.tables]


def _table(table: Table, translate: Translate) -> ShownTable:
    headings = [translate(COLUMN_TITLES.get(c, c)) for c in table.columns]
    title = translate(table.title)
    rows = [
        [
            format_value(name, value, translate)
            for name, value in zip(table.columns, row, strict=True)
        ]
        for row in table.rows
    ]
    numeric = [
        index > 0
        and all(isinstance(row[index], int | float) or row[index] is None for row in table.rows)
        for index in range(len(table.columns))
    ]
    return ShownTable(
        table.key, title, headings, rows, render_chart(table, title, headings), numeric
    )


def format_value(column: str, value: Value, translate: Translate) -> str:
    if value is None:
        return "—"
    if column.endswith("_s") and isinstance(value, int | float):
        return duration(value, translate)
    if column.endswith("_percent") and isinstance(value, int | float):
        return f"{value:g} %"
    if isinstance(value, str) and value in _FIXED:
        return translate(value)
    return str(value)


def duration(seconds: float, translate: Translate) -> str:
    """``1 d 4 h``, ``3 h 05 min``, ``12 min``: hours and minutes, days past 48 h."""
    minutes = round(seconds / 60)
    hours, minutes = divmod(minutes, 60)
    if hours >= 48:
        days, hours = divmod(hours, 24)
        return translate(_("{days} d {hours} h"), days=days, hours=hours)
    if hours:
        return translate(_("{hours} h {minutes} min"), hours=hours, minutes=f"{minutes:02d}")
    return translate(_("{minutes} min"), minutes=minutes)
