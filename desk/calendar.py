"""The Chinese working-day calendar: holidays and make-up working days (调休).

A day is a working day when it is Monday to Friday and not a holiday, or when it is a
declared make-up working day. The exceptions live in the database (``calendar_days``)
so an administrator can add a new year or correct a day; ``calendar_years`` records
which years are complete. Outside those years Monday to Friday is assumed and every
deadline that depends on such a day is marked *estimated*.

The first seed comes from the ``chinesecalendar`` package (State Council notices
2004 onwards).
"""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from desk.errors import ValidationError
from models import CalendarDay, CalendarYear, DayKind, Setting

PACKAGE_SOURCE = "chinesecalendar"
MIN_YEAR, MAX_YEAR = 2000, 2200  # outside: a typing error, not a calendar


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


REVISION_KEY = "calendar.revision"
_CACHE: dict[tuple[str, str], WorkCalendar] = {}


def _revision(session: Session) -> str:
    row = session.get(Setting, REVISION_KEY)
    return str(row.value) if row is not None else ""


def touch(session: Session) -> None:
    """Mark the calendar changed (in the caller's transaction).

    The mark is a fresh random token, not a counter: a change that is rolled back
    leaves a token nobody will ever commit, so no desk can cache its days by mistake.
    """
    token = uuid.uuid4().hex
    row = session.get(Setting, REVISION_KEY)
    if row is None:
        session.add(Setting(key=REVISION_KEY, value=token))
    else:
        row.value = token


def load(session: Session, revision: str | None = None) -> WorkCalendar:
    """The calendar as of this transaction, cached per database and revision.

    Reading the revision is one primary-key lookup (none when the caller has just read
    the ``REVISION_KEY`` setting and passes its value, ``""`` when absent); the ~1,500
    days are read again only after a desk (this one or another) changed the calendar.
    """
    key = (session.get_bind().engine.url.render_as_string(hide_password=True),
           _revision(session) if revision is None else revision)
    cached = _CACHE.get(key)
    if cached is not None:
        return cached
    calendar = _read(session)
    if len(_CACHE) > 32:
        _CACHE.clear()
    _CACHE[key] = calendar
    return calendar


def _read(session: Session) -> WorkCalendar:
    holidays: set[date] = set()
    workdays: set[date] = set()
    for row in session.execute(select(CalendarDay.day, CalendarDay.kind)):
        (holidays if row.kind == DayKind.HOLIDAY else workdays).add(row.day)
    years = set(session.scalars(select(CalendarYear.year)))
    return WorkCalendar(frozenset(holidays), frozenset(workdays), frozenset(years))


def package_days() -> tuple[list[tuple[date, DayKind, str]], set[int]]:
    """Every exception the ``chinesecalendar`` package knows, and the years it covers."""
    import chinese_calendar

    days: list[tuple[date, DayKind, str]] = []
    for d, name in chinese_calendar.holidays.items():
        days.append((d, DayKind.HOLIDAY, str(name)))
    for d, name in chinese_calendar.workdays.items():
        if d.weekday() >= 5:  # the package lists make-up days among its workdays
            days.append((d, DayKind.WORKDAY, str(name)))
    years = {d.year for d, _, _ in days}
    return days, years


def seed_from_package(session: Session) -> int:
    """Fill the calendar from the package where it is empty; return days added."""
    if session.scalar(select(CalendarYear.year).limit(1)) is not None:
        return 0
    days, years = package_days()
    session.add_all(CalendarDay(day=d, kind=k, name=n, source=PACKAGE_SOURCE) for d, k, n in days)
    session.add_all(CalendarYear(year=y, source=PACKAGE_SOURCE) for y in sorted(years))
    touch(session)
    return len(days)


def set_day(session: Session, day: date, kind: DayKind | None, name: str, source: str) -> None:
    """Declare one day a holiday or a make-up working day; ``None`` removes the exception."""
    touch(session)
    row = session.get(CalendarDay, day)
    if kind is None:
        if row is not None:
            session.delete(row)
        return
    if row is None:
        session.add(CalendarDay(day=day, kind=kind, name=name, source=source))
    else:
        row.kind, row.name, row.source = kind, name, source


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
        if any(ord(ch) < 32 for ch in name):
            errors[f"line{lineno}"] = (
                f"第 {lineno} 行的名称含有控制字符。",
                f"Line {lineno}: the name holds a control character.",
            )
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


def import_year(
    session: Session, year: int, rows: Iterable[tuple[date, DayKind, str]], source: str
) -> int:
    """Replace the year's exceptions with ``rows`` and mark the year complete."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationError({"year": (f"年份须在 {MIN_YEAR} 与 {MAX_YEAR} 之间。",
                                        f"The year must lie between {MIN_YEAR} and {MAX_YEAR}.")})
    rows = list(rows)
    outside = [d for d, _, _ in rows if d.year != year]
    if outside:
        raise ValidationError({"file": (
            f"文件中有不属于 {year} 年的日期：{outside[0]}",
            f"The file holds a date outside {year}: {outside[0]}",
        )})
    session.execute(
        delete(CalendarDay).where(CalendarDay.day >= date(year, 1, 1),
                                  CalendarDay.day <= date(year, 12, 31))
    )
    session.add_all(CalendarDay(day=d, kind=k, name=n, source=source) for d, k, n in rows)
    if session.get(CalendarYear, year) is None:
        session.add(CalendarYear(year=year, source=source))
    touch(session)
    return len(rows)
