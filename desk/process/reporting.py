"""Reporting a fault: the first step of the process.

``report_fault`` is one unit of work: validate, allocate the number, compute the SLA
deadlines, insert, append the event, record ``FaultReported`` (its subscribers queue the
notices and the live notice in the same transaction), commit.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple, cast
from zoneinfo import ZoneInfo

from sqlalchemy import Column, ColumnDefault, Table, insert, select
from sqlalchemy import exc as sa_exc
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session, make_transient_to_detached

from desk import events
from desk.db import Database, execute_and_commit
from desk.errors import DatabaseError, NotFoundError, ValidationError
from desk.events import LIVE_CHANNEL, FaultReported
from desk.process import audit
from desk.process.numbering import allocate_number
from desk.read import calendar as calendar_mod
from desk.read import settings
from desk.read.tickets import TicketDetail, detail_of, person_label
from desk.rules import limits as limits_mod
from desk.rules import sla, workdays
from desk.rules.fields import ONE_LINE, implausible_moment, one_line_problem
from desk.rules.limits import LevelLimits
from desk.rules.transitions import MAX_SHORT, MAX_TEXT
from desk.rules.values import plain
from models import Event, FaultLevel, FaultType, Person, Status, Ticket

log = logging.getLogger(__name__)

FUTURE_TOLERANCE = timedelta(minutes=2)  # clocks of two desks are never exactly equal


@dataclass
class FaultReport:
    """What the 基本信息 and 故障详细描述 sections of a new fault hold."""

    fault_type: FaultType
    affected_business: str
    phenomenon: str
    occurred_at: datetime | None = None  # UTC; None means "now"
    level: FaultLevel = FaultLevel.GENERAL
    reporter_name: str = ""
    reporter_employee_no: str = ""
    reporter_contact: str = ""
    impact_scope: str = ""
    business_interrupted: bool = False
    reproduce_steps: str = ""
    restored_at: datetime | None = None
    # One per form: its save attempts are one report (see ``report_fault``).
    client_token: str | None = None


def _msg(zh: str, en: str) -> tuple[str, str]:
    return (zh, en)


def validate_report(report: FaultReport, now: datetime) -> dict[str, tuple[str, str]]:
    """Field-by-field problems with a report (empty when it can be saved)."""
    errors: dict[str, tuple[str, str]] = {}
    for name, label_zh, label_en in (
        ("affected_business", "受影响业务", "Affected business"),
        ("phenomenon", "故障现象", "Phenomenon"),
        ("reporter_name", "发觉人", "Reported by"),
    ):
        if not str(getattr(report, name) or "").strip():
            errors[name] = _msg(f"请填写{label_zh}。", f"{label_en} is required.")
    for name, limit in (
        ("affected_business", MAX_SHORT),
        ("reporter_name", 100),
        ("reporter_employee_no", 32),
        ("reporter_contact", 100),
        ("phenomenon", MAX_TEXT),
        ("impact_scope", MAX_TEXT),
        ("reproduce_steps", MAX_TEXT),
    ):
        value = str(getattr(report, name) or "")
        if len(value) > limit:
            errors[name] = _msg(
                f"内容过长（{len(value)} 字，最多 {limit} 字）。",
                f"Too long ({len(value)} characters, at most {limit}).",
            )
        elif "\x00" in value:
            errors[name] = _msg("内容含有无效字符。", "The text holds an invalid character.")
        elif name in ONE_LINE and (problem := one_line_problem(value)) is not None:
            errors[name] = _msg(f"此栏{problem[0]}", f"This field {problem[1]}")
    for name in ("occurred_at", "restored_at"):
        moment = getattr(report, name)
        if moment is not None and (problem := implausible_moment(moment)) is not None:
            errors[name] = _msg(f"时间不合理：{problem[0]}", f"Implausible time: {problem[1]}")
    if "occurred_at" in errors:
        pass
    elif report.occurred_at is not None and report.occurred_at > now + FUTURE_TOLERANCE:
        errors["occurred_at"] = _msg(
            "发生时间不能晚于当前时间。", "The time it happened cannot be in the future."
        )
    if report.restored_at is not None and "restored_at" not in errors:
        occurred = report.occurred_at or now
        if report.restored_at < occurred:
            errors["restored_at"] = _msg(
                "恢复时间不能早于发生时间。", "The restore time cannot be before it happened."
            )
        elif report.restored_at > now + FUTURE_TOLERANCE:
            errors["restored_at"] = _msg(
                "恢复时间不能晚于当前时间。", "The restore time cannot be in the future."
            )
    return errors


@dataclass(frozen=True)
class DeadlineRules:
    """What the deadlines are computed from: limits, calendar and time zone in force."""

    limits: dict[FaultLevel, LevelLimits]
    calendar: workdays.WorkCalendar
    tz: ZoneInfo
    duty: limits_mod.DutyHours = limits_mod.DEFAULT_DUTY_HOURS


RULE_KEYS = ("timezone", "sla.limits", "sla.duty_hours", calendar_mod.REVISION_KEY)


def deadline_rules(session: Session) -> DeadlineRules:
    """The rules in force, read with one settings query (the calendar is cached)."""
    return _rules_from(session, settings.get_many(session, RULE_KEYS))


@dataclass(frozen=True)
class StampedRules:
    """PostgreSQL: the rules a desk keeps between reports and the stamp of the settings
    they were read from (``settings.get_many_stamped``), checked by ``desk_report``."""

    rules: DeadlineRules
    stamp: dict[str, str]


_RULES_MEMO = "desk.process.reporting.rules"  # Database.memo key


def _kept_rules(db: Database, session: Session) -> StampedRules:
    kept = db.memo.get(_RULES_MEMO)
    if not isinstance(kept, StampedRules):
        values, stamp = settings.get_many_stamped(session, RULE_KEYS)
        kept = db.memo[_RULES_MEMO] = StampedRules(_rules_from(session, values), stamp)
    return kept


def _rules_from(session: Session, values: dict[str, Any]) -> DeadlineRules:
    return DeadlineRules(
        limits=limits_mod.limits_from(values.get("sla.limits")),
        calendar=calendar_mod.load(session, str(values.get(calendar_mod.REVISION_KEY, ""))),
        tz=limits_mod.zone(str(values["timezone"])),
        duty=limits_mod.DutyHours.parse(list(values["sla.duty_hours"])),
    )


def pauses_of(ticket: Ticket) -> list[sla.Pause]:
    """The ticket's pauses as (start, end) pairs; the one in force ends None."""
    return [(p.started_at, p.ended_at) for p in ticket.pauses]


