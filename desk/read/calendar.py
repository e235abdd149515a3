"""The working-day calendar as stored: read from the database once per revision.

The exceptions live in ``calendar_days`` so an administrator can add a new year or
correct a day (``desk.admin.calendar``); ``calendar_years`` records which years are
complete. The arithmetic on the snapshot is ``desk.rules.workdays``.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from desk.db import Database
from desk.rules.workdays import WorkCalendar
from models import CalendarDay, CalendarYear, DayKind, Setting

REVISION_KEY = "calendar.revision"
_CACHE: dict[tuple[str, str], WorkCalendar] = {}


def _revision(session: Session) -> str:
    row = session.get(Setting, REVISION_KEY)
    return str(row.value) if row is not None else ""


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


def missing_next_year(session: Session, today: date) -> int | None:
    """From 1 November, next year when the calendar has not got it complete (else None)."""
    from desk.rules.workdays import next_year_missing

    return next_year_missing(today, load(session).years)


def reminder_text(year: int) -> tuple[str, str]:
    """What administrators and leads are told while ``year`` is missing (zh, en)."""
    return (f"{year} 年的节假日与调休尚未导入：从 {year} 年 1 月 1 日起，按工作日或值班时间计算的截止时间"
            f"都将是估算。请在“管理 → 工作日历”中导入并确认 {year} 年（或 desk calendar import）。",
            f"The holidays and make-up days of {year} are not in the calendar yet: from "
            f"1 January {year} every deadline counted in working days or duty hours is "
            f"estimated. Import and confirm {year} under Administration → Calendar (or "
            "desk calendar import).")


def next_year_reminder(db: Database) -> tuple[str, str] | None:
    """The reminder (zh, en) to show while next year is missing from 1 November, else
    None: the window's banner and ``desk serve`` call this."""
    with db.read() as session:
        from desk.read import settings

        today = db.now().astimezone(settings.timezone(session)).date()
        year = missing_next_year(session, today)
    return reminder_text(year) if year is not None else None
