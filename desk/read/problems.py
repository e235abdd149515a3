"""Problems (问题) as plain views: one problem with its faults and history, the list, and
the known errors the similar-faults panel offers.

A fault *repeats* when it points to a problem that already existed when it was reported
(``tickets.reported_at > problems.created_at``): the fault the problem was opened from
is not a repeat, every later one is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desk.db import Database
from desk.errors import NotFoundError
from models import Event, FaultType, Person, Problem, ProblemState, Status, Ticket

# the problem's fields a lead may change, with their labels
FIELDS: dict[str, tuple[str, str]] = {
    "title": ("问题标题", "Title"),
    "symptom": ("现象", "Symptom"),
    "affected_business": ("受影响业务", "Affected business"),
    "root_cause": ("根本原因", "Root cause"),
    "workaround": ("临时方案", "Workaround"),
    "permanent_fix": ("永久解决方案", "Permanent fix"),
    "owner_id": ("负责人", "Owner"),
}


@dataclass(frozen=True)
class ProblemFault:
    number: str
    status: Status
    reporter_name: str
    reported_at: datetime
    repeat: bool


@dataclass(frozen=True)
class ProblemView:
    id: int
    number: str
    version: int
    title: str
    symptom: str
    affected_business: str
    fault_type: FaultType
    state: ProblemState
    root_cause: str
    workaround: str
    permanent_fix: str
    owner_id: int | None
    owner_name: str
    created_at: datetime
    known_error_at: datetime | None
    resolved_at: datetime | None
    faults: list[ProblemFault] = field(default_factory=list)
    history: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        def iso(v: datetime | None) -> str | None:
            return v.isoformat() if v else None
        return {
            "id": self.id, "number": self.number, "version": self.version, "title": self.title,
            "symptom": self.symptom, "affected_business": self.affected_business,
            "fault_type": self.fault_type.value, "state": self.state.value,
            "state_label": self.state.label_zh, "root_cause": self.root_cause,
            "workaround": self.workaround, "permanent_fix": self.permanent_fix,
            "owner": self.owner_name, "created_at": iso(self.created_at),
            "known_error_at": iso(self.known_error_at), "resolved_at": iso(self.resolved_at),
            "faults": [{"number": f.number, "status": f.status.value, "repeat": f.repeat,
                        "reporter": f.reporter_name, "reported_at": iso(f.reported_at)}
                       for f in self.faults],
            "history": [{**h, "at": iso(h["at"])} for h in self.history],
        }


def load_problem(session: Session, key: str | int) -> Problem:
    if isinstance(key, int) or str(key).strip().isdigit():
        pid = int(key)
        problem = session.get(Problem, pid) if 0 < pid < 2**31 else None
    else:
        problem = session.scalar(select(Problem).where(Problem.number == str(key).strip().upper()))
    if problem is None:
        raise NotFoundError(f"没有问题 {key}。", f"There is no problem {key}.")
    return problem


def view_of(session: Session, problem: Problem, full: bool = True) -> ProblemView:
    owner = session.get(Person, problem.owner_id) if problem.owner_id else None
    faults: list[ProblemFault] = []
    history: list[dict[str, Any]] = []
    if full:
        rows = session.execute(select(Ticket.number, Ticket.status, Ticket.reporter_name,
                                      Ticket.reported_at)
                               .where(Ticket.problem_id == problem.id).order_by(Ticket.id))
        faults = [ProblemFault(n, s, r, at, at > problem.created_at) for n, s, r, at in rows]
        evts = session.scalars(select(Event).where(
            Event.ticket_id.is_(None), Event.action.like("problem%"))
            .order_by(Event.id)).all()
        history = [{"at": e.at, "action": e.action, "actor": e.actor.name if e.actor else "",
                    "changes": e.changes, "details": e.details, "reason": e.reason}
                   for e in evts if (e.details or {}).get("problem_id") == problem.id]
    return ProblemView(
        id=problem.id, number=problem.number, version=problem.version, title=problem.title,
        symptom=problem.symptom, affected_business=problem.affected_business,
        fault_type=problem.fault_type, state=problem.state, root_cause=problem.root_cause,
        workaround=problem.workaround, permanent_fix=problem.permanent_fix,
        owner_id=problem.owner_id, owner_name=owner.name if owner else "",
        created_at=problem.created_at, known_error_at=problem.known_error_at,
        resolved_at=problem.resolved_at, faults=faults, history=history)


def get_problem(db: Database, key: str | int) -> ProblemView:
    with db.read() as session:
        return view_of(session, load_problem(session, key))


def list_problems(db: Database, state: ProblemState | None = None,
                  limit: int = 500) -> list[tuple[ProblemView, int]]:
    """Problems newest first, each with the number of faults pointing to it."""
    with db.read() as session:
        stmt = select(Problem).order_by(Problem.id.desc()).limit(limit)
        if state is not None:
            stmt = stmt.where(Problem.state == state)
        problems = session.scalars(stmt).all()
        counts = dict(session.execute(
            select(Ticket.problem_id, func.count()).where(
                Ticket.problem_id.in_([p.id for p in problems])).group_by(Ticket.problem_id)
        ).all()) if problems else {}
        return [(view_of(session, p, full=False), int(counts.get(p.id, 0))) for p in problems]


@dataclass(frozen=True)
class KnownError:
    """What the similar-faults panel needs of a known error."""

    problem_id: int
    number: str
    title: str
    symptom: str
    affected_business: str
    fault_type: FaultType
    root_cause: str
    workaround: str
    permanent_fix: str
    state: ProblemState


def known_errors(session: Session, limit: int = 1000) -> list[KnownError]:
    """Known errors and resolved problems (newest first): knowledge for new faults."""
    rows = session.execute(
        select(Problem.id, Problem.number, Problem.title, Problem.symptom,
               Problem.affected_business, Problem.fault_type, Problem.root_cause,
               Problem.workaround, Problem.permanent_fix, Problem.state)
        .where(Problem.state.in_([ProblemState.KNOWN_ERROR, ProblemState.RESOLVED]))
        .order_by(Problem.id.desc()).limit(limit)).all()
    return [KnownError(problem_id=r[0], number=r[1], title=r[2], symptom=r[3],
                       affected_business=r[4], fault_type=r[5], root_cause=r[6],
                       workaround=r[7], permanent_fix=r[8], state=r[9]) for r in rows]