def apply_deadlines(session: Session, ticket: Ticket, rules: DeadlineRules | None = None,
                    now: datetime | None = None) -> None:
    """(Re)compute the ticket's respond and restore deadlines from its report time, not
    counting its pauses (a pause in force counts up to ``now``: the deadline the clock
    reaches if it resumes now)."""
    rules = rules or deadline_rules(session)
    pauses = pauses_of(ticket) if ticket.id is not None else []
    moment = now or (ticket.paused_at if ticket.paused_at is not None else None)
    respond, restore = sla.deadlines(
        ticket.reported_at, rules.limits[ticket.level], rules.calendar, rules.tz,
        rules.duty, pauses, moment,
    )
    ticket.respond_due_at = respond.due_at
    ticket.respond_due_estimated = respond.estimated
    ticket.restore_due_at = restore.due_at
    ticket.restore_due_estimated = restore.estimated


REPORT_FIELDS = (
    "number", "fault_type", "level", "status", "occurred_at", "restored_at", "reporter_name",
    "reporter_employee_no", "reporter_contact", "affected_business", "impact_scope",
    "business_interrupted", "phenomenon", "reproduce_steps", "reported_at",
    "respond_due_at", "restore_due_at",
)


RETRY_WINDOW = timedelta(minutes=10)


