"""Self-help: the questions the bot answered from the knowledge base without a ticket.

Each question asked is one suggestion event. It is *solved* when the person pressed "this solved
it", *escalated* when it went on to a ticket, and *abandoned* otherwise (no answer, "did not
help" without a ticket, or nothing found). The deflection rate is solved over asked. Only the
channel filter applies: the other filters describe tickets.
"""

from __future__ import annotations

from collections import Counter

from core.domain.knowledge import SuggestionOutcome
from core.reports.facts import ReportData
from core.reports.periods import buckets, day_bucket
from core.reports.stats import share
from core.reports.tables import Chart, Report, Table, Value

TOP_UNANSWERED = 10


def outcome_counts(data: ReportData) -> tuple[int, int, int, int]:
    """(asked, solved, escalated, abandoned) over the range."""
    outcomes: Counter[SuggestionOutcome] = Counter()
    for per_outcome in data.self_help.per_day.values():
        outcomes.update(per_outcome)
    asked = sum(outcomes.values())
    solved = outcomes[SuggestionOutcome.HELPED]
    escalated = outcomes[SuggestionOutcome.ESCALATED]
    return asked, solved, escalated, asked - solved - escalated


def self_help_report(data: ReportData) -> Report:
    asked, solved, escalated, abandoned = outcome_counts(data)
    summary = Table(
        "summary",
        "Questions asked in chat",
        ("scope", "asked", "solved", "escalated", "abandoned", "deflection_percent"),
        [("all", asked, solved, escalated, abandoned, share(solved, asked))],
        Chart.NONE,
    )
    per_period = {name: [0, 0, 0] for name in buckets(data.query)}
    for day, per_outcome in data.self_help.per_day.items():
        figures = per_period[day_bucket(day, data.query)]
        figures[0] += sum(per_outcome.values())
        figures[1] += per_outcome.get(SuggestionOutcome.HELPED, 0)
        figures[2] += per_outcome.get(SuggestionOutcome.ESCALATED, 0)
    over_time = Table(
        "over_time",
        "Asked, solved and escalated",
        ("period", "asked", "solved", "escalated"),
        [(name, *figures) for name, figures in per_period.items()],
        Chart.LINE,
    )
    shown = Counter(data.self_help.shown)
    helped = Counter(data.self_help.helped)
    article_rows: list[tuple[Value, ...]] = [
        (
            article,
            data.article_titles.get(article, article),
            shown[article],
            helped[article],
            share(helped[article], shown[article]),
        )
        for article in sorted(shown.keys() | helped.keys(), key=lambda a: (-shown[a], a))
    ]
    articles = Table(
        "articles",
        "Helpfulness per article",
        ("article", "title", "shown", "solved", "helpful_percent"),
        article_rows,
        Chart.GROUPED,
        ("shown", "solved"),
    )
    top = sorted(data.unanswered, key=lambda u: (-u.count, -u.last_seen.timestamp(), u.id))
    unanswered = Table(
        "unanswered",
        "Top unanswered questions",
        ("id", "question", "times", "reason"),
        [(u.id, u.sample, u.count, u.reason.value) for u in top[:TOP_UNANSWERED]],
        Chart.NONE,
    )
    return Report("self-help", [summary, over_time, articles, unanswered])
