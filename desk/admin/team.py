"""Administration services: the calendar and team-wide settings, with audit events.

A calendar change recomputes the deadlines of every open ticket (an estimated deadline
becomes a real one once its year is imported).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desk.admin import calendar
from desk.db import Database
from desk.errors import PermissionDeniedError, ValidationError
from desk.process import audit, reporting
from desk.read import settings
from desk.read.settings import DEFAULTS, get
from desk.rules import workdays
from desk.rules.limits import LevelLimits, limits_to_json, validate
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
)


def _require_admin(session: Session, actor_id: int) -> Person:
    actor = session.get(Person, actor_id)
    if actor is None or Role.ADMIN not in actor.roles:
        raise PermissionDeniedError("只有管理员可以修改此设置。", "Only an administrator may change this.")
    return actor


DEADLINE_FIELDS = ("respond_due_at", "restore_due_at", "respond_due_estimated",
                   "restore_due_estimated")


def recompute_open_deadlines(session: Session) -> dict[str, dict[str, dict[str, Any]]]:
    """Recompute every open ticket's deadlines; return ``{number: {field: before/after}}``
    for the tickets whose deadlines changed (the administration event records it, so
    the one event of the change says which tickets it moved)."""
    changed: dict[str, dict[str, dict[str, Any]]] = {}
    closed = [s for s in Status if s.is_closed]
    for ticket in session.scalars(select(Ticket).where(Ticket.status.not_in(closed))):
        before = {f: getattr(ticket, f) for f in DEADLINE_FIELDS}
        reporting.apply_deadlines(session, ticket)
        diff = {f: {"before": plain(old), "after": plain(getattr(ticket, f))}
                for f, old in before.items() if getattr(ticket, f) != old}
        if diff:
            changed[ticket.number] = diff
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


def calendar_import(db: Database, actor_id: int, year: int, content: str,
                    source: str) -> tuple[int, int]:
    rows = workdays.parse_import(content)

    def work(session: Session) -> tuple[int, int]:
        _require_admin(session, actor_id)
        added = calendar.import_year(session, year, rows, source)
        session.flush()
        changed = recompute_open_deadlines(session)
        audit.record(session, at=db.now(), action="calendar_import", ticket_id=None,
                     actor_id=actor_id, details={"year": year, "days": added, "source": source,
                                                 "recomputed": len(changed),
                                                 "recomputed_tickets": changed})
        return added, len(changed)

    return db.write(work)


def set_setting(db: Database, actor_id: int, key: str, value: Any) -> None:
    """Store a team-wide setting; an SLA or time-zone change recomputes open deadlines."""
    value = validate(key, value)

    def work(session: Session) -> None:
        _require_admin(session, actor_id)
        before = put(session, key, value)
        session.flush()
        details: dict[str, Any] = {}
        if key.startswith("sla.") or key == "timezone":
            changed = recompute_open_deadlines(session)
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
    limits: dict[FaultLevel, LevelLimits]


def read_team_settings(db: Database) -> TeamSettings:
    with db.read() as session:
        return TeamSettings(str(settings.get(session, "organisation")),
                            str(settings.get(session, "timezone")),
                            settings.limits(session))


def set_limits(db: Database, actor_id: int,
               limits: dict[FaultLevel, LevelLimits]) -> None:
    """Store the SLA limits of every level (open tickets' deadlines follow)."""
    set_setting(db, actor_id, "sla.limits", limits_to_json(limits))


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