def report_fault(db: Database, report: FaultReport, actor_id: int | None) -> TicketDetail:
    """File a new fault; return it with the number it was given.

    Idempotent against a commit whose outcome is unknown. When the connection breaks
    during the unit of work (the server restarts, the network drops), the COMMIT may
    or may not have reached the server. The schema has no column for a client token,
    so the report is recognised by what it says: a ticket reported since this call
    began with the same reporter name, reporting person (``reported_by``), phenomenon,
    affected business and occurrence time. If one is found it is returned instead of
    inserting again; if none is found nothing was committed and the report is written
    once more (if that fails too, the error reaches the caller and nothing typed is
    lost). A report carrying a ``client_token`` (the form sets one per form) is a retry
    of its own earlier attempts: the same lookup runs inside the unit of work over the
    last ``RETRY_WINDOW``, so a person pressing Save again after an unknown outcome
    never gets a second ticket either. The cost is that two identical reports (same
    person, text and occurrence time, from one form) within ten minutes count as one.
    """
    started = db.now()

    def work(session: Session) -> TicketDetail:
        now = db.now()
        if report.client_token:
            earlier = _same_report(session, report, actor_id, now - RETRY_WINDOW)
            if earlier is not None:
                return detail_of(session, earlier)
        actor = session.get(Person, actor_id) if actor_id is not None else None
        if actor_id is not None and actor is None:
            raise NotFoundError(f"没有此人员（编号 {actor_id}）。", f"No such person ({actor_id}).")
        kept = _kept_rules(db, session) if db.backend == "postgresql" else None
        ticket = insert_report(session, report, actor, now,
                               last=lambda event: not db.bus.may_write(event), kept=kept)
        known = session.info.pop(_REPORTER_LABEL, {})
        if actor is not None:
            known[actor.id] = person_label(actor.name, actor.employee_no)
        return detail_of(session, ticket, known)

    try:
        return db.write(work)
    except DatabaseError as exc:
        if not _outcome_unknown(exc):
            raise
        log.info("report_fault: commit outcome unknown (%s); looking for it", exc.en)
        try:
            with db.read() as session:
                committed = _same_report(session, report, actor_id, started)
                if committed is not None:
                    return detail_of(session, committed)
        except DatabaseError:
            raise exc from None
        return db.write(work)


def insert_report(session: Session, report: FaultReport, actor: Person | None,
                  now: datetime, last: Callable[[FaultReported], bool] | None = None,
                  kept: StampedRules | None = None) -> Ticket:
    """Store a new fault inside the caller's unit of work (``report_fault``, and the
    service's intake of mails and alerts, which file more in the same transaction):
    validate, number, deadlines, the event, ``FaultReported``.

    ``last(event)``, from ``report_fault``: True when the report is all the unit of work
    writes (no subscriber writes for its ``FaultReported``); on PostgreSQL it then
    commits with the call that stores it. ``kept``: the rules ``report_fault`` keeps
    on PostgreSQL, checked against the settings by the database; without them the rules
    are read in this unit of work."""
    if actor is not None and not report.reporter_name.strip():
        report.reporter_name = actor.name
        report.reporter_employee_no = report.reporter_employee_no or actor.employee_no
        report.reporter_contact = report.reporter_contact or actor.contact
    errors = validate_report(report, now)
    if errors:
        raise ValidationError(errors)
    rules = kept.rules if kept is not None else deadline_rules(session)
    ticket = Ticket(
        version=1,
        status=Status.REPORTED,
        fault_type=report.fault_type,
        level=report.level,
        occurred_at=report.occurred_at or now,
        restored_at=report.restored_at,
        reporter_name=report.reporter_name.strip(),
        reporter_employee_no=report.reporter_employee_no.strip(),
        reporter_contact=report.reporter_contact.strip(),
        affected_business=report.affected_business.strip(),
        impact_scope=report.impact_scope.strip(),
        business_interrupted=report.business_interrupted,
        phenomenon=report.phenomenon.strip(),
        reproduce_steps=report.reproduce_steps.strip(),
        reported_at=now,
        reported_by_id=actor.id if actor else None,
    )
    apply_deadlines(session, ticket, rules)
    day = now.astimezone(rules.tz).date()
    if session.get_bind().dialect.name == "postgresql":
        # one round trip: number, ticket, event and live notice (migration 0015)
        reported = FaultReported(ticket, now, announced=True)
        _report_in_one_call(session, ticket, day, commit=last is not None and last(reported),
                            stamp=kept.stamp if kept is not None else None)
        events.record(session, reported)
        return ticket
    # Last of all: the counter row stays locked until COMMIT, and every desk reporting
    # this type today waits for it, so nothing but the inserts runs while it is held.
    ticket.number = allocate_number(session, report.fault_type, day)
    _insert_ticket(session, ticket)
    # the event row audit.record would add, inserted at once: no unit of work to flush
    session.execute(_INSERT_EVENT, {
        "ticket_id": ticket.id, "actor_id": ticket.reported_by_id, "at": now,
        "action": "report", "changes": audit.initial_changes(ticket, REPORT_FIELDS),
        "details": {}, "reason": "",
    })
    events.record(session, FaultReported(ticket, now))  # notices: same transaction
    return ticket


