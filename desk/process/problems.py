"""Problems (问题): the root cause several faults share, carried 分析中 → 已知错误 → 已解决.

Each service is one unit of work with one audit event (no ticket; ``details.problem_id``
names the problem). A problem becomes a *known error* once its root cause and workaround
are written: the similar-faults panel then offers it ("已知问题：…，临时方案：…",
``desk.process.knowledge.similar_faults``). Resolving it (the permanent fix written)
records ``ProblemResolved``, on which the outbox tells the reporters of its open faults.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from desk import events
from desk.db import Database
from desk.errors import (
    ConflictError,
    InvalidTransitionError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from desk.events import ProblemResolved, TicketChanged
from desk.process import audit
from desk.read import problems as read
from desk.read.tickets import load_ticket
from desk.rules.transitions import MAX_SHORT, MAX_TEXT
from desk.rules.values import plain
from models import FaultType, Person, Problem, ProblemState, Role, Status, Ticket

OPENERS = frozenset({Role.SUPPORT, Role.SUPPORT_LEAD, Role.ENGINEER, Role.DIRECTOR})
MANAGERS = frozenset({Role.SUPPORT_LEAD, Role.ENGINEER, Role.DIRECTOR})
P = ProblemState
NOW = "desk.problems.now"  # the unit of work's moment, for the events it appends
NEXT: dict[ProblemState, ProblemState] = {P.ANALYSING: P.KNOWN_ERROR, P.KNOWN_ERROR: P.RESOLVED}
# what a state needs written before it is reached
NEEDS: dict[ProblemState, tuple[str, ...]] = {
    P.KNOWN_ERROR: ("root_cause", "workaround"),
    P.RESOLVED: ("root_cause", "permanent_fix"),
}


def _actor(session: Session, actor_id: int, roles: frozenset[Role]) -> Person:
    actor = session.get(Person, actor_id)
    if actor is None or not actor.active:
        raise NotFoundError("当前人员不存在或已停用。", "The acting person does not exist.")
    if not (actor.roles & roles):
        raise PermissionDeniedError(f"{actor.name} 无权管理问题记录。",
                                    f"{actor.name} may not manage problem records.")
    return actor


def _clean(values: Mapping[str, Any], session: Session) -> dict[str, Any]:
    out: dict[str, Any] = {}
    errors: dict[str, tuple[str, str]] = {}
    for name, value in values.items():
        if name not in read.FIELDS:
            continue
        zh, en = read.FIELDS[name]
        if name == "owner_id":
            if value in (None, ""):
                out[name] = None
                continue
            try:
                owner = session.get(Person, int(value))
            except (TypeError, ValueError):
                owner = None
            if owner is None or not owner.active:
                errors[name] = ("所选负责人不存在。", "The chosen owner does not exist.")
            else:
                out[name] = owner.id
            continue
        text = " ".join(str(value or "").split()) if name in ("title", "affected_business") \
            else str(value or "").strip()
        limit = MAX_SHORT if name in ("title", "affected_business") else MAX_TEXT
        if "\x00" in text:
            errors[name] = (f"{zh}含有无效字符。", f"{en} holds an invalid character.")
        elif len(text) > limit:
            errors[name] = (f"{zh}过长（最多 {limit} 字）。", f"{en} is too long (at most {limit}).")
        out[name] = text
    if "title" in out and not out["title"]:
        errors["title"] = ("请填写问题标题。", "The title is required.")
    if errors:
        raise ValidationError(errors)
    return out


def _event(session: Session, problem: Problem, actor: Person, action: str,
           changes: dict[str, Any] | None = None, **details: Any) -> None:
    audit.record(session, at=session.info[NOW], action=action, ticket_id=None,
                 actor_id=actor.id, changes=changes or {},
                 details={"problem_id": problem.id, "problem": problem.number, **details})


def open_problem(db: Database, actor_id: int, values: Mapping[str, Any],
                 fault_type: FaultType | str | None = None,
                 faults: Iterable[str | int] = ()) -> read.ProblemView:
    """A new problem (分析中), optionally opened from faults that point to it."""

    def work(session: Session) -> read.ProblemView:
        actor = _actor(session, actor_id, OPENERS)
        session.info[NOW] = now = db.now()
        clean = _clean({"title": values.get("title", ""), **values}, session)
        tickets = [load_ticket(session, k) for k in faults]
        kind = fault_type or (tickets[0].fault_type if tickets else FaultType.OTHER)
        try:
            kind = FaultType(kind)
        except ValueError:
            raise ValidationError({"fault_type": ("未知的故障类型。", "Unknown fault type.")}) from None
        if tickets and not clean.get("symptom"):
            clean["symptom"] = tickets[0].phenomenon
        if tickets and not clean.get("affected_business"):
            clean["affected_business"] = tickets[0].affected_business
        # numbered from its id below, in this transaction (the database lets only this
        # placeholder be replaced: schema 0012)
        problem = Problem(number=f"PRB-TMP-{uuid.uuid4().hex}", fault_type=kind,
                          state=P.ANALYSING, created_at=now, created_by_id=actor.id,
                          **{"symptom": "", "affected_business": "", "root_cause": "",
                             "workaround": "", "permanent_fix": "", **clean})
        session.add(problem)
        session.flush()
        problem.number = f"PRB-{problem.id:06d}"
        session.flush()
        _event(session, problem, actor, "problem_open",
               {k: {"before": None, "after": plain(v)} for k, v in clean.items()},
               state=P.ANALYSING.value)
        for t in tickets:
            _attach(session, problem, t, actor)
        return read.view_of(session, problem)

    return db.write(work)


def _attach(session: Session, problem: Problem, ticket: Ticket, actor: Person) -> None:
    if ticket.problem_id == problem.id:
        return
    before = ticket.problem_id
    ticket.problem_id = problem.id
    session.flush()
    now = session.info[NOW]
    audit.record(session, at=now, action="problem_link", ticket_id=ticket.id, actor_id=actor.id,
                 changes={"problem_id": {"before": before, "after": problem.id}},
                 details={"problem": problem.number})
    _event(session, problem, actor, "problem_fault", fault=ticket.number)
    events.record(session, TicketChanged(ticket.id))


def attach_faults(db: Database, key: str | int, faults: Iterable[str | int],
                  actor_id: int) -> read.ProblemView:
    """Point faults to a problem (a fault points to at most one; the last one wins)."""
    keys = list(faults)

    def work(session: Session) -> read.ProblemView:
        actor = _actor(session, actor_id, OPENERS)
        session.info[NOW] = db.now()
        problem = read.load_problem(session, key)
        for k in keys:
            _attach(session, problem, load_ticket(session, k), actor)
        return read.view_of(session, problem)

    return db.write(work)


def edit_problem(db: Database, key: str | int, actor_id: int, values: Mapping[str, Any],
                 expected_version: int | None = None) -> read.ProblemView:
    def work(session: Session) -> read.ProblemView:
        actor = _actor(session, actor_id, MANAGERS)
        session.info[NOW] = db.now()
        problem = read.load_problem(session, key)
        if expected_version is not None and problem.version != expected_version:
            raise ConflictError(problem.id, expected_version, problem.version)
        clean = _clean(values, session)
        changes: dict[str, Any] = {}
        for name, new in clean.items():
            old = getattr(problem, name)
            if old != new:
                changes[name] = {"before": plain(old), "after": plain(new)}
                setattr(problem, name, new)
        for state in (P.KNOWN_ERROR, P.RESOLVED):
            reached = problem.state == state or (state == P.KNOWN_ERROR
                                                 and problem.state == P.RESOLVED)
            if reached and any(not getattr(problem, f) for f in NEEDS[state]
                               if f in changes):
                raise ValidationError({f: (f"“{problem.state.label_zh}”的问题须保留{read.FIELDS[f][0]}。",
                                           f"A problem that is “{problem.state.label_en}” keeps "
                                           f"its {read.FIELDS[f][1].lower()}.")
                                       for f in NEEDS[state] if not getattr(problem, f)})
        if changes:
            session.flush()
            _event(session, problem, actor, "problem_edit", changes)
        return read.view_of(session, problem)

    return db.write(work)


def advance(db: Database, key: str | int, actor_id: int, state: ProblemState | str,
            values: Mapping[str, Any] | None = None,
            expected_version: int | None = None) -> read.ProblemView:
    """Move a problem to its next state (fields given are written first)."""
    try:
        target = ProblemState(state)
    except ValueError:
        raise ValidationError({"state": ("问题状态须为 known_error 或 resolved。",
                                         "The state must be known_error or resolved.")}) from None

    def work(session: Session) -> read.ProblemView:
        actor = _actor(session, actor_id, MANAGERS)
        session.info[NOW] = now = db.now()
        problem = read.load_problem(session, key)
        if expected_version is not None and problem.version != expected_version:
            raise ConflictError(problem.id, expected_version, problem.version)
        allowed = {NEXT.get(problem.state)}
        if problem.state == P.ANALYSING:
            allowed.add(P.RESOLVED)  # a fix found at once: known error and resolved together
        if target not in allowed:
            raise InvalidTransitionError(
                f"问题 {problem.number} 为“{problem.state.label_zh}”，不能改为“{target.label_zh}”。",
                f"Problem {problem.number} is “{problem.state.label_en}”; it cannot become "
                f"“{target.label_en}”.")
        changes: dict[str, Any] = {}
        for name, new in _clean(values or {}, session).items():
            old = getattr(problem, name)
            if old != new:
                changes[name] = {"before": plain(old), "after": plain(new)}
                setattr(problem, name, new)
        missing = {f: (f"请填写{read.FIELDS[f][0]}。", f"{read.FIELDS[f][1]} is required.")
                   for f in NEEDS[target] if not getattr(problem, f)}
        if missing:
            raise ValidationError(missing)
        changes["state"] = {"before": problem.state.value, "after": target.value}
        problem.state = target
        if problem.known_error_at is None:
            problem.known_error_at = now
            changes["known_error_at"] = {"before": None, "after": plain(now)}
        if target == P.RESOLVED:
            problem.resolved_at = now
            changes["resolved_at"] = {"before": None, "after": plain(now)}
        flag_modified(problem, "state")
        session.flush()
        _event(session, problem, actor, "problem_state", changes, state=target.value)
        if target == P.RESOLVED:
            open_faults = tuple(session.scalars(select(Ticket).where(
                Ticket.problem_id == problem.id,
                Ticket.status.not_in([s for s in Status if s.is_closed]))
                .order_by(Ticket.id)).all())
            events.record(session, ProblemResolved(problem, open_faults, actor, now))
        return read.view_of(session, problem)

    return db.write(work)
