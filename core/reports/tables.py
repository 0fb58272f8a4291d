"""A report's result: named tables of figures, each with the chart that shows it best.

Tables hold plain values (text, whole numbers, percentages, seconds), so the panel can draw
them, the command line can write them as CSV and the tests can compare them with their own sums.
Durations are whole seconds; shares are percentages rounded to 0.1.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from enum import StrEnum

Value = str | int | float | None


class Chart(StrEnum):
    NONE = "none"  # a table only (lists)
    BARS = "bars"  # one bar per row, the first figure column
    GROUPED = "grouped"  # side-by-side bars per row, one per figure column
    LINE = "line"  # a line per figure column over the rows (time)
    HEATMAP = "heatmap"  # rows × columns coloured by value


@dataclass(frozen=True, slots=True)
class Table:
    key: str  # stable id: CSV "table" column, anchors, tests
    title: str  # English; the panel translates it
    columns: tuple[str, ...]  # the first column labels the rows
    rows: list[tuple[Value, ...]] = field(default_factory=list)
    chart: Chart = Chart.BARS
    plotted: tuple[str, ...] = ()  # the columns the chart draws; () = every figure column

    def column(self, name: str) -> list[Value]:
        index = self.columns.index(name)
        return [row[index] for row in self.rows]

    def as_dict(self, value: str) -> dict[Value, Value]:
        """Row label → the figure in column ``value``."""
        return dict(zip(self.column(self.columns[0]), self.column(value), strict=True))


@dataclass(frozen=True, slots=True)
class Report:
    name: str
    tables: list[Table]

    def table(self, key: str) -> Table:
        return next(table for table in self.tables if table.key == key)


def to_csv(report: Report) -> str:
    """One row per figure: ``table, row, column, value`` (a shape every tool reads)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["table", "row", "column", "value"])
    for table in report.tables:
        for row in table.rows:
            for name, value in zip(table.columns[1:], row[1:], strict=True):
                writer.writerow([table.key, row[0], name, "" if value is None else value])
    return out.getvalue()
