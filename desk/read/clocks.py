"""How a ticket's two SLA clocks stand now (respond, restore), and its resolve metric.

The deadlines are the ones stored on the ticket (computed by ``desk.read.queue`` from the
report time and the level in force, recomputed on a level, limit or calendar change),
so the queue, the CLI and the window always agree. The warning moment is derived from
the same limit and the ``sla.warning_fraction`` setting.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from desk.db import Database
from desk.read import calendar as workcal
from desk.read import settings, tickets
from desk.rules import sla
from models import FaultLevel, Ticket


@dataclass(frozen=True)
class TicketClocks:
    """Both clocks of one ticket and its time-to-resolve metric (None until resolved)."""

    level: FaultLevel
    respond: sla.ClockStatus
    restore: sla.ClockStatus
    time_to_resolve: timedelta | None

    def to_json(self) -> dict[str, object]:
        return {
            "level": int(self.level),
            "respond": self.respond.to_json(),
            "restore": self.restore.to_json(),
            "time_to_resolve_seconds": int(self.time_to_resolve.total_seconds())
            if self.time_to_resolve is not None else None,
        }


def clocks_of(
    session: Session, ticket: Ticket, now: datetime
) -> tuple[sla.ClockStatus, sla.ClockStatus]:
    """(respond, restore) clock states of ``ticket`` at ``now``."""
    tz = settings.timezone(session)
    cal = workcal.load(session)
    limits = settings.limits(session)[ticket.level]
    fraction = settings.warning_fraction(session)
    start = ticket.reported_at
    out = []
    for name, limit, met, due, estimated in (
        ("respond", limits.respond, ticket.responded_at, ticket.respond_due_at,
         ticket.respond_due_estimated),
        ("restore", limits.restore, restore_met(ticket), ticket.restore_due_at,
         ticket.restore_due_estimated),
    ):
        deadline = (sla.Deadline(due, bool(estimated)) if due is not None
                    else sla.add_limit(start, limit, cal, tz))
        warn = sla.add_limit(start, sla.warning_limit(limit, fraction), cal, tz).due_at
        out.append(sla.clock_status(name, start, deadline, min(warn, deadline.due_at), met,
                                    now))
    return out[0], out[1]


def restore_met(ticket: Ticket) -> datetime | None:
    """When the restore clock stopped: the first workaround or restore, if any."""
    moments = [m for m in (ticket.workaround_at, ticket.restored_at) if m is not None]
    return min(moments) if moments else None


def time_to_resolve(ticket: Ticket) -> timedelta | None:
    """Elapsed time from the report to the passed verification (None while open)."""
    if ticket.resolved_at is None:
        return None
    return ticket.resolved_at - ticket.reported_at


def ticket_clocks(db: Database, key: str | int) -> tuple[sla.ClockStatus, sla.ClockStatus]:
    with db.read() as session:
        return clocks_of(session, tickets.load_ticket(session, key), db.now())


def ticket_sla(db: Database, key: str | int) -> TicketClocks:
    """Both clocks and the resolve metric of a ticket at the database clock's now."""
    with db.read() as session:
        ticket = tickets.load_ticket(session, key)
        respond, restore = clocks_of(session, ticket, db.now())
        return TicketClocks(ticket.level, respond, restore, time_to_resolve(ticket))
