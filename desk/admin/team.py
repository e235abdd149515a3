"""Administration services: the calendar and team-wide settings, with audit events.

A calendar change recomputes the deadlines of every open ticket (an estimated deadline
becomes a real one once its year is imported).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Table, bindparam, func, select, update
from sqlalchemy.orm import Session

from desk.admin import calendar
from desk.db import Database
from desk.errors import PermissionDeniedError, ValidationError
from desk.process import audit, reporting
from desk.read import settings
from desk.read.settings import DEFAULTS, get
from desk.rules import limits as limits_mod
from desk.rules import sla, workdays
from desk.rules.values import plain
from desk.rules.workdays import day_name_problem
from models import (
    CalendarDay,
    CalendarYear,
    DayKind,
    FaultLevel,
    Person,
    Role,
    Setting,
    Status,
    Ticket,
    TicketPause,
)


def _require_admin(session: Session, actor_id: int) -> Person:
    actor = session.get(Person, actor_id)
    if actor is None or Role.ADMIN not in actor.roles:
        raise PermissionDeniedError("只有管理员可以修改此设置。", "Only an administrator may change this.")
    return actor


DEADLINE_FIELDS = ("respond_due_at", "restore_due_at", "respond_due_estimated",
                   "restore_due_estimated")


Progress = Callable[[int, int], None]  # (done, total), called from the working thread


def recompute_open_deadlines(session: Session, progress: Progress | None = None
                             ) -> dict[str, dict[str, dict[str, Any]]]:
    """Recompute every open ticket's deadlines; return ``{number: {field: before/after}}``
    for the tickets whose deadlines changed (the administration event records it, so
    the one event of the change says which tickets it moved).

    The rules (limits, duty hours, calendar, time zone) are read once; the tickets are
    read in batches of plain columns, their pauses with one query, and only the
    tickets whose deadlines moved are written (one executemany per batch)."""
    changed: dict[str, dict[str, dict[str, Any]]] = {}
    closed = [s for s in Status if s.is_closed]
    rules = reporting.deadline_rules(session)
    session.flush()
    total = session.scalar(select(func.count()).select_from(Ticket)
                           .where(Ticket.status.not_in(closed))) or 0
    pauses: dict[int, list[sla.Pause]] = {}
    for tid, start, end in session.execute(
            select(TicketPause.ticket_id, TicketPause.started_at, TicketPause.ended_at)
            .join(Ticket, Ticket.id == TicketPause.ticket_id)
            .where(Ticket.status.not_in(closed)).order_by(TicketPause.started_at)):
        pauses.setdefault(tid, []).append((start, end))
    done, last_id, batch = 0, 0, 2000
    while True:
        rows = session.execute(
            select(Ticket.id, Ticket.number, Ticket.level, Ticket.reported_at, Ticket.paused_at,
                   *(getattr(Ticket, f) for f in DEADLINE_FIELDS))
            .where(Ticket.status.not_in(closed), Ticket.id > last_id)
            .order_by(Ticket.id).limit(batch)).all()
        if not rows:
            break
        updates: list[dict[str, Any]] = []
        for row in rows:
            respond, restore = sla.deadlines(
                row.reported_at, rules.limits[row.level], rules.calendar, rules.tz, rules.duty,
                pauses.get(row.id, ()), row.paused_at)
            values = (respond.due_at, restore.due_at, respond.estimated, restore.estimated)
            before = (row.respond_due_at, row.restore_due_at, row.respond_due_estimated,
                      row.restore_due_estimated)
            if values == before:
                continue
            after = dict(zip(DEADLINE_FIELDS, values, strict=True))
            diff = {f: {"before": plain(old), "after": plain(new)}
                    for f, old, new in zip(DEADLINE_FIELDS, before, values, strict=True)
                    if old != new}
            if diff:
                changed[row.number] = diff
                updates.append({"b_id": row.id, **{f"v_{f}": v for f, v in after.items()}})
        if updates:
            table = Ticket.__table__
            assert isinstance(table, Table)
            # the version goes up with the change, like any other change of a ticket
            session.execute(update(table).where(table.c.id == bindparam("b_id")).values(
                version=table.c.version + 1,
                **{f: bindparam(f"v_{f}") for f in DEADLINE_FIELDS}), updates)
        done += len(rows)
        last_id = rows[-1].id
        if progress is not None:
            progress(done, total)
    session.expire_all()
    return changed


def calendar_add(db: Database, actor_id: int, day_text: str, kind: DayKind | None,
                 name: str) -> int:
    try:
        day = date.fromisoformat(day_text.strip())
    except ValueError:
        raise ValidationError({"date": (
            f"无法识别的日期：{day_text}（应为 2026-10-01 这样的日期）",
            f"Not a date: {day_text} (expected a date such as 2026-10-01)")}) from None
    name_problem = day_name_problem(name)
    if name_problem is not None:
        raise ValidationError({"name": name_problem})

    def work(session: Session) -> int:
        _require_admin(session, actor_id)
        calendar.set_day(session, day, kind, name, "admin")
        session.flush()
        changed = recompute_open_deadlines(session)
        audit.record(session, at=db.now(), action="calendar", ticket_id=None, actor_id=actor_id,
                     details={"day": day.isoformat(), "kind": kind.value if kind else None,
                              "name": name, "recomputed": len(changed),
                              "recomputed_tickets": changed})
        return len(changed)

    return db.write(work)


def _parsed(year: int, content: str | bytes, source: str) -> workdays.ParsedCalendar:
    """The file's days, every bad line listed, and the dates outside ``year`` refused."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    parsed = workdays.parse_calendar(data, source)
    calendar.check_year(year)
    outside = [d for d, _, _ in parsed.rows if d.year != year]
    if outside:
        parsed.errors.append(workdays.LineError(
            0, f"文件中有不属于 {year} 年的日期：{outside[0]}",
            f"The file holds a date outside {year}: {outside[0]}"))
    if not parsed.rows and not parsed.errors:
        parsed.errors.append(workdays.LineError(0, "文件中没有日期。", "The file holds no dates."))
    return parsed


