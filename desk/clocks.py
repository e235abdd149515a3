"""How a ticket's two SLA clocks stand now (respond, restore)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from desk import calendar as workcal
from desk import settings, sla, tickets
from desk.db import Database
from models import Ticket


def clocks_of(session: Session, ticket: Ticket, now: object) -> tuple[sla.ClockStatus,
                                                                      sla.ClockStatus]:
    from datetime import datetime

    assert isinstance(now, datetime)
    tz = settings.timezone(session)
    cal = workcal.load(session)
    limits = settings.limits(session)[ticket.level]
    fraction = float(settings.get(session, "sla.warning_fraction"))
    start = ticket.reported_at
    out = []
    for name, limit, met in (
        ("respond", limits.respond, ticket.responded_at),
        ("restore", limits.restore, _restore_met(ticket)),
    ):
        deadline = sla.add_limit(start, limit, cal, tz)
        warn = sla.add_limit(start, sla.warning_limit(limit, fraction), cal, tz).due_at
        out.append(sla.clock_status(name, start, deadline, warn, met, now))
    return out[0], out[1]


def _restore_met(ticket: Ticket):  # type: ignore[no-untyped-def]
    moments = [m for m in (ticket.workaround_at, ticket.restored_at) if m is not None]
    return min(moments) if moments else None


def ticket_clocks(db: Database, key: str | int) -> tuple[sla.ClockStatus, sla.ClockStatus]:
    with db.read() as session:
        return clocks_of(session, tickets._load(session, key), db.now())
