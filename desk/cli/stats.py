"""The ``desk stats`` command: the dashboard of a period, printed or exported.

``desk stats --from 2026-11-01 --to 2026-12-01`` prints the tables (``--json`` for
machines); ``--csv``, ``--xlsx`` and ``--pdf`` write the exports. Dates are local to
the desk's time zone; ``--to`` is not included. Without dates: this month.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from datetime import date
from typing import Any

from desk.cli.output import safe
from desk.db import Database
from desk.errors import ValidationError, pick
from desk.read import stats, stats_export


def register(sub: Any) -> dict[str, Callable[[Database, argparse.Namespace], int]]:
    p = sub.add_parser(
        "stats", help="the dashboard (统计) of a period; exports as CSV, XLSX, PDF; "
        "stats report: the monthly or quarterly service report",
        description="Faults reported in [--from, --to) (local dates), by level, type, "
        "state and business; deadline compliance; times to respond, restore, resolve.",
        epilog="Examples: desk stats --from 2026-11-01 --to 2026-12-01 --pdf nov.pdf; "
        "desk stats report --month 2026-11 -o 运维服务报告-2026-11.pdf; "
        "desk stats report --quarter 2026Q4 -o q4.xlsx")
    p.add_argument("action", nargs="?", choices=["report"],
                   help="report: the monthly or quarterly service report (运维服务报告), "
                   "with --month or --quarter and -o FILE.pdf|FILE.xlsx")
    p.add_argument("--month", metavar="YYYY-MM", help="report: the month, e.g. 2026-11")
    p.add_argument("--quarter", metavar="YYYYQn", help="report: the quarter, e.g. 2026Q4")
    p.add_argument("-o", "--output", metavar="FILE", action="append",
                   help="report: the file to write (.pdf or .xlsx; repeatable)")
    p.add_argument("--from", dest="start", metavar="YYYY-MM-DD",
                   help="first day (default: the first of this month)")
    p.add_argument("--to", dest="end", metavar="YYYY-MM-DD",
                   help="the day after the last (default: the first of next month)")
    p.add_argument("--top", type=int, default=stats.TOP_BUSINESSES,
                   help="how many affected businesses to list")
    p.add_argument("--json", action="store_true")
    for kind in stats_export.FORMATS:
        p.add_argument(f"--{kind}", metavar="FILE", help=f"write the dashboard as {kind.upper()}")
    return {"stats": _cmd_stats}


def _date(text: str | None, name: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValidationError({name: (f"无法识别的日期：“{text}”，请按 2026-11-01 的格式填写。",
                                      f"Cannot read the date “{text}”; write it like "
                                      "2026-11-01.")}) from None


def _cmd_stats(db: Database, args: argparse.Namespace) -> int:
    if args.action == "report":
        return _cmd_report(db, args)
    if args.month or args.quarter or args.output:
        raise ValidationError({"action": (
            "--month、--quarter 和 -o 用于服务报告：desk stats report --month 2026-11 -o 报告.pdf",
            "--month, --quarter and -o are for the service report: desk stats report "
            "--month 2026-11 -o report.pdf")})
    start, end = _date(args.start, "from"), _date(args.end, "to")
    if start is None or end is None:
        month = stats.this_month(stats.local_today(db))
        start = start or month[0]
        end = end or (month[1] if start < month[1] else stats.this_month(start)[1])
    board = stats.compute(db, start, end, top=max(1, args.top))
    for kind in stats_export.FORMATS:
        path = getattr(args, kind)
        if path:
            stats_export.write(board, kind, path)
    if args.json:
        print(json.dumps(board.to_json(), ensure_ascii=False, indent=2))
        return 0
    if pick("zh", "en") == "en":
        print(f"Faults {stats.in_english(board.period_label)} ({board.timezone}), "
              f"{board.total} in all")
    else:
        print(f"故障统计 {board.period_label}（{board.timezone}）  故障总数 {board.total}")
    for table in board.tables:
        print()
        print(pick(table.title, stats.in_english(table.title)))
        print(_format(table))
    return 0


def _width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _format(table: stats.Table) -> str:
    english = pick("zh", "en") == "en"

    def cell(value: object) -> str:
        text = "—" if value is None else str(value)
        return safe(stats.in_english(text) if english else text)

    cells = [[cell(h) for h in table.headers]] + [[cell(v) for v in row] for row in table.rows]
    widths = [max(_width(str(r[i])) for r in cells) for i in range(len(table.headers))]
    lines = []
    for row in cells:
        parts = []
        for i, value in enumerate(row):
            pad = " " * (widths[i] - _width(str(value)))
            parts.append(f"{value}{pad}" if i == 0 else f"{pad}{value}")
        lines.append("  ".join(parts))
    return "\n".join(lines)


def _cmd_report(db: Database, args: argparse.Namespace) -> int:
    from desk.read import service_report, service_report_export

    if bool(args.month) == bool(args.quarter):
        raise ValidationError({"period": ("请给出 --month（如 2026-11）或 --quarter（如 2026Q4）之一。",
                                          "Give one of --month (e.g. 2026-11) or --quarter "
                                          "(e.g. 2026Q4).")})
    period = (service_report.month(args.month) if args.month
              else service_report.quarter(args.quarter))
    outputs = args.output or []
    for path in outputs:
        service_report_export.kind_of(path)  # refused before anything is computed
    report = service_report.compute(db, period)
    for path in outputs:
        print(str(service_report_export.write(report, path)))
    if args.json:
        print(json.dumps(report.to_json(), ensure_ascii=False, indent=2, default=str))
    elif not outputs:
        print(f"运维服务报告 {period.label}（对比 {report.previous.label}，{report.timezone}）")
        for table in report.tables:
            print()
            print(table.title)
            print(_format(table))
    return 0
