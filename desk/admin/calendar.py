"""Changing the working-day calendar: the first seed from the ``chinesecalendar``
package (State Council notices 2004 onwards), a day declared by hand, a year imported.
Each change marks the calendar's revision, so every desk reads the days again.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from desk.errors import ValidationError
from desk.read.calendar import REVISION_KEY
from desk.rules.timeutil import MAX_YEAR, MIN_YEAR
from models import CalendarDay, CalendarYear, DayKind, Setting

PACKAGE_SOURCE = "chinesecalendar"
# the package names its holidays in English; the interface is Chinese
HOLIDAY_NAMES_ZH = {
    "New Year's Day": "元旦", "Spring Festival": "春节", "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节", "Dragon Boat Festival": "端午节", "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节", "Anti-Fascist 70th Day": "中国人民抗日战争胜利70周年纪念日",
}


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


def package_days() -> tuple[list[tuple[date, DayKind, str]], set[int]]:
    """Every exception the ``chinesecalendar`` package knows, and the years it covers."""
    import chinese_calendar

    days: list[tuple[date, DayKind, str]] = []
    for d, name in chinese_calendar.holidays.items():
        days.append((d, DayKind.HOLIDAY, HOLIDAY_NAMES_ZH.get(str(name), str(name))))
    for d, name in chinese_calendar.workdays.items():
        if d.weekday() >= 5:  # the package lists make-up days among its workdays
            days.append((d, DayKind.WORKDAY, HOLIDAY_NAMES_ZH.get(str(name), str(name))))
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


def package_years_missing(session: Session) -> list[int]:
    """Years the installed package covers that the database has not got (offered to the
    administrator: a newer chinesecalendar brings next year's notice)."""
    _, years = package_days()
    have = set(session.scalars(select(CalendarYear.year)))
    return sorted(years - have)


def add_package_years(session: Session, years: Iterable[int]) -> int:
    """Add the package's days of ``years`` (missing years only); a day an administrator
    set is never overwritten. Return the days added."""
    wanted = set(years) - set(session.scalars(select(CalendarYear.year)))
    if not wanted:
        return 0
    days, _ = package_days()
    existing = {d for d in session.scalars(select(CalendarDay.day))
                if d.year in wanted}
    new = [(d, k, n) for d, k, n in days if d.year in wanted and d not in existing]
    session.add_all(CalendarDay(day=d, kind=k, name=n, source=PACKAGE_SOURCE) for d, k, n in new)
    session.add_all(CalendarYear(year=y, source=PACKAGE_SOURCE) for y in sorted(wanted))
    touch(session)
    return len(new)


def year_rows(session: Session, year: int) -> list[tuple[date, DayKind, str]]:
    return [(r.day, r.kind, r.name) for r in session.scalars(
        select(CalendarDay).where(CalendarDay.day >= date(year, 1, 1),
                                  CalendarDay.day <= date(year, 12, 31))
        .order_by(CalendarDay.day))]


def complete_year(session: Session, year: int, source: str, actor_id: int,
                  now: datetime) -> bool:
    """Mark ``year`` complete (confirmed by an administrator); False if it was already."""
    check_year(year)
    row = session.get(CalendarYear, year)
    if row is not None:
        return False
    session.add(CalendarYear(year=year, source=source, confirmed_by_id=actor_id,
                             confirmed_at=now))
    touch(session)
    return True


def check_year(year: int) -> None:
    """Refuse a year outside what a calendar can hold."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationError({"year": (f"年份须在 {MIN_YEAR} 与 {MAX_YEAR} 之间。",
                                        f"The year must lie between {MIN_YEAR} and {MAX_YEAR}.")})


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


def import_year(
    session: Session, year: int, rows: Iterable[tuple[date, DayKind, str]], source: str
) -> int:
    """Replace the year's exceptions with ``rows``. The year becomes complete only when an
    administrator confirms it (``complete_year``), not because a file was imported."""
    check_year(year)
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
    touch(session)
    return len(rows)
