"""The service report (运维服务报告) of a month or a quarter as a PDF.

Plain data in (``ServiceReportDocument``: texts, numbers and tables already labelled by
``desk``), ReportLab out: the key figures beside the previous period's, bar charts drawn
with ReportLab's own graphics (every label in the embedded CJK font), then the tables.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

from reportlab.lib import colors
from reportlab.platypus import Table, TableStyle

from reports.dashboard import BarChart, ReportTable, bar_chart
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
    section,
    subsection,
)

TITLE = "运维服务报告"


@dataclass(frozen=True)
class KeyFigure:
    label: str
    current: str
    previous: str
    change: str
    better: bool | None = None  # True: the change is an improvement (green), False: red


@dataclass(frozen=True)
class ServiceReportDocument:
    organisation: str
    period: str  # "2026年11月"
    previous: str  # "2026年10月"
    span: str  # "2026-11-01 至 2026-11-30"
    generated_at: datetime  # local time of the desk
    summary: str
    figures: list[KeyFigure] = field(default_factory=list)
    charts: list[BarChart] = field(default_factory=list)
    tables: list[ReportTable] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _cell(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


def _widths(table: ReportTable, width: float) -> list[float]:
    cols = len(table.headers)
    longest = max([len(str(table.headers[0]))] + [len(_cell(r[0])) for r in table.rows])
    first = min(max(16 * mm, longest * CELL_SIZE + 14), width * 0.5)
    if cols == 1:
        return [width]
    return [first] + [(width - first) / (cols - 1)] * (cols - 1)


def table_of(table: ReportTable, width: float = CONTENT_W) -> Table:
    rows = [[_cell(v) for v in row] for row in table.rows]
    grid = grid_table(table.headers, rows, _widths(table, width), empty_rows=1)
    grid.setStyle(TableStyle([("ALIGN", (1, 1), (-1, -1), "RIGHT")]))
    return grid


def _figures_table(figures: list[KeyFigure], period: str, previous: str) -> Table:
    widths = [62 * mm, (CONTENT_W - 62 * mm) / 3, (CONTENT_W - 62 * mm) / 3,
              (CONTENT_W - 62 * mm) / 3]
    grid = grid_table(["指标", period, previous, "变化"],
                      [[f.label, f.current, f.previous, f.change] for f in figures], widths,
                      empty_rows=1)
    style: list[tuple[Any, ...]] = [("ALIGN", (1, 1), (-1, -1), "RIGHT")]
    for row, f in enumerate(figures, start=1):
        if f.better is not None:
            colour = colors.HexColor("#1e8449" if f.better else "#c0392b")
            style.append(("TEXTCOLOR", (3, row), (3, row), colour))
    grid.setStyle(TableStyle(style))
    return grid


def _row_of_charts(charts: list[BarChart], per_row: int, height: float) -> Table:
    cell_w = CONTENT_W / per_row
    cells: list[Any] = [bar_chart(c, cell_w - 3, height) for c in charts]
    cells += [""] * (per_row - len(cells))
    side = Table([cells], colWidths=[cell_w] * per_row)
    side.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT),
                              ("VALIGN", (0, 0), (-1, -1), "TOP"),
                              *[(s, (0, 0), (-1, -1), 0) for s in
                                ("LEFTPADDING", "RIGHTPADDING", "TOPPADDING",
                                 "BOTTOMPADDING")]]))
    return side


def build(doc: ServiceReportDocument, out: str | Path | BinaryIO | None = None) -> bytes:
    """Lay the report out on A4 pages; write to ``out`` and return the bytes."""
    register_fonts()
    story: list[Any] = [para(f"报告期间：{doc.span}（{doc.period}；对比：{doc.previous}）",
                             "small"), Spacer(1, 2 * mm), para(doc.summary), Spacer(1, 2 * mm)]
    story += section("一、关键指标", _figures_table(doc.figures, doc.period, doc.previous))
    if doc.charts:
        story += section("二、图表")
        for start in range(0, len(doc.charts), 2):
            story.append(_row_of_charts(doc.charts[start:start + 2], 2, 58 * mm))
            story.append(Spacer(1, 2 * mm))
    story += section("三、明细")
    for table in doc.tables:
        story += subsection(table.title, table_of(table))
    if doc.notes:
        story += section("口径说明", *[para(n, "small") for n in doc.notes])
    header = DocumentHeader(organisation=doc.organisation, title=TITLE, number=doc.period,
                            generated_at=doc.generated_at, number_label="报告期间", qr=False)
    return build_pdf(header, story, out)
