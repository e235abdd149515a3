"""Action items: prevention measures and review actions with an owner and a due date,
tracked to done. One unit of work per change, each an audit event on the item's fault
(or, for a problem's item, on no ticket with ``details.problem_id``).

The prevention measures written when a fault is archived become items of their own
(``on_archived``: one per line, owned by the fault's assignee, due ``DEFAULT_DAYS`` after
the archive), recorded by the archive's own event.

Reminders of overdue items are the outbox's (``desk.notify.outbox.remind_overdue_actions``),
sent once per item.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.orm import Session

from desk.db import Database
from desk.errors import (
    InvalidTransitionError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from desk.events import FaultArchived
from desk.process import audit
from desk.read.actions import ActionView, items
from desk.read.problems import load_problem
from desk.read.tickets import load_ticket
from desk.rules.measures import measures_of
from desk.rules.transitions import MAX_TEXT
from models import ActionItem, ActionState, Person, Role

PLANNERS = frozenset({Role.SUPPORT, Role.SUPPORT_LEAD, Role.ENGINEER, Role.DIRECTOR})
CLOSERS = frozenset({Role.SUPPORT_LEAD, Role.DIRECTOR})  # besides the owner
DEFAULT_DAYS = 30  # a prevention measure from the archive is due a month later


def on_archived(session: Session, event: FaultArchived) -> None:
    """Subscriber: each prevention measure of an archived fault becomes an action item."""
    from desk.read import settings

    ticket = event.ticket
    owner_id = ticket.assignee_id or event.actor.id
    due = event.at.astimezone(settings.timezone(session)).date() + timedelta(days=DEFAULT_DAYS)
    for line in measures_of(ticket.prevention_measures):
        session.add(ActionItem(title=line, owner_id=owner_id, due_on=due,
                               state=ActionState.OPEN, created_at=event.at,
                               created_by_id=event.actor.id, ticket_id=ticket.id,
                               done_note=""))


def _person(session: Session, pid: int | None, field: str) -> Person:
    person = session.get(Person, pid) if pid is not None else None
    if person is None or not person.active:
        if field == "actor":
            raise NotFoundError("当前人员不存在或已停用。", "The acting person does not exist.")
        raise ValidationError({field: ("所选负责人不存在。", "The chosen owner does not exist.")})
    return person


def add_item(db: Database, actor_id: int, title: str, owner_id: int | None, due_on: date | None,
             ticket_key: str | int | None = None,
             problem_key: str | int | None = None) -> ActionView:
    """A new open action item of a fault and/or a problem."""
    text = str(title or "").strip()
    errors: dict[str, tuple[str, str]] = {}
    if not text:
        errors["title"] = ("请填写措施内容。", "Say what is to be done.")
    elif len(text) > MAX_TEXT or "\x00" in text:
        errors["title"] = ("措施内容过长或含有无效字符。", "The action is too long or holds an "
                           "invalid character.")
    if not isinstance(due_on, date):
        errors["due_on"] = ("请填写完成期限（如 2026-12-31）。", "Give a due date (e.g. 2026-12-31).")
    if ticket_key is None and problem_key is None:
        errors["ticket"] = ("措施须属于一个故障或问题。", "An action belongs to a fault or a problem.")
    if errors:
        raise ValidationError(errors)
    assert due_on is not None

    def work(session: Session) -> int:
        actor = _person(session, actor_id, "actor")
        if not (actor.roles & PLANNERS):
            raise PermissionDeniedError(f"{actor.name} 无权安排整改措施。",
                                        f"{actor.name} may not plan action items.")
        owner = _person(session, owner_id, "owner")
        ticket = load_ticket(session, ticket_key) if ticket_key is not None else None
        problem = load_problem(session, problem_key) if problem_key is not None else None
        now = db.now()
        item = ActionItem(title=text, owner_id=owner.id, due_on=due_on,
                          state=ActionState.OPEN, created_at=now, created_by_id=actor.id,
                          ticket_id=ticket.id if ticket else None,
                          problem_id=problem.id if problem else None, done_note="")
        session.add(item)
        session.flush()
        audit.record(session, at=now, action="action_add",
                     ticket_id=ticket.id if ticket else None, actor_id=actor.id,
                     details={"action_item": item.id, "title": text, "owner": owner.name,
                              "due_on": due_on.isoformat(),
                              **({"problem_id": problem.id} if problem else {})})
        return item.id

    new_id = db.write(work)
    return next(v for v in items(db, owner_id=owner_id) if v.id == new_id)


def complete_item(db: Database, item_id: int, actor_id: int, note: str = "") -> ActionView:
    """Mark an item done (its owner, or a lead)."""

    def work(session: Session) -> int:
        actor = _person(session, actor_id, "actor")
        item = session.get(ActionItem, item_id) if 0 < item_id < 2**31 else None
        if item is None:
            raise NotFoundError(f"没有整改措施 {item_id}。", f"There is no action item {item_id}.")
        if item.owner_id != actor.id and not (actor.roles & CLOSERS):
            raise PermissionDeniedError("只有负责人或主管可以关闭此措施。",
                                        "Only the owner or a lead may close this action.")
        if item.state == ActionState.DONE:
            raise InvalidTransitionError("此措施已完成。", "This action is already done.")
        now = db.now()
        item.state = ActionState.DONE
        item.done_at = now
        item.done_by_id = actor.id
        item.done_note = str(note or "").strip()[:MAX_TEXT]
        session.flush()
        audit.record(session, at=now, action="action_done", ticket_id=item.ticket_id,
                     actor_id=actor.id, changes={"state": {"before": "open", "after": "done"}},
                     details={"action_item": item.id, "title": item.title,
                              **({"problem_id": item.problem_id} if item.problem_id else {})},
                     reason=item.done_note)
        return item.owner_id

    owner = db.write(work)
    return next(v for v in items(db, owner_id=owner) if v.id == item_id)