_TICKETS = cast(Table, Ticket.__table__)  # declared with a Table, typed as FromClause
_INSERT_TICKET = insert(_TICKETS).returning(_TICKETS.c.id)
_INSERT_EVENT = insert(cast(Table, Event.__table__))


def _scalar_default(column: Column[Any]) -> Any:
    default = column.default
    if default is None:
        return None
    if not isinstance(default, ColumnDefault) or not default.is_scalar:
        raise TypeError(f"tickets.{column.key}: _insert_ticket needs a plain default value")
    return default.arg


# what the INSERT stores in a column the new ticket does not set
_TICKET_DEFAULTS = {c.key: _scalar_default(c) for c in _TICKETS.columns if not c.primary_key}


def _insert_ticket(session: Session, ticket: Ticket) -> None:
    """INSERT the new ``ticket`` with one Core statement; it becomes the persistent row.

    The unit of work would bind all 68 columns, more parameters than psycopg caches a
    parsed statement for, so each report paid for parsing it again: about twice the
    client CPU of this INSERT of the columns set (defaults filled in by SQLAlchemy). The
    object then holds exactly what was stored and joins the session as loaded, so later
    reads of it (``live.notify``, ``detail_of``) need no query.
    """
    given = {k: v for k, v in sa_inspect(ticket).dict.items() if k in _TICKETS.c}
    ticket_id = session.execute(_INSERT_TICKET, given).scalar_one()
    stored = {**_TICKET_DEFAULTS, **given, "id": ticket_id}
    for key, value in stored.items():
        setattr(ticket, key, value)
    make_transient_to_detached(ticket)
    session.add(ticket)


_TICKET_DEFAULTS_PLAIN = {k: plain(v) for k, v in _TICKET_DEFAULTS.items()}
# what the event records of a new fault besides its number, which the database adds
_RECORDED_FIELDS = tuple(f for f in REPORT_FIELDS if f != "number")
# the call, in psycopg's own parameters (``execute_and_commit`` sends it as it is)
_REPORT_CALL = (
    "SELECT o_id, o_number, o_reported_by, o_reporter_name, o_reporter_no FROM desk_report("
    "%(ticket)s::jsonb, %(changes)s::jsonb, %(day)s::date, %(actor)s::integer, "
    "%(rule_keys)s::text[], %(rule_stamp)s::jsonb, %(announce)s::boolean)"
)
# the live notice of the report just committed, as desk_report queues it itself
# (desk.notify.live reads {"id", "version"}); the ticket's id is this session's last
_ANNOUNCE = (
    f"SELECT pg_notify('{LIVE_CHANNEL}', json_build_object('id', "
    "currval(pg_get_serial_sequence('public.tickets', 'id')), 'version', 1)::text)"
)
# Session.info: {person id: label} of who ``desk_report`` recorded as reporting
_REPORTER_LABEL = "desk.process.reporting.reporter"


