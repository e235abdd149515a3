"""Team-wide settings kept in the database: time zone, organisation, SLA limits.

Every desk on one database shares them; an administrator changes them (the CLI's
``desk config`` or the administration dialog). Reading falls back to the defaults, so
a fresh database works before anyone has set anything.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, literal_column, select
from sqlalchemy.orm import Session

from desk.read.glance import DEFAULT_ORGANISATION
from desk.rules.limits import (
    DEFAULT_DUTY_HOURS,
    DEFAULT_ESCALATE_AFTER_MINUTES,
    DEFAULT_TIMEZONE,
    DEFAULT_WARNING_FRACTIONS,
    DutyHours,
    LevelLimits,
    limits_from,
    zone,
)
from models import FaultLevel, Setting

DEFAULTS: dict[str, Any] = {
    "timezone": DEFAULT_TIMEZONE,
    "organisation": DEFAULT_ORGANISATION,
    "sla.warning_fraction": 0.8,  # before several fractions: read only when set
    "sla.warning_fractions": list(DEFAULT_WARNING_FRACTIONS),
    "sla.duty_hours": DEFAULT_DUTY_HOURS.texts(),
    "sla.escalate_after_minutes": DEFAULT_ESCALATE_AFTER_MINUTES,
    "attachments.max_bytes": 100 * 1024 * 1024,
}


def get(session: Session, key: str) -> Any:
    row = session.get(Setting, key)
    if row is not None:
        return row.value
    if key in DEFAULTS:
        return DEFAULTS[key]
    raise KeyError(key)


def timezone(session: Session) -> ZoneInfo:
    return zone(str(get(session, "timezone")))


def get_many(session: Session, keys: tuple[str, ...]) -> dict[str, Any]:
    """Several settings read with one query, each falling back to its default.

    A key that is neither stored nor has a default is left out.
    """
    # a Core statement built once, on the session's connection: every report reads the
    # rules in force with it, and the ORM's execution path would cost more than the query
    found: dict[str, Any] = {
        key: value for key, value in session.connection().execute(_MANY, {"keys": keys})}
    return {k: found[k] if k in found else DEFAULTS[k]
            for k in keys if k in found or k in DEFAULTS}


_MANY = select(Setting.key, Setting.value).where(
    Setting.key.in_(bindparam("keys", expanding=True)))


def get_many_stamped(session: Session, keys: tuple[str, ...]
                     ) -> tuple[dict[str, Any], dict[str, str]]:
    """PostgreSQL: ``get_many`` and the stamp of what was read, ``{key: xmin}`` of the
    rows found: it changes when any of them is changed, added or removed, so a database
    function can tell whether a value read earlier is still the one in force
    (``desk_report``, migration 0017)."""
    found: dict[str, Any] = {}
    stamp: dict[str, str] = {}
    for key, value, xmin in session.connection().execute(_MANY_STAMPED, {"keys": keys}):
        found[key] = value
        stamp[key] = xmin
    values = {k: found[k] if k in found else DEFAULTS[k]
              for k in keys if k in found or k in DEFAULTS}
    return values, stamp


_MANY_STAMPED = select(Setting.key, Setting.value, literal_column("xmin::text")).where(
    Setting.key.in_(bindparam("keys", expanding=True)))


def limits(session: Session) -> dict[FaultLevel, LevelLimits]:
    stored = session.get(Setting, "sla.limits")
    return limits_from(stored.value if stored is not None else None)


def warning_fraction(session: Session, level: FaultLevel | None = None) -> float:
    """The first share of a limit after which a running clock shows a warning."""
    return warning_fractions(session, level)[0]


def warning_fractions(session: Session, level: FaultLevel | None = None) -> list[float]:
    """The shares of a limit at which a running clock warns (default 50 % and 80 %):
    ``sla.warning_fractions`` (a list for every level, or ``{level: list}``); a desk that
    set only the older single ``sla.warning_fraction`` keeps that one."""
    return fractions_from(session.get(Setting, "sla.warning_fractions"),
                          session.get(Setting, "sla.warning_fraction"), level)


def fractions_from(stored: Setting | None, single: Setting | None,
                   level: FaultLevel | None) -> list[float]:
    if stored is None:
        if single is not None:
            return [float(single.value)]
        return list(DEFAULT_WARNING_FRACTIONS)
    value = stored.value
    if isinstance(value, dict):
        value = value.get(str(int(level)) if level is not None else "",
                          list(DEFAULT_WARNING_FRACTIONS))
    return sorted(float(v) for v in value)


def duty_hours(session: Session) -> DutyHours:
    """The desk's service periods on working days (default 08:30–12:00, 13:30–17:30)."""
    return DutyHours.parse(list(get(session, "sla.duty_hours")))


def escalate_after_minutes(session: Session) -> int:
    return int(get(session, "sla.escalate_after_minutes"))
