"""Reading one ticket back: plain frozen views, never live ORM objects, so the window
can hold them after the session is closed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desk.db import Database
from desk.errors import NotFoundError
from desk.rules.values import plain
from models import FaultLevel, FaultType, Person, Status, Ticket


@dataclass(frozen=True)
class TicketRow:
    """One line of the queue."""

    id: int
    number: str
    level: FaultLevel
    status: Status
    fault_type: FaultType
    affected_business: str
    reporter_name: str
    assignee_name: str
    reported_at: datetime
    respond_due_at: datetime | None
    restore_due_at: datetime | None
    responded_at: datetime | None
    restore_met_at: datetime | None
    version: int
    respond_due_estimated: bool = False
    restore_due_estimated: bool = False
    paused: bool = False

    def running_due(self) -> datetime | None:
        """The deadline of the clock still running, if any (the queue's 剩余时间 and
        ``desk list`` count down to it)."""
        if self.status.is_closed:
            return None
        if self.responded_at is None and self.respond_due_at is not None:
            return self.respond_due_at
        if self.restore_met_at is None:
            return self.restore_due_at
        return None


@dataclass(frozen=True)
class TicketDetail:
    """Every field of one ticket, as plain values (``models.Ticket`` columns)."""

    id: int
    values: dict[str, Any]
    people: dict[int, str] = field(default_factory=dict)  # person id -> "name (工号)"

    def __getattr__(self, name: str) -> Any:
        try:
            return self.values[name]
        except KeyError:
            raise AttributeError(name) from None

    def to_json(self, tz: Any = None) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in self.values.items():
            if isinstance(value, datetime):
                out[key] = value.astimezone(tz).isoformat() if tz else value.isoformat()
            else:
                out[key] = plain(value)
        return out


def person_label(name: str, employee_no: str) -> str:
    """How a ticket's view names a person: 刘洋（IT001）."""
    return f"{name}（{employee_no}）"


def detail_of(session: Session, ticket: Ticket, known: Mapping[int, str] | None = None
              ) -> TicketDetail:
    """The ticket as a plain view; the people it names are read in one query, unless
    ``known`` already labels all of them (a new fault names only who reported it)."""
    values = {c.key: getattr(ticket, c.key) for c in Ticket.__table__.columns}
    person_ids = {v for k, v in values.items() if k.endswith("_id") and k != "id" and v}
    if known is not None and person_ids <= known.keys():
        people = {i: known[i] for i in person_ids}
    elif person_ids:
        people = {p.id: person_label(p.name, p.employee_no)
                  for p in session.scalars(select(Person).where(Person.id.in_(person_ids)))}
    else:
        people = {}
    return TicketDetail(id=ticket.id, values=values, people=people)


def get_ticket(db: Database, key: str | int) -> TicketDetail:
    """A ticket by number (``SYS-20261127-001``) or id."""
    with db.read() as session:
        return detail_of(session, load_ticket(session, key))


def load_ticket(session: Session, key: str | int) -> Ticket:
    """The ticket with this number or id, in ``session``; ``NotFoundError`` if none."""
    if isinstance(key, int):
        # ids are 32-bit on PostgreSQL: a bigger number is no ticket, not a driver error
        ticket = session.get(Ticket, key) if 0 < key < 2**31 else None
    else:
        ticket = session.scalar(select(Ticket).where(Ticket.number == key.strip().upper()))
    if ticket is None:
        raise NotFoundError(f"没有编号为 {key} 的故障。", f"There is no fault numbered {key}.")
    return ticket


