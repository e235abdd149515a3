"""The dashboard (统计报表) as a one-page PDF: bar charts and the key tables.

Plain data in (``DashboardReport``: texts, numbers, tables already labelled), ReportLab
out. Charts are ``reportlab.graphics`` bar charts whose every label uses the embedded
CJK font, so the page shows its Chinese on a computer without Chinese fonts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.platypus import Table, TableStyle

from reports import fonts
from reports.layout import (
    CELL_SIZE,
    CONTENT_W,
    FONT,
    DocumentHeader,
    Spacer,
    build_pdf,
    grid_table,
    mm,
    para,
    register_fonts,
)

TITLE = "故障统计报表"
SERIES_COLOURS = [colors.HexColor(c) for c in
                  ("#c0392b", "#e67e22", "#2e86c1", "#27ae60", "#8e44ad", "#7f8c8d")]
TABLE_FONT_SIZE = 7.5


@dataclass(frozen=True)
class ReportTable:
    title: str
    headers: list[str]
    rows: list[list[Any]]


@dataclass(frozen=True)
class BarChart:
    """Bars per category; several series are drawn side by side (or stacked)."""

    title: str
    categories: list[str]
    series: list[tuple[str, list[float]]]
    stacked: bool = False
    value_suffix: str = ""
    wide: bool = False  # across the page (a weekly trend), else a third of it


@dataclass(frozen=True)
class DashboardReport:
    organisation: str
    period: str  # e.g. "2026-11-01 至 2026-11-30"
    generated_at: datetime  # local time of the desk
    summary: str
    charts: list[BarChart] = field(default_factory=list)
    tables: list[ReportTable] = field(default_factory=list)


def _cell(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


def bar_chart(chart: BarChart, width: float, height: float) -> Drawing:
    """A titled vertical bar chart; all its text in the embedded font."""
    register_fonts()
    drawing = Drawing(width, height)
    drawing.initialFontName = FONT  # else the renderer starts with (unembedded) Helvetica
    # a chart's strings have one font: what it lacks shows as the placeholder
    drawing.add(String(width / 2, height - 10, fonts.main_only(chart.title), fontName=FONT, fontSize=9,
                       textAnchor="middle"))
    bars = VerticalBarChart()
    many = len(chart.categories) > 12
    legend_h = 16 if len(chart.series) > 1 else 0
    rotated = many or len(chart.categories) > 5
    bars.x, bars.y = 28, 30 if rotated else 14
    bars.width = width - bars.x - 6
    bars.height = height - bars.y - 18 - legend_h
    bars.data = [tuple(float(v) for v in values) or (0.0,) for _, values in chart.series]
    categories = [fonts.main_only(c) for c in chart.categories]
    bars.categoryAxis.categoryNames = categories or [""]
    bars.categoryAxis.labels.fontName = FONT
    bars.categoryAxis.labels.fontSize = 6.5
    bars.categoryAxis.labels.boxAnchor = "ne" if rotated else "n"
    bars.categoryAxis.labels.angle = 45 if rotated else 0
    bars.categoryAxis.labels.dy = -2
    if many:  # a year of weeks: label every fourth week only
        bars.categoryAxis.categoryNames = [c if i % 4 == 0 else ""
                                           for i, c in enumerate(categories)]
    bars.valueAxis.labels.fontName = FONT
    bars.valueAxis.labels.fontSize = 6.5
    bars.valueAxis.valueMin = 0
    top = max((sum(col) if chart.stacked else max(col)
               for col in zip(*bars.data, strict=True)), default=0.0)
    if chart.value_suffix == "%":  # a rate: the whole scale, room for the labels above
        bars.valueAxis.valueMax = 120
        bars.valueAxis.valueStep = 20
    elif top <= 0:
        bars.valueAxis.valueMax = 1
    elif top < 5:
        bars.valueAxis.valueMax = top + 1  # whole numbers with room for the bar labels
        bars.valueAxis.valueStep = 1
    else:
        bars.valueAxis.valueMax = top * 1.15
    bars.valueAxis.visibleGrid = True
    bars.valueAxis.gridStrokeColor = colors.HexColor("#dddddd")
    bars.barLabels.fontName = FONT
    bars.barLabels.fontSize = 6
    if not many and not chart.stacked:
        bars.barLabelFormat = "%.0f" + chart.value_suffix.replace("%", "%%")
        bars.barLabels.nudge = 5
    if chart.stacked:
        bars.categoryAxis.style = "stacked"
    bars.groupSpacing = 2 if many else 5
    for index in range(len(chart.series)):
        bars.bars[index].fillColor = SERIES_COLOURS[index % len(SERIES_COLOURS)]
        bars.bars[index].strokeColor = None
    drawing.add(bars)
    if len(chart.series) > 1:
        legend = Legend()
        legend.fontName = FONT
        legend.fontSize = 6.5
        legend.x, legend.y = bars.x, height - 32
        legend.alignment = "right"
        legend.columnMaximum = 1
        legend.deltax = 48
        legend.dxTextSpace = 3
        legend.boxAnchor = "sw"
        legend.dx = legend.dy = 6
        legend.colorNamePairs = [(SERIES_COLOURS[i % len(SERIES_COLOURS)], fonts.main_only(name))
                                 for i, (name, _) in enumerate(chart.series)]
        drawing.add(legend)
    return drawing


def _small_table(table: ReportTable, width: float) -> Table:
    widths = _widths(table, width)
    rows = [[_cell(v) for v in row] for row in table.rows]
    grid = grid_table(table.headers, rows, widths, empty_rows=1)
    grid.setStyle(TableStyle([
        ("FONTSIZE", (0, 1), (-1, -1), TABLE_FONT_SIZE),
        ("LEADING", (0, 1), (-1, -1), 9),
        ("TOPPADDING", (0, 0), (-1, -1), 1),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
        ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
    ]))
    return grid


def _widths(table: ReportTable, width: float) -> list[float]:
    """The first column (a label) gets what its text needs; the rest share the rest."""
    cols = len(table.headers)
    longest = max([len(str(table.headers[0]))] + [len(_cell(r[0])) for r in table.rows])
    # split_row wraps at the grid's own cell size, so measure with that
    first = min(max(14 * mm, longest * CELL_SIZE + 14), width * 0.45)
    rest = (width - first) / max(cols - 1, 1)
    return [first] + [rest] * (cols - 1)


@fonts.reporting
def build(report: DashboardReport, out: str | Path | BinaryIO | None = None) -> bytes:
    """Lay the dashboard out on one A4 page; write to ``out`` and return the bytes."""
    register_fonts()
    story: list[Any] = [para(f"统计期间：{report.period}　　{report.summary}", "small"),
                        Spacer(1, 2 * mm)]
    small = [c for c in report.charts if not c.wide]
    per_row = 3
    cell_w = CONTENT_W / per_row
    for start in range(0, len(small), per_row):
        row: list[Any] = [bar_chart(c, cell_w - 2, 50 * mm)
                          for c in small[start:start + per_row]]
        row += [""] * (per_row - len(row))
        story.append(_side_by_side(row, [cell_w] * per_row))
    for chart in report.charts:
        if chart.wide:
            story.append(bar_chart(chart, CONTENT_W, 42 * mm))
    half = (CONTENT_W - 4 * mm) / 2
    pending: list[list[Any]] = []
    for table in report.tables:
        if len(table.headers) > 6:
            story += [para(table.title, "subsection"), _small_table(table, CONTENT_W)]
            continue
        pending.append([para(table.title, "subsection"), _small_table(table, half)])
        if len(pending) == 2:
            story.append(Spacer(1, 2 * mm))
            story.append(_side_by_side(pending, [half + 2 * mm] * 2))
            pending = []
    if pending:
        story.append(Spacer(1, 2 * mm))
        story.append(_side_by_side([*pending, []], [half + 2 * mm] * 2))
    header = DocumentHeader(organisation=report.organisation, title=TITLE,
                            number=report.period, generated_at=report.generated_at,
                            number_label="统计期间", qr=False)
    return build_pdf(header, story, out)


def _side_by_side(cells: list[Any], widths: list[float]) -> Table:
    """Flowables next to each other, top-aligned, without padding."""
    side = Table([cells], colWidths=widths)
    side.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT),
                              ("VALIGN", (0, 0), (-1, -1), "TOP"),
                              *[(s, (0, 0), (-1, -1), 0) for s in
                                ("LEFTPADDING", "RIGHTPADDING", "TOPPADDING",
                                 "BOTTOMPADDING")]]))
    return side

