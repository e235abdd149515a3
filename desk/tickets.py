"""Reporting a fault and reading tickets back: the first step of the process.

``report_fault`` is one unit of work: validate, allocate the number, compute the SLA
deadlines, insert, append the event, commit. Readers get plain frozen dataclasses,
never live ORM objects, so the window can hold them after the session is closed.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import Column, ColumnDefault, Table, false, func, insert, or_, select
from sqlalchemy import exc as sa_exc
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import text as text_clause
from sqlalchemy.orm import Session, aliased, make_transient_to_detached

from desk import audit, live, notify, settings, sla
from desk import calendar as workcal
from desk.db import Database
from desk.errors import DatabaseError, NotFoundError, ValidationError
from desk.numbering import allocate_number
from models import Event, FaultLevel, FaultType, Person, Status, Ticket

MAX_SHORT = 200
MAX_TEXT = 20_000
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
    if report.occurred_at is not None and report.occurred_at > now + FUTURE_TOLERANCE:
        errors["occurred_at"] = _msg(
            "发生时间不能晚于当前时间。", "The time it happened cannot be in the future."
        )
    if report.restored_at is not None:
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

    limits: dict[FaultLevel, settings.LevelLimits]
    calendar: workcal.WorkCalendar
    tz: ZoneInfo


RULE_KEYS = ("timezone", "sla.limits", workcal.REVISION_KEY)


def deadline_rules(session: Session) -> DeadlineRules:
    """The rules in force, read with one settings query (the calendar is cached)."""
    values = settings.get_many(session, RULE_KEYS)
    return DeadlineRules(
        limits=settings.limits_from(values.get("sla.limits")),
        calendar=workcal.load(session, str(values.get(workcal.REVISION_KEY, ""))),
        tz=settings.zone(str(values["timezone"])),
    )


def apply_deadlines(session: Session, ticket: Ticket, rules: DeadlineRules | None = None) -> None:
    """(Re)compute the ticket's respond and restore deadlines from its report time."""
    rules = rules or deadline_rules(session)
    respond, restore = sla.deadlines(
        ticket.reported_at, rules.limits[ticket.level], rules.calendar, rules.tz
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
        if actor is not None and not report.reporter_name.strip():
            report.reporter_name = actor.name
            report.reporter_employee_no = report.reporter_employee_no or actor.employee_no
            report.reporter_contact = report.reporter_contact or actor.contact
        errors = validate_report(report, now)
        if errors:
            raise ValidationError(errors)
        rules = deadline_rules(session)
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
        # Last of all: the counter row stays locked until COMMIT, and every desk reporting
        # this type today waits for it, so nothing but the inserts runs while it is held.
        ticket.number = allocate_number(
            session, report.fault_type, now.astimezone(rules.tz).date()
        )
        _insert_ticket(session, ticket)
        # the event row audit.record would add, inserted at once: no unit of work to flush
        session.execute(_INSERT_EVENT, {
            "ticket_id": ticket.id, "actor_id": ticket.reported_by_id, "at": now,
            "action": "report", "changes": audit.initial_changes(ticket, REPORT_FIELDS),
            "details": {}, "reason": "",
        })
        notify.enqueue_for(session, ticket, "report", now)  # same transaction as the report
        live.notify(session, ticket.id)
        return detail_of(session, ticket)

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


# -- reading -------------------------------------------------------------------------


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
                out[key] = audit.plain(value)
        return out


def detail_of(session: Session, ticket: Ticket) -> TicketDetail:
    values = {c.key: getattr(ticket, c.key) for c in Ticket.__table__.columns}
    person_ids = {v for k, v in values.items() if k.endswith("_id") and k != "id" and v}
    people = {
        p.id: f"{p.name}（{p.employee_no}）"
        for p in session.scalars(select(Person).where(Person.id.in_(person_ids)))
    } if person_ids else {}
    return TicketDetail(id=ticket.id, values=values, people=people)


def get_ticket(db: Database, key: str | int) -> TicketDetail:
    """A ticket by number (``SYS-20261127-001``) or id."""
    with db.read() as session:
        return detail_of(session, _load(session, key))


def _load(session: Session, key: str | int) -> Ticket:
    if isinstance(key, int):
        # ids are 32-bit on PostgreSQL: a bigger number is no ticket, not a driver error
        ticket = session.get(Ticket, key) if 0 < key < 2**31 else None
    else:
        ticket = session.scalar(select(Ticket).where(Ticket.number == key.strip().upper()))
    if ticket is None:
        raise NotFoundError(f"没有编号为 {key} 的故障。", f"There is no fault numbered {key}.")
    return ticket


SORTABLE = {
    "number": Ticket.number,
    "level": Ticket.level,
    "status": Ticket.status,
    "fault_type": Ticket.fault_type,
    "affected_business": Ticket.affected_business,
    "reporter_name": Ticket.reporter_name,
    "reported_at": Ticket.reported_at,
    "respond_due_at": Ticket.respond_due_at,
    "restore_due_at": Ticket.restore_due_at,
}


@dataclass(frozen=True)
class TicketQuery:
    """What the queue shows: filters, free text, sort; all turned into SQL."""

    statuses: tuple[Status, ...] = ()
    levels: tuple[FaultLevel, ...] = ()
    fault_types: tuple[FaultType, ...] = ()
    assignee_id: int | None = None
    text: str = ""
    due_before: datetime | None = None  # a running clock due before this moment
    open_only: bool = False
    sort: str = "reported_at"
    descending: bool = True

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


# The free-text search is a case-insensitive substring search of number, affected business
# and phenomenon, answered from an index wherever one applies (schemas 0006-0008):
#
# * SQLite: an FTS5 trigram index of the three values, each indexed with SEARCH_TAIL twice
#   appended. A term of FTS_MIN characters or more is an FTS5 phrase (the trigram tokenizer
#   matches it as a substring); a shorter one is the start of every trigram that holds it,
#   so its tickets are those of the index terms from the term to the term followed by the
#   last character (fts5vocab table ``tickets_fts_terms``).
# * PostgreSQL: pg_trgm indexes serve ILIKE for FTS_MIN characters or more; a shorter term
#   is one element of ``tickets_search_grams()``, the characters and character pairs of
#   the lower-cased values (GIN).
#
# Both give exactly the tickets holding the term (SQLite's index folds every letter with two
# cases, its LIKE only ASCII ones: a page is read with LIKE only where the two agree). A
# term that many tickets hold is found faster by walking the queue's sort order and testing
# each row (the first page fills within a few thousand rows), so its page is read that
# way; its count still comes from the index, which stops at ``at_most``.
FTS_MIN = 3
# appended twice to every value indexed on SQLite, and the cut mark of the character pairs
# on PostgreSQL (0008): a term holding it is searched with LIKE, without an index
SEARCH_TAIL = "\uffff"
# fewer matching tickets than this (counted in the index on SQLite, the planner's estimate
# on PostgreSQL): the page is read through the index; more: by walking the sort order
# (at 1M tickets both take 30-90 ms around this point)
SELECTIVE = 15_000
_LAST = chr(0x10FFFF)
_FTS_IDS = "SELECT rowid AS id FROM tickets_fts WHERE tickets_fts MATCH :search_phrase"
_TERM_IDS = ("SELECT DISTINCT doc AS id FROM tickets_fts_terms "
             "WHERE term >= :search_low AND term <= :search_high")
_GRAMS = ("tickets_search_grams(tickets.number, tickets.affected_business, "
          "tickets.phenomenon) @> ARRAY[lower(:search_term)]")


@dataclass(frozen=True)
class _Search:
    """How the free text of a query is looked for: the WHERE condition, and whether the
    sort column's index must not be used (PostgreSQL then reads the few matching tickets
    through the search index and sorts them)."""

    condition: Any
    unordered: bool = False


def _contains(text: str) -> Any:
    """The substring test row by row: LIKE with its own characters escaped."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    pattern = f"%{escaped}%"
    return or_(
        Ticket.number.ilike(pattern, escape="\\"),
        Ticket.affected_business.ilike(pattern, escape="\\"),
        Ticket.phenomenon.ilike(pattern, escape="\\"),
    )


def _like_folds_alike(text: str) -> bool:
    """Whether SQLite's LIKE (which folds ASCII letters only) finds what the index finds
    (which folds all cased letters): no letter outside ASCII has two cases."""
    return all(c.isascii() or c.lower() == c.upper() for c in text)


def _sqlite_ids(text: str) -> tuple[str, dict[str, Any]] | None:
    """A SELECT of the ids of the tickets holding ``text`` from the FTS5 index, or None."""
    if SEARCH_TAIL in text:
        return None
    if len(text) >= FTS_MIN:
        return _FTS_IDS, {"search_phrase": '"' + text.replace('"', '""') + '"'}
    low = [c.lower() for c in text]  # as the trigram tokenizer folds one character
    if any(len(c) != 1 for c in low):
        return None
    term = "".join(low)
    return _TERM_IDS, {"search_low": term, "search_high": term + _LAST * (FTS_MIN - len(term))}


def _search(session: Session, backend: str, text: str, count: bool) -> _Search:
    """The condition for ``text`` in a page of the queue (``count``: in a count)."""
    contains = _contains(text)
    if backend == "postgresql":
        # a search reads a few thousand rows through an index, or walks the sort order
        # until a page is full: parallel workers cost more to start than they save
        # (10-40 ms a query); the read transaction ends with a rollback
        session.execute(text_clause("SET LOCAL max_parallel_workers_per_gather = 0"))
    if backend == "sqlite":
        found = _sqlite_ids(text)
        if found is None:
            return _Search(contains)
        sql, params = found
        probe = session.scalar(text_clause(f"SELECT count(*) FROM ({sql} LIMIT :search_cap)"),
                               {**params, "search_cap": SELECTIVE})
        if int(probe or 0) < SELECTIVE:
            return _Search(Ticket.id.in_(text_clause(sql).bindparams(**params)))
        # a common term: walk the sort order (or the filter's index), testing each row;
        # through the search index still when LIKE would fold letters differently
        # (``id + 0`` keeps SQLite on that walk)
        if _like_folds_alike(text):
            return _Search(contains)
        return _Search((Ticket.id + 0).in_(text_clause(sql).bindparams(**params)))
    if backend == "postgresql" and len(text) < FTS_MIN and SEARCH_TAIL not in text:
        grams = text_clause(_GRAMS).bindparams(search_term=text)
        if count:  # the planner reads the index (the function is costed high)
            return _Search(grams)
        plan = session.scalar(text_clause(f"EXPLAIN (FORMAT JSON) SELECT 1 FROM tickets "
                                          f"WHERE {_GRAMS}"), {"search_term": text})
        if float(plan[0]["Plan"]["Plan Rows"]) < SELECTIVE:
            return _Search(grams, unordered=True)
    return _Search(contains)


def _only_text(query: TicketQuery) -> bool:
    return not (query.statuses or query.levels or query.fault_types or query.open_only
                or query.assignee_id is not None or query.due_before is not None)


def _filtered(query: TicketQuery, stmt: Any, backend: str = "",
              search: Any = None) -> Any:  # any Select; ``search``: the text's condition
    if query.statuses:
        stmt = stmt.where(Ticket.status.in_(query.statuses))
    if query.levels:
        stmt = stmt.where(Ticket.level.in_(query.levels))
    if query.fault_types:
        stmt = stmt.where(Ticket.fault_type.in_(query.fault_types))
    if query.assignee_id is not None:
        stmt = stmt.where(Ticket.assignee_id == query.assignee_id)
    if query.open_only or query.due_before is not None:
        stmt = stmt.where(Ticket.status.not_in([s for s in Status if s.is_closed]))
    if query.due_before is not None:
        stmt = stmt.where(or_(
            (Ticket.responded_at.is_(None)) & (Ticket.respond_due_at < query.due_before),
            (Ticket.workaround_at.is_(None)) & (Ticket.restored_at.is_(None))
            & (Ticket.restore_due_at < query.due_before),
        ))
    text = query.text.strip()
    if "\x00" in text:  # no saved text holds NUL (refused on save); PostgreSQL refuses it
        return stmt.where(false())
    if text:
        stmt = stmt.where(search if search is not None else _contains(text))
    return stmt


def count_tickets(db: Database, query: TicketQuery, at_most: int | None = None) -> int:
    """How many tickets match; with ``at_most``, stop counting there (cheap at 1M rows).

    ``count(*)``, not ``count(id)``: SQLite then counts index entries without reading
    each row (4× faster over a million tickets). A search with no other filter on SQLite
    counts the entries of its search index alone.
    """
    text = query.text.strip()
    with db.read() as session:
        found = _sqlite_ids(text) if db.backend == "sqlite" and text and "\x00" not in text \
            and _only_text(query) else None
        if found is not None:  # the search index's entries alone
            sql, params = found
            cap = "" if at_most is None else " LIMIT :search_cap"
            return int(session.scalar(text_clause(f"SELECT count(*) FROM ({sql}{cap})"),
                                      {**params, "search_cap": at_most}) or 0)
        search = _search(session, db.backend, text, count=True) \
            if text and "\x00" not in text else None
        condition = search.condition if search is not None else None
        if at_most is None:
            stmt = _filtered(query, select(func.count()).select_from(Ticket), db.backend,
                             condition)
        else:
            capped = _filtered(query, select(Ticket.id), db.backend,
                               condition).limit(at_most).subquery()
            stmt = select(func.count()).select_from(capped)
        return int(session.scalar(stmt) or 0)


def list_tickets(
    db: Database, query: TicketQuery, offset: int = 0, limit: int = 200
) -> list[TicketRow]:
    """One page of the queue, sorted and filtered in SQL."""
    assignee = aliased(Person)
    text = query.text.strip()
    with db.read() as session:
        search = _search(session, db.backend, text, count=False) \
            if text and "\x00" not in text else None
        column: Any = SORTABLE.get(query.sort, Ticket.reported_at)
        tiebreak: Any = Ticket.id
        if search is not None and search.unordered:
            # the same order through expressions no index holds: PostgreSQL then reads
            # the few matching tickets through the search index and sorts them
            column, tiebreak = func.coalesce(column, column), Ticket.id + 0
        order = (column.desc(), tiebreak.desc()) if query.descending else \
            (column.asc(), tiebreak.asc())
        stmt = (
            select(
                Ticket.id, Ticket.number, Ticket.level, Ticket.status, Ticket.fault_type,
                Ticket.affected_business, Ticket.reporter_name, assignee.name,
                Ticket.reported_at, Ticket.respond_due_at, Ticket.restore_due_at,
                Ticket.responded_at, Ticket.workaround_at, Ticket.restored_at, Ticket.version,
            )
            .outerjoin(assignee, assignee.id == Ticket.assignee_id)
            .order_by(*order)
            .offset(offset)
            .limit(limit)
        )
        stmt = _filtered(query, stmt, db.backend, search.condition if search else None)
        rows = session.execute(stmt).all()
    return [
        TicketRow(
            id=r[0], number=r[1], level=r[2], status=r[3], fault_type=r[4],
            affected_business=r[5], reporter_name=r[6], assignee_name=r[7] or "",
            reported_at=r[8], respond_due_at=r[9], restore_due_at=r[10],
            responded_at=r[11], restore_met_at=_first(r[12], r[13]), version=r[14],
        )
        for r in rows
    ]


def _first(*moments: datetime | None) -> datetime | None:
    present = [m for m in moments if m is not None]
    return min(present) if present else None
