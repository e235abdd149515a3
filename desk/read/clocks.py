"""How a ticket's two SLA clocks stand now (respond, restore), and its resolve metric.

The deadlines are the ones stored on the ticket (computed by ``desk.read.queue`` from the
report time and the level in force, recomputed on a level, limit or calendar change),
so the queue, the CLI and the window always agree. The warning moment is derived from
the same limit and the ``sla.warning_fraction`` setting.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from desk.db import Database
from desk.read import calendar as workcal
from desk.read import settings, tickets
from desk.rules import sla
from desk.rules.limits import DutyHours
from models import FaultLevel, Person, Status, Ticket


@dataclass(frozen=True)
class TicketClocks:
    """Both clocks of one ticket and its time-to-resolve metric (None until resolved)."""

    level: FaultLevel
    respond: sla.ClockStatus
    restore: sla.ClockStatus
    time_to_resolve: timedelta | None
    paused: bool = False
    pause_reason: str = ""

    def to_json(self) -> dict[str, object]:
        return {
            "level": int(self.level),
            "paused": self.paused,
            "pause_reason": self.pause_reason,
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
    duty = settings.duty_hours(session)
    limits = settings.limits(session)[ticket.level]
    fraction = settings.warning_fraction(session, ticket.level)
    start = ticket.reported_at
    pauses = pauses_of(ticket)
    paused_for = paused_time(ticket, now)
    cancelled = ticket.cancelled_at if ticket.status == Status.CANCELLED else None
    out = []
    for name, limit, met, due, estimated in (
        ("respond", limits.respond, ticket.responded_at, ticket.respond_due_at,
         ticket.respond_due_estimated),
        ("restore", limits.restore, restore_met(ticket), ticket.restore_due_at,
         ticket.restore_due_estimated),
    ):
        if due is None or (ticket.paused_at is not None and met is None):
            # while paused the deadline moves with now: the one reached on resuming now
            deadline = sla.add_limit(start, limit, cal, tz, duty, pauses, now)
        else:
            deadline = sla.Deadline(due, bool(estimated))
        warn = sla.add_limit(start, sla.warning_limit(limit, fraction, duty), cal, tz, duty,
                             pauses, now).due_at
        out.append(sla.clock_status(name, start, deadline, min(warn, deadline.due_at), met,
                                    now, clock=limit.clock,
                                    paused=ticket.paused_at is not None,
                                    paused_for=paused_for, cancelled_at=cancelled))
    return out[0], out[1]


def pauses_of(ticket: Ticket) -> list[sla.Pause]:
    return [(p.started_at, p.ended_at) for p in ticket.pauses]


def paused_time(ticket: Ticket, now: datetime) -> timedelta:
    """How long the ticket's clocks stood still (wall time; a pause in force up to now)."""
    return sum(((p.ended_at or now) - p.started_at for p in ticket.pauses), timedelta(0))


@dataclass(frozen=True)
class PauseView:
    started_at: datetime
    ended_at: datetime | None
    reason: str
    started_by: str
    ended_by: str

    def to_json(self) -> dict[str, object]:
        return {"started_at": self.started_at.isoformat(),
                "ended_at": self.ended_at.isoformat() if self.ended_at else None,
                "reason": self.reason, "started_by": self.started_by,
                "ended_by": self.ended_by}


@dataclass(frozen=True)
class ClockExplanation:
    """Why a ticket's deadlines are what they are: per clock, the periods that counted."""

    number: str
    level: FaultLevel
    respond: sla.Explained
    restore: sla.Explained
    pauses: list[PauseView]
    duty: DutyHours


def explain_ticket(db: Database, key: str | int) -> ClockExplanation:
    with db.read() as session:
        ticket = tickets.load_ticket(session, key)
        now = db.now()
        tz = settings.timezone(session)
        cal = workcal.load(session)
        duty = settings.duty_hours(session)
        limits = settings.limits(session)[ticket.level]
        pauses = pauses_of(ticket)
        names = {p.id: p.name for p in session.scalars(select(Person))}
        views = [PauseView(p.started_at, p.ended_at, p.reason, names.get(p.started_by_id, ""),
                           names.get(p.ended_by_id or 0, "")) for p in ticket.pauses]
        respond = sla.explain(ticket.reported_at, limits.respond, cal, tz, duty, pauses, now)
        restore = sla.explain(ticket.reported_at, limits.restore, cal, tz, duty, pauses, now)
        return ClockExplanation(ticket.number, ticket.level, respond, restore, views, duty)


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
        return TicketClocks(ticket.level, respond, restore, time_to_resolve(ticket),
                            ticket.paused_at is not None, ticket.pause_reason)
