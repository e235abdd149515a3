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
        "stats", help="the dashboard (统计) of a period; exports as CSV, XLSX, PDF",
        description="Faults reported in [--from, --to) (local dates), by level, type, "
        "state and business; deadline compliance; times to respond, restore, resolve.",
        epilog="Example: desk stats --from 2026-11-01 --to 2026-12-01 --pdf nov.pdf")
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
