"""The Chinese working-day calendar as values: which days are working days, given the
holidays and make-up working days (调休), and the parsing of an imported year.

A day is a working day when it is Monday to Friday and not a holiday, or when it is a
declared make-up working day. Outside the complete years Monday to Friday is assumed
and every deadline that depends on such a day is marked *estimated*.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date

from desk.errors import ValidationError
from models.vocabulary import DayKind


@dataclass(frozen=True)
class WorkCalendar:
    """An immutable snapshot of the calendar, cheap to query many times."""

    holidays: frozenset[date] = field(default_factory=frozenset)
    workdays: frozenset[date] = field(default_factory=frozenset)
    years: frozenset[int] = field(default_factory=frozenset)

    def is_working_day(self, day: date) -> bool:
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < 5

    def covers(self, day: date) -> bool:
        return day.year in self.years


NAME_MAX = 100  # characters of a holiday's name (``calendar_days.name``)


def day_name_problem(name: str) -> tuple[str, str] | None:
    """Why ``name`` cannot be a holiday's name, or None."""
    if len(name) > NAME_MAX:
        return (f"名称过长（{len(name)} 字，最多 {NAME_MAX} 字）。",
                f"The name is too long ({len(name)} characters, at most {NAME_MAX}).")
    if any(ord(ch) < 32 for ch in name):
        return ("名称含有控制字符。", "The name holds a control character.")
    return None


def parse_import(text: str) -> list[tuple[date, DayKind, str]]:
    """Parse a CSV of ``date,kind,name`` lines (kind: holiday/workday, 休/班)."""
    rows: list[tuple[date, DayKind, str]] = []
    kinds = {"holiday": DayKind.HOLIDAY, "休": DayKind.HOLIDAY, "workday": DayKind.WORKDAY,
             "班": DayKind.WORKDAY}
    errors: dict[str, tuple[str, str]] = {}
    for lineno, record in enumerate(csv.reader(io.StringIO(text)), start=1):
        if not record or not record[0].strip() or record[0].strip().startswith("#"):
            continue
        if record[0].strip().lower() == "date":
            continue
        try:
            day = date.fromisoformat(record[0].strip())
            kind = kinds[record[1].strip().lower()]
        except (ValueError, IndexError, KeyError):
            errors[f"line{lineno}"] = (
                f"第 {lineno} 行无法识别：{','.join(record)}（应为 日期,holiday|workday,名称）",
                f"Line {lineno} is not understood: {','.join(record)} "
                "(expected date,holiday|workday,name)",
            )
            continue
        name = record[2].strip() if len(record) > 2 else ""
        problem = day_name_problem(name)
        if problem is not None:
            errors[f"line{lineno}"] = (f"第 {lineno} 行：{problem[0]}",
                                       f"Line {lineno}: {problem[1]}")
            continue
        rows.append((day, kind, name))
    if errors:
        raise ValidationError(errors)
    if not rows:
        raise ValidationError({"file": ("文件中没有日期。", "The file holds no dates.")})
    seen: set[date] = set()
    for day, _, _ in rows:
        # one row per day in the table: a second line for the same day is a typing error
        if day in seen:
            raise ValidationError({"file": (f"日期 {day} 在文件中出现了两次。",
                                            f"The date {day} appears twice in the file.")})
        seen.add(day)
    return rows
