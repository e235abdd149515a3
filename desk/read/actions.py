"""Action items (整改措施) as plain views: a person's open items (我的待办), a fault's or a
problem's items, and the overdue ones.

An item is *overdue* when it is open and its due date (a local date) is before today in
the desk's time zone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from desk.db import Database
from desk.read import settings
from models import ActionItem, ActionState, Person, Problem, Ticket


@dataclass(frozen=True)
class ActionView:
    id: int
    title: str
    owner_id: int
    owner_name: str
    due_on: date
    state: ActionState
    ticket_number: str
    problem_number: str
    done_at: datetime | None
    done_note: str
    overdue: bool

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "owner": self.owner_name,
                "due_on": self.due_on.isoformat(), "state": self.state.value,
                "state_label": self.state.label_zh, "ticket": self.ticket_number,
                "problem": self.problem_number, "overdue": self.overdue,
                "done_at": self.done_at.isoformat() if self.done_at else None,
                "done_note": self.done_note}


def local_today(db: Database, session: Session) -> date:
    return db.now().astimezone(settings.timezone(session)).date()


def _views(session: Session, stmt: Select[Any], today: date) -> list[ActionView]:
    rows = session.execute(stmt.add_columns(Person.name, Ticket.number, Problem.number)
                           .join(Person, Person.id == ActionItem.owner_id)
                           .outerjoin(Ticket, Ticket.id == ActionItem.ticket_id)
                           .outerjoin(Problem, Problem.id == ActionItem.problem_id)
                           .order_by(ActionItem.due_on, ActionItem.id)).all()
    return [ActionView(id=a.id, title=a.title, owner_id=a.owner_id, owner_name=owner,
                       due_on=a.due_on, state=a.state, ticket_number=number or "",
                       problem_number=pnumber or "", done_at=a.done_at, done_note=a.done_note,
                       overdue=a.state == ActionState.OPEN and a.due_on < today)
            for a, owner, number, pnumber in rows]


def items(db: Database, *, owner_id: int | None = None, ticket_key: str | int | None = None,
          problem_key: str | int | None = None, open_only: bool = False) -> list[ActionView]:
    """Action items by owner, fault or problem; earliest due first."""
    from desk.read.problems import load_problem
    from desk.read.tickets import load_ticket

    with db.read() as session:
        stmt = select(ActionItem)
        if owner_id is not None:
            stmt = stmt.where(ActionItem.owner_id == owner_id)
        if ticket_key is not None:
            stmt = stmt.where(ActionItem.ticket_id == load_ticket(session, ticket_key).id)
        if problem_key is not None:
            stmt = stmt.where(ActionItem.problem_id == load_problem(session, problem_key).id)
        if open_only:
            stmt = stmt.where(ActionItem.state == ActionState.OPEN)
        return _views(session, stmt, local_today(db, session))


def my_items(db: Database, person_id: int) -> list[ActionView]:
    """我的待办: the person's open action items, overdue ones first by due date."""
    return items(db, owner_id=person_id, open_only=True)
