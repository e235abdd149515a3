"""Direct edits of a ticket's record fields, outside the workflow's transitions.

``EDIT_RULES`` is the one table that says who may change which field of the record
table in which state: the window greys out every other field, and ``update_fields``
enforces the same table on every call. Transitions (``desk.process.workflow``) still own the
fields that mark a step (status, level, responders, approvals, verification); this
module only lets the people working a step correct and complete its text.

``update_fields`` is one unit of work: load, check the version the form was loaded
with, check each field against the table, validate, apply, append one ``edit`` event
with every field's before and after, bump the version, notify other desks, commit.
``diff_for_conflict`` tells a refused desk, field by field, what the other side
changed since the version it loaded, so the person can merge instead of overwriting.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from desk import events
from desk.db import Database
from desk.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from desk.events import TicketChanged
from desk.process import audit, reporting
from desk.process.people import PersonView
from desk.read import tickets
from desk.rules import transitions
from desk.rules.fields import ONE_LINE, implausible_moment, one_line_problem
from models import Event, Person, Role, Status, Ticket

S = Status
R = Role

# field -> (kind, Chinese label, English label, maximum length or 0, required)
FIELDS: dict[str, tuple[str, str, str, int, bool]] = {
    "occurred_at": ("datetime", "发生时间", "Time it happened", 0, True),
    "reporter_name": ("text", "发觉人", "Reported by", 100, True),
    "reporter_employee_no": ("text", "工号", "Employee number", 32, False),
    "reporter_contact": ("text", "联系方式", "Contact", 100, False),
    "affected_business": ("text", "受影响业务", "Affected business", transitions.MAX_SHORT, True),
    "impact_scope": ("text", "影响范围", "Scope of impact", transitions.MAX_TEXT, False),
    "business_interrupted": ("bool", "业务中断", "Business interrupted", 0, False),
    "phenomenon": ("text", "故障现象", "Phenomenon", transitions.MAX_TEXT, True),
    "reproduce_steps": ("text", "复现操作步骤", "Steps to reproduce", transitions.MAX_TEXT, False),
    "first_contact": ("text", "首次联系情况", "First contact", transitions.MAX_TEXT, False),
    "confirmed_details": ("text", "确认的细节", "Confirmed details", transitions.MAX_TEXT, False),
    "reproducible": ("bool", "能否复现", "Reproducible", 0, False),
    "first_investigation": ("text", "初步排查结果", "First investigation", transitions.MAX_TEXT,
                            False),
    "cooperation_required": ("text", "配合要求", "Cooperation required", transitions.MAX_TEXT,
                             False),
    "root_cause": ("text", "根本原因", "Root cause", transitions.MAX_TEXT, False),
    "underlying_cause": ("text", "深层原因", "Underlying cause", transitions.MAX_TEXT, False),
    "impact_assessment": ("text", "影响评估", "Impact assessment", transitions.MAX_TEXT, False),
    "reproduce_conditions": ("text", "复现条件", "Conditions to reproduce", transitions.MAX_TEXT,
                             False),
    "evidence_list": ("text", "证据清单", "Evidence list", transitions.MAX_TEXT, False),
    "temporary_solution": ("text", "临时解决方案", "Temporary solution", transitions.MAX_TEXT,
                           False),
    "long_term_solution": ("text", "长期解决方案", "Long-term solution", transitions.MAX_TEXT,
                           False),
    "summary": ("text", "故障总结", "Summary", transitions.MAX_TEXT, False),
    "prevention_measures": ("text", "预防措施", "Prevention measures", transitions.MAX_TEXT, False),
}

DESCRIPTION = frozenset({
    "occurred_at", "reporter_name", "reporter_employee_no", "reporter_contact",
    "affected_business", "impact_scope", "business_interrupted", "phenomenon",
    "reproduce_steps",
})
# the person who filed the fault may correct what they wrote, but not who they are
REPORTER_OWN = DESCRIPTION - {"reporter_name", "reporter_employee_no"}
TRIAGE = frozenset({"first_contact", "confirmed_details", "reproducible",
                    "first_investigation"})
ANALYSIS = frozenset({"root_cause", "underlying_cause", "impact_assessment",
                      "reproduce_conditions", "evidence_list"})
SOLUTION = frozenset({"temporary_solution", "long_term_solution"})
CLOSING = frozenset({"summary", "prevention_measures"})


@dataclass(frozen=True)
class EditRule:
    """``roles`` (or, with ``reporter``, the person who filed it) may edit ``fields``
    while the ticket is in one of ``states``."""

    fields: frozenset[str]
    states: frozenset[Status]
    roles: frozenset[Role] = frozenset()
    reporter: bool = False


EDIT_RULES: tuple[EditRule, ...] = (
    EditRule(DESCRIPTION, frozenset({S.REPORTED, S.TRIAGE}),
             frozenset({R.SUPPORT, R.SUPPORT_LEAD})),
    EditRule(REPORTER_OWN, frozenset({S.REPORTED}), reporter=True),
    EditRule(TRIAGE, frozenset({S.TRIAGE}), frozenset({R.SUPPORT, R.SUPPORT_LEAD})),
    EditRule(frozenset({"cooperation_required"}), frozenset({S.DISPATCHED, S.DIAGNOSING}),
             frozenset({R.SUPPORT_LEAD})),
    EditRule(ANALYSIS, frozenset({S.DISPATCHED, S.DIAGNOSING}),
             frozenset({R.ENGINEER, R.SUPPORT_LEAD, R.DIRECTOR})),
    EditRule(SOLUTION, frozenset({S.DIAGNOSING}), frozenset({R.ENGINEER})),
    EditRule(CLOSING, frozenset({S.RESOLVED}), frozenset({R.SUPPORT_LEAD})),
)

EDITABLE = frozenset(f for rule in EDIT_RULES for f in rule.fields)
assert set(FIELDS) >= EDITABLE, "every editable field needs a kind and a label"


def editable_for(status: Status, roles: frozenset[Role], is_reporter: bool) -> set[str]:
    """The fields a person holding ``roles`` may edit on a ticket in ``status``."""
    out: set[str] = set()
    for rule in EDIT_RULES:
        if status not in rule.states:
            continue
        if (rule.reporter and is_reporter) or (roles & rule.roles):
            out |= rule.fields
    return out


def editable_fields(detail: tickets.TicketDetail, person: PersonView | None) -> set[str]:
    """The fields of ``detail`` that ``person`` may change directly (the number never)."""
    if person is None:
        return set()
    values = detail.values
    return editable_for(Status(values["status"]), frozenset(person.roles),
                        values.get("reported_by_id") == person.id)


def _label(name: str) -> tuple[str, str]:
    spec = FIELDS.get(name)
    return (spec[1], spec[2]) if spec else (name, name)


def validate_changes(changes: Mapping[str, Any], current: Mapping[str, Any],
                     now: datetime) -> tuple[dict[str, Any], dict[str, tuple[str, str]]]:
    """Clean ``changes`` (strip text, check kinds, lengths and times).

    Returns the cleaned values and the field-by-field problems (empty when they can be
    saved). ``current`` gives the other values a time is checked against.
    """
    clean: dict[str, Any] = {}
    errors: dict[str, tuple[str, str]] = {}
    for name, value in changes.items():
        kind, zh, en, limit, required = FIELDS[name]
        if kind == "text":
            if value is None:
                value = ""
            if not isinstance(value, str):
                errors[name] = (f"{zh}须为文字。", f"{en} must be text.")
                continue
            value = value.strip()
            if required and not value:
                errors[name] = (f"请填写{zh}。", f"{en} is required.")
            elif len(value) > limit:
                errors[name] = (f"{zh}过长（{len(value)} 字，最多 {limit} 字）。",
                                f"{en} is too long ({len(value)} characters, at most {limit}).")
            elif "\x00" in value:
                errors[name] = (f"{zh}含有无效字符。", f"{en} holds an invalid character.")
            elif name in ONE_LINE and (problem := one_line_problem(value)) is not None:
                errors[name] = (f"{zh}{problem[0]}", f"{en} {problem[1]}")
        elif kind == "bool":
            # only "reproducible" may be unknown (None); the others are yes or no
            unknown_ok = name == "reproducible"
            if not (isinstance(value, bool) or (value is None and unknown_ok)):
                errors[name] = (f"{zh}须为是或否。", f"{en} must be yes or no.")
        elif kind == "datetime" and (not isinstance(value, datetime) or value.tzinfo is None):
            errors[name] = (f"{zh}须为具体时刻。", f"{en} must be a moment in time.")
            continue
        elif kind == "datetime" and (problem := implausible_moment(value)) is not None:
            errors[name] = (f"{zh}不合理：{problem[0]}", f"{en} is implausible: {problem[1]}")
            continue
        clean[name] = value
    occurred = clean.get("occurred_at")
    if isinstance(occurred, datetime) and "occurred_at" not in errors:
        if occurred > now + reporting.FUTURE_TOLERANCE:
            errors["occurred_at"] = ("发生时间不能晚于当前时间。",
                                     "The time it happened cannot be in the future.")
        restored = current.get("restored_at")
        if restored is not None and restored < occurred:
            errors["occurred_at"] = ("发生时间不能晚于恢复时间。",
                                     "The time it happened cannot be after the restore time.")
    return clean, errors


def update_fields(db: Database, ticket_key: str | int, actor_id: int,
                  changes: Mapping[str, Any], expected_version: int) -> tickets.TicketDetail:
    """Save a person's direct edits of a ticket; return the ticket after them.

    Raises ``ConflictError`` when the ticket is no longer at ``expected_version``,
    ``PermissionDeniedError`` naming the first field the person may not edit, and
    ``ValidationError`` for values that cannot be saved; nothing changes then.
    """
    wanted = dict(changes)

    def work(session: Session) -> tickets.TicketDetail:
        actor = session.get(Person, actor_id)
        if actor is None or not actor.active:
            raise NotFoundError("当前人员不存在或已停用。", "The acting person does not exist.")
        ticket = tickets.load_ticket(session, ticket_key)
        if ticket.version != expected_version:
            raise ConflictError(ticket.id, expected_version, ticket.version)
        allowed = editable_for(ticket.status, frozenset(actor.roles),
                               ticket.reported_by_id == actor.id)
        for name in sorted(wanted):
            if name not in allowed:
                zh, en = _label(name)
                raise PermissionDeniedError(
                    f"{actor.name} 不能在“{ticket.status.label_zh}”状态下修改“{zh}”"
                    f"（字段 {name}）。",
                    f"{actor.name} may not change “{en}” (field {name}) while the fault "
                    f"is “{ticket.status.label_en}”.",
                )
        now = db.now()
        current = {"restored_at": ticket.restored_at}
        clean, errors = validate_changes(wanted, current, now)
        if errors:
            raise ValidationError(errors)
        version_before = ticket.version
        with session.no_autoflush:
            changed = audit.changes_of(ticket, clean)
        if not changed:
            # nothing differs: no event, no new version, the ticket as it is
            return tickets.detail_of(session, ticket)
        session.flush()  # the version goes up here; a stale copy raises StaleDataError
        audit.record(session, at=now, action="edit", ticket_id=ticket.id, actor_id=actor.id,
                     changes=changed,
                     details={"version_before": version_before, "version": ticket.version})
        events.record(session, TicketChanged(ticket.id))
        return tickets.detail_of(session, ticket)

    try:
        return db.write(work)
    except StaleDataError:
        # another desk committed between our read and our write
        with db.read() as s:
            t = tickets.load_ticket(s, ticket_key)
            raise ConflictError(t.id, expected_version, t.version) from None


# -- conflicts ---------------------------------------------------------------------------


def _unplain(name: str, value: Any) -> Any:
    """A value from an event's before/after back to the column's Python type."""
    if value is None:
        return None
    column = Ticket.__table__.columns.get(name)
    if column is not None and isinstance(value, str):
        try:
            python_type = column.type.python_type
        except NotImplementedError:  # pragma: no cover - every column here has one
            return value
        if python_type is datetime:
            return datetime.fromisoformat(value)
    return value


# Actions whose unit of work raises the ticket's version by exactly one. Other events
# about a ticket (mail sent, knowledge-base edits) leave the ticket row alone.
VERSIONED_ACTIONS = frozenset({
    "report", "edit", "attach", "remove_attachment", "issue_start_notice",
    "issue_completion_notice", *transitions.TRANSITIONS,
})


def values_at(db: Database, ticket_key: str | int,
              version: int) -> tuple[dict[str, Any], dict[str, Any], set[str]]:
    """The editable fields as they were at ``version``, as they are now, and the
    fields changed since (by anyone), read from the ticket and its events.

    Every unit of work that changes the ticket row raises its version by one and
    appends one event (``VERSIONED_ACTIONS``; an ``edit`` records the version it
    made), so counting those events finds the ones after ``version``.
    """
    with db.read() as session:
        ticket = tickets.load_ticket(session, ticket_key)
        now_values = {name: getattr(ticket, name) for name in FIELDS}
        rows = session.scalars(
            select(Event).where(Event.ticket_id == ticket.id).order_by(Event.id)
        ).all()
        later: list[Event] = []
        counted = 0
        for e in rows:
            if e.action not in VERSIONED_ACTIONS:
                continue
            made = (e.details or {}).get("version")
            counted = made if isinstance(made, int) else counted + 1
            if counted > version:
                later.append(e)
        then = dict(now_values)
        touched: set[str] = set()
        # walk back from the newest: each field's oldest "before" wins
        for e in reversed(later):
            for name, change in (e.changes or {}).items():
                if name in FIELDS and isinstance(change, Mapping):
                    then[name] = _unplain(name, change.get("before"))
                    touched.add(name)
        touched = {n for n in touched if then[n] != now_values[n]}
        return then, now_values, touched


def diff_for_conflict(db: Database, ticket_key: str | int, base_version: int,
                      mine: Mapping[str, Any], base: Mapping[str, Any] | None = None,
                      ) -> list[tuple[str, Any, Any, Any]]:
    """``(field, base_value, theirs_value, mine_value)`` for each field that I changed or
    that someone else changed since ``base_version``.

    ``base`` (the values the form was loaded with) overrides what the events say the
    ticket was at ``base_version``. ``mine_value`` is the base value for a field I did
    not touch, so the caller can tell "only they changed it" from "we both did".
    """
    then, now_values, theirs_changed = values_at(db, ticket_key, base_version)
    if base is not None:
        then.update({k: v for k, v in base.items() if k in FIELDS})
        theirs_changed = {n for n in FIELDS if then[n] != now_values[n]}
    out: list[tuple[str, Any, Any, Any]] = []
    for name in FIELDS:  # the record table's order
        mine_changed = name in mine and mine[name] != then[name]
        if not mine_changed and name not in theirs_changed:
            continue
        out.append((name, then[name], now_values[name], mine[name] if name in mine
                    else then[name]))
    return out


def merge(diff: list[tuple[str, Any, Any, Any]]) -> tuple[dict[str, Any], list[str]]:
    """Merge by field: theirs where only they changed it, mine where only I did.

    Returns the values to save (only fields where mine is kept and differs from
    theirs) and the fields both sides changed differently, which a person must decide.
    """
    keep: dict[str, Any] = {}
    undecided: list[str] = []
    for name, base, theirs, mine in diff:
        i_changed = mine != base
        they_changed = theirs != base
        if i_changed and they_changed and mine != theirs:
            undecided.append(name)
        elif i_changed and mine != theirs:
            keep[name] = mine
    return keep, undecided
