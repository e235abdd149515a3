"""The dashboard written out: CSV (for Excel), XLSX (one sheet per table), one-page PDF.

All three take a ``desk.read.stats.Dashboard`` and write the same tables the window shows.
CSV is UTF-8 with a byte-order mark, which Excel needs to read Chinese correctly; its
tables follow one another, each under its title and separated by an empty line.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from pathlib import Path
from typing import Any

from desk.errors import DeskError
from desk.read.stats import ALL, Dashboard, Table
from reports import dashboard as pdf

FORMATS = ("csv", "xlsx", "pdf")


def _cell(value: Any) -> Any:
    return "" if value is None else value


def csv_text(dashboard: Dashboard) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["故障统计报表", dashboard.period_label, f"时区 {dashboard.timezone}",
                     f"故障总数 {dashboard.total}"])
    for table in dashboard.tables:
        writer.writerow([])
        writer.writerow([table.title])
        writer.writerow(table.headers)
        for row in table.rows:
            writer.writerow([_cell(v) for v in row])
    return buffer.getvalue()


def csv_bytes(dashboard: Dashboard) -> bytes:
    return csv_text(dashboard).encode("utf-8-sig")


def _display_width(value: Any) -> int:
    """Columns as Excel measures them: a Chinese character is two wide."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in str(value))


def sheet_name(table: Table, used: set[str]) -> str:
    name = "".join(c for c in table.title if c not in "[]:*?/\\")[:31] or table.key
    base, n = name, 2
    while name in used:
        name = f"{base[:28]}({n})"
        n += 1
    used.add(name)
    return name


def add_table_sheets(book: Any, tables: list[Table], used: set[str]) -> None:
    """One sheet per table (bold headers, frozen first row, columns as wide as their
    text), for the dashboard's and the service report's workbooks alike."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    bold = Font(bold=True)
    for table in tables:
        sheet = book.create_sheet(sheet_name(table, used))
        sheet.append(table.headers)
        for cell in sheet[1]:
            cell.font = bold
        for row in table.rows:
            sheet.append([_cell(v) for v in row])
        sheet.freeze_panes = "A2"
        for index, header in enumerate(table.headers, start=1):
            widest = max([_display_width(header)]
                         + [_display_width(_cell(r[index - 1])) for r in table.rows])
            sheet.column_dimensions[get_column_letter(index)].width = min(widest + 2, 60)


def xlsx_bytes(dashboard: Dashboard) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    bold = Font(bold=True)
    summary = book.active
    assert summary is not None
    summary.title = "概要"
    for row in [["统计期间", dashboard.period_label], ["时区", dashboard.timezone],
                ["故障总数", dashboard.total],
                ["生成时间", f"{dashboard.generated_at:%Y-%m-%d %H:%M}"]]:
        summary.append(row)
    for cell in summary["A"]:
        cell.font = bold
    summary.column_dimensions["A"].width = 12
    summary.column_dimensions["B"].width = 28
    used = {"概要"}
    add_table_sheets(book, dashboard.tables, used)
    buffer = io.BytesIO()
    book.save(buffer)
    book.close()
    return buffer.getvalue()


def report_of(dashboard: Dashboard) -> pdf.DashboardReport:
    """The plain data the PDF builder prints."""
    levels = [r for r in dashboard.by_level.rows if r[0] != ALL]
    types = [r for r in dashboard.by_type.rows if r[0] != ALL]
    respond = dashboard.respond_compliance.rows
    restore = dashboard.restore_compliance.rows
    trend = dashboard.weekly_trend.rows
    charts = [
        pdf.BarChart("按等级（故障数）", [str(r[0]) for r in levels],
                     [("故障数", [float(r[1]) for r in levels])]),
        pdf.BarChart("按类型（故障数）", [str(r[0]) for r in types],
                     [("故障数", [float(r[1]) for r in types])]),
        pdf.BarChart("时限达成率（%）", [str(r[0]) for r in respond],
                     [("响应达标%", [float(r[3] or 0) for r in respond]),
                      ("恢复达标%", [float(r[3] or 0) for r in restore])],
                     value_suffix="%"),
        pdf.BarChart("每周趋势（故障数，按等级）", [str(r[0]) for r in trend],
                     [(h, [float(r[2 + i]) for r in trend])
                      for i, h in enumerate(dashboard.weekly_trend.headers[2:5])],
                     stacked=True, wide=True),
    ]
    durations = _durations_by_level(dashboard)
    compliance = pdf.ReportTable(
        "时限达成（按等级）",
        ["等级", "响应计入", "响应达标", "响应超时", "响应达标%",
         "恢复计入", "恢复达标", "恢复超时", "恢复达标%"],
        [[a[0], a[1], a[2], a[4] + a[8], a[3], b[1], b[2], b[4] + b[8], b[3]]
         for a, b in zip(respond, restore, strict=True)])
    tables = [
        compliance,
        durations,
        pdf.ReportTable(dashboard.top_businesses.title,
                        ["受影响业务", "故障数", "一级", "二级", "三级"],
                        [row[:5] for row in dashboard.top_businesses.rows]),
        pdf.ReportTable(dashboard.by_status.title, dashboard.by_status.headers,
                        dashboard.by_status.rows),
    ]
    verification = dict(dashboard.verification.rows)
    failed = verification["验证未通过率%"]
    paused = dict(dashboard.pauses.rows)
    mean = paused["平均暂停时长（分钟，每个暂停过的故障）"]
    return pdf.DashboardReport(
        organisation=dashboard.organisation, period=dashboard.period_label,
        generated_at=dashboard.generated_at,
        summary=f"故障总数：{dashboard.total}　时区：{dashboard.timezone}　"
                f"验证 {verification['验证次数']} 次，未通过 {verification['验证未通过次数']} 次"
                f"（{'—' if failed is None else f'{failed:.1f}%'}）　"
                f"计时暂停 {paused['暂停过的故障']} 个故障 {paused['暂停次数']} 次，"
                f"合计 {paused['暂停总时长（分钟）']:.1f} 分钟，"
                f"平均 {'—' if mean is None else f'{mean:.1f}'} 分钟",
        charts=charts, tables=tables)


def _durations_by_level(dashboard: Dashboard) -> pdf.ReportTable:
    """The times table folded to one row per level (mean and P90 of each clock)."""
    by_level: dict[str, list[Any]] = {}
    for metric, level, _n, mean, p90 in dashboard.durations.rows:
        by_level.setdefault(level, [level])
        by_level[level] += [mean, p90]
        del metric
    headers = ["等级"]
    for metric in ("响应", "恢复", "解决"):
        headers += [f"{metric}平均", f"{metric}P90"]
    return pdf.ReportTable("处理用时（分钟）", headers, list(by_level.values()))


def pdf_bytes(dashboard: Dashboard) -> bytes:
    return pdf.build(report_of(dashboard))


def render(dashboard: Dashboard, kind: str) -> bytes:
    if kind == "csv":
        return csv_bytes(dashboard)
    if kind == "xlsx":
        return xlsx_bytes(dashboard)
    if kind == "pdf":
        return pdf_bytes(dashboard)
    raise ValueError(kind)


def write(dashboard: Dashboard, kind: str, path: str | Path) -> Path:
    """Write the dashboard as ``kind`` (csv, xlsx, pdf) to ``path``."""
    out = Path(path)
    data = render(dashboard, kind)
    try:
        out.write_bytes(data)
    except OSError as exc:
        raise DeskError(f"无法写入 {out}：{exc.strerror}",
                        f"Cannot write {out}: {exc.strerror}") from exc
    return out
