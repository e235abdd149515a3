"""Team-wide settings kept in the database: time zone, organisation, SLA limits.

Every desk on one database shares them; an administrator changes them (the CLI's
``desk config`` or the administration dialog). Reading falls back to the defaults, so
a fresh database works before anyone has set anything.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from desk.rules.limits import DEFAULT_TIMEZONE, LevelLimits, limits_from, zone
from models import FaultLevel, Setting

DEFAULTS: dict[str, Any] = {
    "timezone": DEFAULT_TIMEZONE,
    "organisation": "某某科技有限公司",
    "sla.warning_fraction": 0.8,
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
    found: dict[str, Any] = {
        key: value
        for key, value in session.execute(
            select(Setting.key, Setting.value).where(Setting.key.in_(keys))
        )
    }
    return {k: found[k] if k in found else DEFAULTS[k]
            for k in keys if k in found or k in DEFAULTS}


def limits(session: Session) -> dict[FaultLevel, LevelLimits]:
    stored = session.get(Setting, "sla.limits")
    return limits_from(stored.value if stored is not None else None)


def warning_fraction(session: Session) -> float:
    """The share of a limit after which a running clock shows a warning (default 0.8)."""
    return float(get(session, "sla.warning_fraction"))
