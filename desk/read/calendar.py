"""The working-day calendar as stored: read from the database once per revision.

The exceptions live in ``calendar_days`` so an administrator can add a new year or
correct a day (``desk.admin.calendar``); ``calendar_years`` records which years are
complete. The arithmetic on the snapshot is ``desk.rules.workdays``.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

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