def calendar_preview(db: Database, year: int, content: str | bytes, source: str
                     ) -> tuple[workdays.YearPreview, list[workdays.LineError]]:
    """What importing the file would make of ``year`` (nothing is changed), and a message
    for each line not understood."""
    parsed = _parsed(year, content, source)
    with db.read() as session:
        current = calendar.year_rows(session, year)
    return workdays.preview_year(year, parsed.rows, current), parsed.errors


def calendar_import(db: Database, actor_id: int, year: int, content: str | bytes,
                    source: str, progress: Progress | None = None) -> tuple[int, int]:
    """Replace the year's days with the file's (refused whole, with a message per bad
    line, if any line is wrong). The year is complete only once confirmed."""
    parsed = _parsed(year, content, source)
    parsed.raise_errors()

    def work(session: Session) -> tuple[int, int]:
        _require_admin(session, actor_id)
        added = calendar.import_year(session, year, parsed.rows, source)
        session.flush()
        changed = recompute_open_deadlines(session, progress)
        audit.record(session, at=db.now(), action="calendar_import", ticket_id=None,
                     actor_id=actor_id, details={"year": year, "days": added, "source": source,
                                                 "format": parsed.format,
                                                 "encoding": parsed.encoding,
                                                 "recomputed": len(changed),
                                                 "recomputed_tickets": changed})
        return added, len(changed)

    return db.write(work)


def calendar_complete(db: Database, actor_id: int, year: int,
                      progress: Progress | None = None) -> int:
    """An administrator confirms ``year`` complete (after its preview): its deadlines stop
    being estimated. Return how many open deadlines moved."""
    def work(session: Session) -> int:
        _require_admin(session, actor_id)
        rows = calendar.year_rows(session, year)
        sources = sorted({r.source for r in session.scalars(select(CalendarDay).where(
            CalendarDay.day >= date(year, 1, 1), CalendarDay.day <= date(year, 12, 31)))})
        if not calendar.complete_year(session, year, ",".join(sources) or "admin", actor_id,
                                      db.now()):
            raise ValidationError({"year": (f"{year} 年已确认完整。",
                                            f"{year} is already confirmed complete.")})
        session.flush()
        changed = recompute_open_deadlines(session, progress)
        audit.record(session, at=db.now(), action="calendar_complete", ticket_id=None,
                     actor_id=actor_id, details={"year": year, "days": len(rows),
                                                 "recomputed": len(changed),
                                                 "recomputed_tickets": changed})
        return len(changed)

    return db.write(work)


def calendar_export(db: Database, year: int, template: bool = False) -> bytes:
    """The year's days as a CSV (UTF-8 with BOM, 日期,类型,名称), or a template to fill in."""
    calendar.check_year(year)
    with db.read() as session:
        rows = calendar.year_rows(session, year)
    return workdays.export_csv(rows, year, template)


