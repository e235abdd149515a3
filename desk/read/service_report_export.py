"""The service report written out: PDF (``reports.service_report``) and XLSX.

Both take a ``desk.read.service_report.ServiceReport`` and show the same tables; the PDF
adds the charts. ``write`` picks the format from the file's suffix.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from desk.errors import DeskError, ValidationError
from desk.read.service_report import COMPARED, ServiceReport
from desk.read.stats import ALL, Table
from desk.read.stats_export import add_table_sheets
from models import FaultLevel

FORMATS = ("pdf", "xlsx")
# for each compared figure: is a rise an improvement? (None: neither)
RISE_IS_BETTER: dict[str, bool | None] = {
    "total": None, "respond_rate": True, "restore_rate": True, "mtta": False, "mttr": False,
    "mtta_duty": False, "mttr_duty": False, "repeats": False, "repeat_rate": False,
    "satisfaction": True, "problems_opened": None, "problems_solved": True,
}
NOTES = [
    "SLA 达成率 = 按时完成 ÷（按时完成 + 超时完成 + 已超时未完成）；仍在时限内计时的不计入。"
    "已撤销的故障与合并的重复故障不计入。",
    "MTTA：自上报至响应的平均用时；MTTR：自上报至首次临时方案或恢复的平均用时。"
    "自然时间为实际经过的时间；计时口径按该等级 SLA 的计时方式（按工作日计时的等级只计工作日时间）。",
    "重复故障发生率 = 上报时其所属问题已存在的故障数 ÷ 本期故障总数。",
    "合并的重复故障只按其主故障计一次。",
]


def _fmt(value: Any, unit: str = "") -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.1f}{unit}" if unit == "%" or value != int(value) else f"{int(value)}{unit}"
    return f"{value}{unit}"


def _change(a: Any, b: Any, unit: str) -> str:
    if a is None or b is None:
        return "—"
    delta = float(a) - float(b)
    if delta == 0:
        return "持平"
    text = f"{abs(delta):.1f}" if delta != int(delta) or unit == "%" else f"{abs(int(delta))}"
    return f"{'↑' if delta > 0 else '↓'} {text}{' 个百分点' if unit == '%' else ''}"


def document_of(report: ServiceReport) -> Any:
    """The plain data the PDF builder prints."""
    from reports import dashboard as charts
    from reports import service_report as pdf

    now, before = report.current, report.before
    figures = []
    for key, label, unit in COMPARED:
        a, b = getattr(now, key), getattr(before, key)
        rise = RISE_IS_BETTER.get(key)
        better = None
        if rise is not None and a is not None and b is not None and a != b:
            better = (a > b) == rise
        figures.append(pdf.KeyFigure(label, _fmt(a, unit), _fmt(b, unit),
                                     _change(a, b, unit), better))
    sla_rows = report.sla_rates.rows
    levels = [lv.label_zh for lv in FaultLevel]

    def rate_of(level: str, clock: str) -> float:
        for row in sla_rows:
            if row[0] == level and row[1] == clock:
                return float(row[6] or 0)
        return 0.0

    types = [r for r in report.dashboard.by_type.rows if r[0] != ALL]
    departments = report.by_department.rows
    scores = [r for r in report.satisfaction.rows if str(r[0]).endswith("分")]
    chart_list = [
        charts.BarChart("SLA 达成率（按等级，%）", [*levels, ALL],
                        [("响应", [rate_of(lv, "响应") for lv in [*levels, ALL]]),
                         ("恢复", [rate_of(lv, "恢复") for lv in [*levels, ALL]])],
                        value_suffix="%"),
        charts.BarChart("与上期对比：SLA 达成率（%）", ["响应", "恢复"],
                        [(report.period.label, [now.respond_rate or 0.0, now.restore_rate or 0.0]),
                         (report.previous.label, [before.respond_rate or 0.0,
                                                  before.restore_rate or 0.0])],
                        value_suffix="%"),
        charts.BarChart("与上期对比：MTTA / MTTR（分钟）", ["MTTA", "MTTR"],
                        [(report.period.label, [now.mtta or 0.0, now.mttr or 0.0]),
                         (report.previous.label, [before.mtta or 0.0, before.mttr or 0.0])]),
        charts.BarChart("按类型（故障数）", [str(r[0]) for r in types],
                        [("故障数", [float(r[1]) for r in types])]),
        charts.BarChart("按报告部门（故障数）", [str(r[0]) for r in departments],
                        [("故障数", [float(r[1]) for r in departments])]),
        charts.BarChart("满意度分布（故障数）", [str(r[0]) for r in scores],
                        [("故障数", [float(r[1] or 0) for r in scores])]),
    ]
    tables = [charts.ReportTable(t.title, t.headers, t.rows) for t in report.tables
              if t.key != "comparison"]
    summary = (f"本期共受理故障 {now.total} 起（上期 {before.total} 起）；响应 SLA 达成率 "
               f"{_fmt(now.respond_rate, '%')}，恢复 SLA 达成率 {_fmt(now.restore_rate, '%')}；"
               f"MTTA {_fmt(now.mtta)} 分钟，MTTR {_fmt(now.mttr)} 分钟；重复故障发生率 "
               f"{_fmt(now.repeat_rate, '%')}；平均满意度 {_fmt(now.satisfaction)}"
               f"（{now.rated} 起评价）；新增问题 {now.problems_opened} 个，解决 "
               f"{now.problems_solved} 个。")
    last = report.period.end.toordinal() - 1
    from datetime import date

    span = f"{report.period.start:%Y-%m-%d} 至 {date.fromordinal(last):%Y-%m-%d}"
    return pdf.ServiceReportDocument(
        organisation=report.organisation, period=report.period.label,
        previous=report.previous.label, span=span, generated_at=report.generated_at,
        summary=summary, figures=figures, charts=chart_list, tables=tables, notes=NOTES)


def pdf_bytes(report: ServiceReport) -> bytes:
    from reports import service_report as pdf

    return pdf.build(document_of(report))


def _cell(value: Any) -> Any:
    return "" if value is None else value


def xlsx_bytes(report: ServiceReport) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    bold = Font(bold=True)
    summary = book.active
    assert summary is not None
    summary.title = "概要"
    for row in [["运维服务报告", report.period.label], ["对比期间", report.previous.label],
                ["时区", report.timezone],
                ["生成时间", f"{report.generated_at:%Y-%m-%d %H:%M}"], []]:
        summary.append(row)
    summary.append(report.comparison.headers)
    for row in report.comparison.rows:
        summary.append([_cell(v) for v in row])
    for cell in summary["A"]:
        cell.font = bold
    summary.column_dimensions["A"].width = 28
    for col in "BCD":
        summary.column_dimensions[col].width = 16
    used = {"概要"}
    tables: list[Table] = [t for t in report.tables if t.key != "comparison"]
    add_table_sheets(book, tables, used)
    buffer = io.BytesIO()
    book.save(buffer)
    book.close()
    return buffer.getvalue()


def render(report: ServiceReport, kind: str) -> bytes:
    if kind == "pdf":
        return pdf_bytes(report)
    if kind == "xlsx":
        return xlsx_bytes(report)
    raise ValueError(kind)


def kind_of(path: str | Path) -> str:
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise ValidationError({"output": (f"报告文件须为 .pdf 或 .xlsx：{path}",
                                          f"The report file must end in .pdf or .xlsx: {path}")})
    return suffix


def write(report: ServiceReport, path: str | Path) -> Path:
    out = Path(path)
    data = render(report, kind_of(out))
    try:
        out.write_bytes(data)
    except OSError as exc:
        raise DeskError(f"无法写入 {out}：{exc.strerror}",
                        f"Cannot write {out}: {exc.strerror}") from exc
    return out
