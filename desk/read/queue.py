"""The queue: filters, free-text search and sort over all tickets, as plain rows.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import false, func, or_, select
from sqlalchemy import text as text_clause
from sqlalchemy.orm import Session, aliased

from desk.db import Database
from desk.read.tickets import TicketRow
from models import FaultLevel, FaultType, Person, Status, Ticket

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
                Ticket.respond_due_estimated, Ticket.restore_due_estimated,
                Ticket.paused_at.is_not(None),
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
            respond_due_estimated=bool(r[15]), restore_due_estimated=bool(r[16]),
            paused=bool(r[17]),
        )
        for r in rows
    ]


def _first(*moments: datetime | None) -> datetime | None:
    present = [m for m in moments if m is not None]
    return min(present) if present else None
