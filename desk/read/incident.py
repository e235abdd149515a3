"""A major incident as the live view shows it: the fault, its emergency team and who is
on what, the next deadline, and the timeline of its events (status updates included).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from desk.db import Database
from desk.read import timeline
from desk.read.clocks import clocks_of
from desk.read.documents import action_label, note_of
from desk.read.tickets import load_ticket
from desk.rules.sla import ClockStatus
from models import FaultLevel, Status


@dataclass(frozen=True)
class TeamLine:
    duty: str  # label
    name: str
    contact: str
    department: str


@dataclass(frozen=True)
class IncidentView:
    ticket_id: int
    number: str
    version: int
    level: FaultLevel
    status: Status
    affected_business: str
    phenomenon: str
    reported_at: datetime
    clocks: tuple[ClockStatus, ClockStatus]  # respond, restore
    team: list[TeamLine] = field(default_factory=list)
    timeline: list[dict[str, Any]] = field(default_factory=list)  # at, who, action, note

    @property
    def next_deadline(self) -> ClockStatus | None:
        """The earliest clock still running (None once both stopped)."""
        running = [c for c in self.clocks if c.met_at is None]
        return min(running, key=lambda c: c.due_at) if running else None


def incident(db: Database, key: str | int) -> IncidentView:
    with db.read() as session:
        t = load_ticket(session, key)
        clocks = clocks_of(session, t, db.now())
        team = [TeamLine(m.duty.label_zh, m.person.name, m.person.contact,
                         m.person.department.name if m.person.department else "")
                for m in t.team]
        view = IncidentView(
            ticket_id=t.id, number=t.number, version=t.version, level=t.level,
            status=t.status, affected_business=t.affected_business, phenomenon=t.phenomenon,
            reported_at=t.reported_at, clocks=clocks, team=team)
    entries = [{"at": e["at"], "who": e["actor"] or "系统", "action": action_label(e["action"]),
                "note": note_of(e)} for e in timeline.events(db, view.ticket_id)]
    return dataclasses.replace(view, timeline=entries)


def open_major(db: Database) -> list[int]:
    """The ids of the level-1 faults not yet closed (merged duplicates left out): what a
    desk's major-incident view may open by itself when one appears."""
    from sqlalchemy import select

    from models import Ticket

    closed = [s for s in Status if s.is_closed]
    with db.read() as session:
        return list(session.scalars(select(Ticket.id).where(
            Ticket.level == FaultLevel.URGENT, Ticket.status.notin_(closed),
            Ticket.merged_into_id.is_(None)).order_by(Ticket.id)))