def package_years_offer(db: Database) -> list[int]:
    """Years the installed chinesecalendar covers and the database lacks."""
    with db.read() as session:
        return calendar.package_years_missing(session)


def calendar_add_package_years(db: Database, actor_id: int, years: Sequence[int]) -> int:
    """Add the package's days of the offered years (never over a day an administrator
    set); return the days added."""
    def work(session: Session) -> int:
        _require_admin(session, actor_id)
        added = calendar.add_package_years(session, years)
        session.flush()
        changed = recompute_open_deadlines(session)
        audit.record(session, at=db.now(), action="calendar_import", ticket_id=None,
                     actor_id=actor_id, details={"years": sorted(years), "days": added,
                                                 "source": calendar.PACKAGE_SOURCE,
                                                 "recomputed": len(changed),
                                                 "recomputed_tickets": changed})
        return added

    return db.write(work)


def set_duty_hours(db: Database, actor_id: int, periods: Sequence[str],
                   progress: Progress | None = None) -> None:
    """The desk's service periods on working days (open deadlines follow)."""
    set_setting(db, actor_id, "sla.duty_hours", list(periods), progress)


def set_level_limits(db: Database, actor_id: int, level: FaultLevel,
                     respond: limits_mod.ClockLimit, restore: limits_mod.ClockLimit) -> None:
    """One level's limits and clock kinds; the other levels keep theirs."""
    current = read_team_settings(db).limits
    current[level] = limits_mod.LevelLimits(respond, restore)
    set_limits(db, actor_id, current)


def set_setting(db: Database, actor_id: int, key: str, value: Any,
                progress: Progress | None = None) -> None:
    """Store a team-wide setting; an SLA or time-zone change recomputes open deadlines."""
    value = limits_mod.validate(key, value)

    def work(session: Session) -> None:
        _require_admin(session, actor_id)
        before = put(session, key, value)
        session.flush()
        details: dict[str, Any] = {}
        if key in ("sla.limits", "sla.duty_hours", "timezone"):
            changed = recompute_open_deadlines(session, progress)
            details = {"recomputed": len(changed), "recomputed_tickets": changed}
        audit.record(session, at=db.now(), action="setting", ticket_id=None, actor_id=actor_id,
                     changes={key: {"before": before, "after": value}}, details=details)

    db.write(work)


# -- what the administration dialogs read and write ------------------------------------


@dataclass(frozen=True)
class TeamSettings:
    """The team-wide settings an administrator edits, as plain data."""

    organisation: str
    timezone: str
    limits: dict[FaultLevel, limits_mod.LevelLimits]


def read_team_settings(db: Database) -> TeamSettings:
    with db.read() as session:
        return TeamSettings(str(settings.get(session, "organisation")),
                            str(settings.get(session, "timezone")),
                            settings.limits(session))


def set_limits(db: Database, actor_id: int,
               limits: dict[FaultLevel, limits_mod.LevelLimits],
               progress: Progress | None = None) -> None:
    """Store the SLA limits of every level (open tickets' deadlines follow)."""
    set_setting(db, actor_id, "sla.limits", limits_mod.limits_to_json(limits), progress)


def set_organisation(db: Database, actor_id: int, name: str) -> None:
    name = name.strip()
    if not name or len(name) > 200:
        raise ValidationError({"organisation": ("单位名称不能为空，且不超过 200 个字符。",
                                                "The organisation name must be 1 to 200 "
                                                "characters long.")})
    set_setting(db, actor_id, "organisation", name)


@dataclass(frozen=True)
class CalendarYearView:
    """A year's holidays and make-up working days; ``covered`` False means estimated."""

    year: int
    covered: bool
    source: str
    days: list[tuple[date, DayKind, str, str]]  # day, kind, name, source


def calendar_year(db: Database, year: int) -> CalendarYearView:
    with db.read() as session:
        row = session.get(CalendarYear, year)
        days = [(d.day, d.kind, d.name, d.source) for d in session.scalars(
            select(CalendarDay).where(CalendarDay.day >= date(year, 1, 1),
                                      CalendarDay.day <= date(year, 12, 31))
            .order_by(CalendarDay.day))]
        return CalendarYearView(year, row is not None, row.source if row else "", days)
def put(session: Session, key: str, value: Any) -> Any:
    """Store a setting; return the value it had before (for the audit event)."""
    row = session.get(Setting, key)
    before = get(session, key) if key in DEFAULTS or row is not None else None
    if row is None:
        session.add(Setting(key=key, value=value))
    else:
        row.value = value
    return before


