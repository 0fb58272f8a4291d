"""The reports by name: what the panel lists, the command line accepts and the CSV is named by."""

from __future__ import annotations

from collections.abc import Callable

from core.errors import InvalidInput
from core.reports.agents import agents_report
from core.reports.facts import Needs, ReportData
from core.reports.load import load_report, rhythm_report
from core.reports.quality import quality_report
from core.reports.self_help import self_help_report
from core.reports.speed import sla_report, speed_report
from core.reports.tables import Report

N = Needs
REPORTS: dict[str, tuple[str, Callable[[ReportData], Report], frozenset[Needs]]] = {
    "load": ("Load", load_report, frozenset({N.COUNTS, N.OPEN_NOW})),
    "rhythm": ("Rhythm", rhythm_report, frozenset({N.HOURLY})),
    "speed": ("Speed", speed_report, frozenset({N.SPEED})),
    "sla": ("SLA", sla_report, frozenset({N.SLA})),
    "quality": ("Quality", quality_report, frozenset({N.RATINGS})),
    "self-help": ("Self-help", self_help_report, frozenset({N.SELF_HELP})),
    "agents": ("Agents", agents_report, frozenset({N.AGENTS, N.OPEN_NOW})),
}


def check_name(name: str) -> str:
    if name not in REPORTS:
        raise InvalidInput(
            "There is no report '{name}'; choose one of {known}.",
            name=name,
            known=", ".join(REPORTS),
        )
    return name


def build(name: str, data: ReportData) -> Report:
    return REPORTS[check_name(name)][1](data)


def needs(name: str) -> frozenset[Needs]:
    return REPORTS[check_name(name)][2]