class _Reported(NamedTuple):
    o_id: int
    o_number: str
    o_reported_by: int | None
    o_reporter_name: str
    o_reporter_no: str


def _report_in_one_call(session: Session, ticket: Ticket, day: date, commit: bool,
                        stamp: dict[str, str] | None) -> None:
    """PostgreSQL: store the new ``ticket`` through ``desk_report`` (migration 0015).

    The values, the deadlines and the event's changes are the ones computed here, as on
    SQLite; the function checks them and the caller, takes the number last, inserts the
    ticket and its ``report`` event and queues the live notice, in one round trip, so the
    counter row is held only for that call and the COMMIT. The object then holds what
    was stored and joins the session as loaded, as ``_insert_ticket`` leaves it.
    ``commit``: nothing else is written in this unit of work, so the COMMIT goes with
    the call (``desk.db.execute_and_commit``) and the counter row is free as soon as
    the function returns. ``stamp``: of the settings the deadlines were computed from
    (``StampedRules``); the function refuses the report if they have changed since.
    """
    given = {k: v for k, v in sa_inspect(ticket).dict.items() if k in _TICKETS.c}
    changes = audit.initial_changes(ticket, _RECORDED_FIELDS)
    params = {
        "ticket": _json({**_TICKET_DEFAULTS_PLAIN, **{k: plain(v) for k, v in given.items()}}),
        "changes": _json(changes), "day": day, "actor": ticket.reported_by_id,
        "rule_keys": list(RULE_KEYS) if stamp is not None else None,
        "rule_stamp": _json(stamp) if stamp is not None else None,
    }
    if commit:
        # the live notice after the COMMIT, in the same message (migration 0017)
        row = execute_and_commit(session, _REPORT_CALL, {**params, "announce": False},
                                 then=_ANNOUNCE)
    else:
        row = tuple(session.connection().exec_driver_sql(
            _REPORT_CALL, {**params, "announce": True}).one())
    if row is None:  # pragma: no cover - the function always returns its row
        raise AssertionError("desk_report returned nothing")
    found = _Reported(*row)
    stored = {**_TICKET_DEFAULTS, **given, "id": found.o_id, "number": found.o_number,
              "reported_by_id": found.o_reported_by}
    for key, value in stored.items():
        if key not in given or given[key] != value:
            setattr(ticket, key, value)
    make_transient_to_detached(ticket)
    session.add(ticket)
    if found.o_reported_by is not None:  # the login's person, even when no actor was named
        session.info[_REPORTER_LABEL] = {
            found.o_reported_by: person_label(found.o_reporter_name, found.o_reporter_no)}


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _outcome_unknown(exc: DatabaseError) -> bool:
    """True when the connection failed, so a COMMIT may have reached the server."""
    cause = exc.__cause__
    return isinstance(cause, sa_exc.DBAPIError) and (
        isinstance(cause, sa_exc.OperationalError) or cause.connection_invalidated
    )


def _same_report(
    session: Session, report: FaultReport, actor_id: int | None, since: datetime
) -> Ticket | None:
    """The newest ticket reported since ``since`` that says what ``report`` says."""
    query = select(Ticket).where(
        Ticket.reported_at >= since,
        Ticket.reporter_name == report.reporter_name.strip(),
        Ticket.phenomenon == report.phenomenon.strip(),
        Ticket.affected_business == report.affected_business.strip(),
        Ticket.reported_by_id.is_(None) if actor_id is None else Ticket.reported_by_id == actor_id,
    )
    if report.occurred_at is not None:
        query = query.where(Ticket.occurred_at == report.occurred_at)
    return session.scalars(query.order_by(Ticket.id.desc()).limit(1)).first()


