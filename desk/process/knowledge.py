"""The knowledge base (知识库): entries made when a fault is archived, search, similar faults.

Archiving a resolved fault creates its entry in the same unit of work
(``create_entry_for``, called by ``desk.process.workflow``). Support leads, directors and
administrators may reword an entry (``edit_entry``); each edit keeps a revision with the
wording before and after, and appends an event to the fault's trail.

Search works on Chinese text without spaces: on SQLite through the FTS5 table
``kb_fts`` (trigram tokenizer, ranked with bm25, title weighted most), on PostgreSQL
through a ``pg_trgm`` GIN index (ILIKE, ranked with word similarity to the title and
the symptom); both from schema 0004. A query is split at spaces into terms that must
all occur; a term shorter than three characters cannot be matched by trigrams and falls
back to LIKE (a query made only of such terms is ranked by where its terms occur).
Every value is a bound parameter, LIKE patterns escape ``%``, ``_`` and the backslash, and an
FTS5 term is always quoted as a phrase, so quotes, ``*``, parentheses, ``NEAR`` or
``OR`` in a query are searched for as text.

``similar_faults`` suggests past faults while a new one is being typed: archived
entries and resolved faults not archived yet. The index picks candidates (FTS5 on
SQLite, GiST nearest neighbours on PostgreSQL); they are then scored the same way on
both (``similarity``), in a stable order.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Float,
    Select,
    Text,
    column,
    func,
    literal_column,
    or_,
    select,
    table,
    text,
)
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from desk import events
from desk.db import Database
from desk.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from desk.events import FaultArchived, TicketChanged
from desk.process import audit
from desk.read import problems, tickets
from desk.rules import transitions
from desk.rules.values import plain
from models import (
    Attachment,
    FaultType,
    KnowledgeEntry,
    KnowledgeRevision,
    Person,
    Role,
    Status,
    Ticket,
)

EDITORS = frozenset({Role.SUPPORT_LEAD, Role.DIRECTOR, Role.ADMIN})
EDITABLE = ("title", "symptom", "affected_business", "fault_type", "root_cause",
            "temporary_solution", "long_term_solution", "prevention")
FIELD_LABELS: dict[str, tuple[str, str]] = {
    "title": ("标题", "Title"),
    "symptom": ("故障现象", "Symptom"),
    "affected_business": ("影响业务", "Affected business"),
    "fault_type": ("故障类型", "Fault type"),
    "root_cause": ("根本原因", "Root cause"),
    "temporary_solution": ("临时解决方案", "Temporary solution"),
    "long_term_solution": ("长期解决方案", "Long-term solution"),
    "prevention": ("预防措施", "Prevention"),
}
TITLE_MAX = 300
BUSINESS_MAX = 200
QUERY_MAX = 200  # characters of a search query that are used
SIMILAR_CANDIDATES = 150  # entries scored in Python after the index picked them
MIN_SIMILARITY = 0.12

# the same expression as schema 0004's trigram index (kb_fts_document_trgm)
PG_DOCUMENT = (
    "(title || ' ' || symptom || ' ' || affected_business || ' ' || root_cause || ' ' || "
    "temporary_solution || ' ' || long_term_solution || ' ' || prevention)"
)
_SQL_DOCUMENT = PG_DOCUMENT.replace("title", "kb_entries.title")  # unambiguous in joins
_SQL_DOCUMENT = re.sub(r"(?<![.\w])(symptom|affected_business|root_cause|temporary_solution|"
                       r"long_term_solution|prevention)\b", r"kb_entries.\1", _SQL_DOCUMENT)


_FTS = table("kb_fts", column("rowid"))  # schema 0004's FTS5 table (SQLite only)


class KnowledgeConflictError(ConflictError):
    """Someone else edited the same knowledge-base entry first."""

    def __init__(self, entry_id: int, ticket_id: int, expected: int, found: int) -> None:
        super().__init__(ticket_id, expected, found)
        self.entry_id = entry_id
        self.zh = (f"此知识库条目已被他人修改（版本 {expected} → {found}），"
                   "请查看对方的修改后再保存。")
        self.en = (f"Someone else changed this knowledge-base entry (version {expected} → "
                   f"{found}); review their change before saving.")
        self.args = (self.zh,)


# -- plain data handed to the CLI and the window ---------------------------------------


@dataclass(frozen=True)
class RevisionView:
    id: int
    at: datetime
    by: str
    before: dict[str, Any]
    after: dict[str, Any]


@dataclass(frozen=True)
class EntryView:
    """One entry with its fault's number, attachments and edit history."""

    id: int
    ticket_id: int
    ticket_number: str
    version: int
    title: str
    symptom: str
    affected_business: str
    fault_type: FaultType
    root_cause: str
    temporary_solution: str
    long_term_solution: str
    prevention: str
    created_at: datetime
    created_by: str
    updated_at: datetime
    updated_by: str
    attachments: tuple[str, ...] = ()
    revisions: tuple[RevisionView, ...] = ()

    def editable(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in EDITABLE}

    def to_json(self) -> dict[str, Any]:
        data = {name: plain(getattr(self, name)) for name in (
            "id", "ticket_id", "ticket_number", "version", *EDITABLE, "created_at",
            "created_by", "updated_at", "updated_by")}
        data["attachments"] = list(self.attachments)
        data["revisions"] = [{"id": r.id, "at": r.at.isoformat(), "by": r.by,
                              "before": r.before, "after": r.after} for r in self.revisions]
        return data


@dataclass(frozen=True)
class KBHit:
    """One search result: ``snippet`` is HTML (escaped, matches in ``<b>``)."""

    entry_id: int
    ticket_number: str
    title: str
    snippet: str
    score: float
    solution: str
    fault_type: FaultType
    affected_business: str
    snippet_plain: str = ""  # the same passage as text, matches in 【】


@dataclass(frozen=True)
class SimilarFault:
    """A past fault like the one being typed, with what solved it."""

    ticket_number: str
    entry_id: int | None  # None: resolved, not archived yet
    title: str
    phenomenon: str
    affected_business: str
    fault_type: FaultType
    solution: str
    score: float
    archived: bool = field(default=True)
    # a known error (已知错误) of a problem: ``ticket_number`` is then the problem's number
    problem_id: int | None = None


# -- creating and reading entries ------------------------------------------------------


def _short(textual: str, limit: int) -> str:
    """The first sentence (or clause, when the sentence is long), at most ``limit`` chars."""
    flat = " ".join(textual.split())
    first = re.split(r"[。！？!?；;\n]", flat, maxsplit=1)[0].strip() or flat
    if len(first) > limit:
        clause = re.split(r"[，,：:]", first, maxsplit=1)[0].strip()
        if len(clause) >= 6:
            first = clause
    return first if len(first) <= limit else first[: limit - 1] + "…"


def _solution_summary(temporary: str, long_term: str, limit: int = 120) -> str:
    parts = []
    if long_term.strip():
        parts.append(f"长期：{long_term.strip()}")
    if temporary.strip():
        parts.append(f"临时：{temporary.strip()}")
    summary = " ".join(" ".join(parts).split())
    return summary if len(summary) <= limit else summary[: limit - 1] + "…"


def create_entry_for(session: Session, ticket: Ticket, actor: Person,
                     now: datetime) -> KnowledgeEntry:
    """Make the knowledge-base entry of an archived fault (inside the archive's unit of work).

    Symptom is the phenomenon, prevention the archive's prevention measures, the root
    cause includes the underlying cause; the title is the affected business and the
    first sentence of the phenomenon. An entry that already exists is returned as it is.
    """
    existing = session.scalar(select(KnowledgeEntry).where(KnowledgeEntry.ticket_id == ticket.id))
    if existing is not None:
        return existing
    business = (ticket.affected_business or "").strip()
    root = (ticket.root_cause or "").strip()
    if (ticket.underlying_cause or "").strip():
        root = f"{root}\n深层原因：{ticket.underlying_cause.strip()}".strip()
    symptom_head = _short(ticket.phenomenon or "", 24)
    title = f"{business}：{symptom_head}" if business else symptom_head
    entry = KnowledgeEntry(
        ticket_id=ticket.id,
        title=title[:TITLE_MAX] or ticket.number,
        symptom=ticket.phenomenon or "",
        affected_business=business[:BUSINESS_MAX],
        fault_type=ticket.fault_type,
        root_cause=root,
        temporary_solution=ticket.temporary_solution or "",
        long_term_solution=ticket.long_term_solution or "",
        prevention=ticket.prevention_measures or "",
        created_at=now,
        created_by_id=actor.id,
        updated_at=now,
        updated_by_id=actor.id,
    )
    session.add(entry)
    session.flush()
    return entry


def on_archived(session: Session, event: FaultArchived) -> None:
    """Subscriber: an archived fault gets its knowledge-base entry in the same unit of work."""
    create_entry_for(session, event.ticket, event.actor, event.at)


def _names(session: Session, ids: Iterable[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i}
    if not wanted:
        return {}
    return {p.id: f"{p.name}（{p.employee_no}）"
            for p in session.scalars(select(Person).where(Person.id.in_(wanted)))}


def _load(session: Session, entry_id: int) -> KnowledgeEntry:
    entry = session.get(KnowledgeEntry, entry_id)
    if entry is None:
        raise NotFoundError(f"没有编号为 {entry_id} 的知识库条目。",
                            f"There is no knowledge-base entry {entry_id}.")
    return entry


def _view(session: Session, entry: KnowledgeEntry) -> EntryView:
    revisions = session.scalars(select(KnowledgeRevision).where(
        KnowledgeRevision.entry_id == entry.id).order_by(KnowledgeRevision.id)).all()
    names = _names(session, [entry.created_by_id, entry.updated_by_id,
                             *(r.by_id for r in revisions)])
    number = session.scalar(select(Ticket.number).where(Ticket.id == entry.ticket_id)) or ""
    attachments = session.scalars(select(Attachment.name).where(
        Attachment.ticket_id == entry.ticket_id, Attachment.removed_at.is_(None))
        .order_by(Attachment.id)).all()
    return EntryView(
        id=entry.id, ticket_id=entry.ticket_id, ticket_number=number, version=entry.version,
        title=entry.title, symptom=entry.symptom, affected_business=entry.affected_business,
        fault_type=entry.fault_type, root_cause=entry.root_cause,
        temporary_solution=entry.temporary_solution,
        long_term_solution=entry.long_term_solution, prevention=entry.prevention,
        created_at=entry.created_at, created_by=names.get(entry.created_by_id or 0, ""),
        updated_at=entry.updated_at, updated_by=names.get(entry.updated_by_id or 0, ""),
        attachments=tuple(attachments),
        revisions=tuple(RevisionView(r.id, r.at, names.get(r.by_id or 0, ""), r.before,
                                     r.after) for r in revisions),
    )


def get_entry(db: Database, entry_id: int) -> EntryView:
    with db.read() as session:
        return _view(session, _load(session, entry_id))


def entry_for_ticket(db: Database, ticket_key: str | int) -> EntryView | None:
    """The entry made when this fault was archived, or None."""
    with db.read() as session:
        ticket = tickets.load_ticket(session, ticket_key)
        entry = session.scalar(select(KnowledgeEntry).where(
            KnowledgeEntry.ticket_id == ticket.id))
        return _view(session, entry) if entry is not None else None


def businesses(db: Database) -> list[str]:
    """The affected businesses named in the knowledge base (for a filter), sorted."""
    with db.read() as session:
        return sorted(b for b in session.scalars(
            select(KnowledgeEntry.affected_business).distinct()) if b)


def may_edit(roles: Iterable[Role]) -> bool:
    return bool(EDITORS & set(roles))


# -- editing ---------------------------------------------------------------------------


def _clean_changes(changes: Mapping[str, Any]) -> dict[str, Any]:
    errors: dict[str, tuple[str, str]] = {}
    clean: dict[str, Any] = {}
    for name, value in changes.items():
        if name not in EDITABLE:
            errors[name] = (f"知识库条目没有可修改的字段“{name}”。",
                            f"A knowledge-base entry has no editable field “{name}”.")
            continue
        zh, en = FIELD_LABELS[name]
        if name == "fault_type":
            try:
                clean[name] = FaultType(value)
            except ValueError:
                errors[name] = ("未知的故障类型。", "Unknown fault type.")
            continue
        if not isinstance(value, str):
            errors[name] = (f"{zh}须为文字。", f"{en} must be text.")
            continue
        limit = {"title": TITLE_MAX, "affected_business": BUSINESS_MAX}.get(name,
                                                                           transitions.MAX_TEXT)
        if "\x00" in value:
            errors[name] = (f"{zh}含有无效字符。", f"{en} holds an invalid character.")
        elif len(value) > limit:
            errors[name] = (f"{zh}过长（最多 {limit} 字）。", f"{en} is too long (at most {limit}).")
        elif name in ("title", "symptom") and not value.strip():
            errors[name] = (f"请填写{zh}。", f"{en} is required.")
        else:
            clean[name] = value.strip() if name in ("title", "affected_business") else value
    if errors:
        raise ValidationError(errors)
    return clean


def edit_entry(db: Database, entry_id: int, actor_id: int, changes: Mapping[str, Any],
               expected_version: int) -> EntryView:
    """Reword an entry as a support lead, director or administrator; keep the history.

    Refused when the entry changed since ``expected_version`` was read. One revision
    (before and after of the changed fields) and one ``kb_edit`` event on the fault.
    """
    clean = _clean_changes(changes)

    def work(session: Session) -> EntryView:
        actor = session.get(Person, actor_id)
        if actor is None or not actor.active:
            raise NotFoundError("当前人员不存在或已停用。", "The acting person does not exist.")
        if not may_edit(actor.roles):
            raise PermissionDeniedError(
                f"{actor.name} 无权修改知识库（需要：支持组长、技术总监或系统管理员）。",
                f"{actor.name} may not edit the knowledge base (needs: support lead, director "
                "or administrator).",
            )
        entry = _load(session, entry_id)
        if entry.version != expected_version:
            raise KnowledgeConflictError(entry.id, entry.ticket_id, expected_version,
                                         entry.version)
        now = db.now()
        before: dict[str, Any] = {}
        after: dict[str, Any] = {}
        for name, value in clean.items():
            old = getattr(entry, name)
            if old != value:
                before[name] = plain(old)
                after[name] = plain(value)
                setattr(entry, name, value)
        if not after:
            return _view(session, entry)
        entry.updated_at = now
        entry.updated_by_id = actor.id
        session.flush()
        revision = KnowledgeRevision(entry_id=entry.id, at=now, by_id=actor.id,
                                     before=before, after=after)
        session.add(revision)
        session.flush()
        audit.record(session, at=now, action="kb_edit", ticket_id=entry.ticket_id,
                     actor_id=actor.id,
                     changes={k: {"before": before[k], "after": after[k]} for k in after},
                     details={"entry_id": entry.id, "revision_id": revision.id,
                              "entry_version": entry.version})
        events.record(session, TicketChanged(entry.ticket_id))
        return _view(session, entry)

    try:
        return db.write(work)
    except StaleDataError:
        with db.read() as session:
            entry = _load(session, entry_id)
            raise KnowledgeConflictError(entry.id, entry.ticket_id, expected_version,
                                         entry.version) from None


# -- search ----------------------------------------------------------------------------


def query_terms(query: str) -> list[str]:
    """The terms of a query: split at spaces, duplicates dropped, at most QUERY_MAX chars."""
    flat = " ".join(query.replace("\x00", " ").split())[:QUERY_MAX]
    seen: list[str] = []
    for term in flat.split(" "):
        if term and term.casefold() not in (t.casefold() for t in seen):
            seen.append(term)
    return seen


def _like_pattern(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def fts_phrase(term: str) -> str:
    """An FTS5 string literal: the term searched for as it is (operators lose meaning)."""
    return '"' + term.replace('"', '""') + '"'


def _document_like(term: str, postgres: bool) -> ColumnElement[bool]:
    doc = literal_column(_SQL_DOCUMENT, type_=Text())
    pattern = _like_pattern(term)
    return doc.ilike(pattern, escape="\\") if postgres else doc.like(pattern, escape="\\")


def _highlight(value: str, terms: list[str], width: int = 80) -> tuple[str, str] | None:
    """(html, plain) around the first match of any term in ``value``, or None."""
    if not terms or not value:
        return None
    pattern = re.compile("|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)),
                         re.IGNORECASE)
    flat = " ".join(value.split())
    first = pattern.search(flat)
    if first is None:
        return None
    start = max(0, first.start() - width // 3)
    end = min(len(flat), start + width)
    start = max(0, min(start, end - width))
    piece = flat[start:end]
    html_parts: list[str] = ["…" if start else ""]
    plain_parts: list[str] = ["…" if start else ""]
    pos = 0
    for match in pattern.finditer(piece):
        html_parts.append(html.escape(piece[pos:match.start()]))
        html_parts.append(f"<b>{html.escape(match.group())}</b>")
        plain_parts.append(piece[pos:match.start()])
        plain_parts.append(f"【{match.group()}】")
        pos = match.end()
    html_parts.append(html.escape(piece[pos:]))
    plain_parts.append(piece[pos:])
    if end < len(flat):
        html_parts.append("…")
        plain_parts.append("…")
    return "".join(html_parts), "".join(plain_parts)


def _snippet(entry: KnowledgeEntry, terms: list[str]) -> tuple[str, str]:
    for name in ("symptom", "title", "root_cause", "temporary_solution", "long_term_solution",
                 "prevention", "affected_business"):
        found = _highlight(getattr(entry, name), terms)
        if found is not None:
            return found
    plain = _short(entry.symptom, 80)
    return html.escape(plain), plain


def _filters(stmt: Select[Any], fault_type: FaultType | str | None,
             business: str | None) -> Select[Any]:
    if fault_type:
        try:
            kind = FaultType(fault_type)
        except ValueError:
            raise ValidationError({"fault_type": ("未知的故障类型。", "Unknown fault type.")}) \
                from None
        stmt = stmt.where(KnowledgeEntry.fault_type == kind)
    if business and business.strip():
        stmt = stmt.where(KnowledgeEntry.affected_business.like(
            _like_pattern(business.strip()), escape="\\"))
    return stmt


def search(db: Database, query: str, fault_type: FaultType | str | None = None,
           business: str | None = None, limit: int = 20) -> list[KBHit]:
    """Entries holding every term of ``query``, best first, with the match highlighted.

    An empty query with a filter lists the filtered entries, newest first.
    """
    terms = query_terms(query)
    limit = max(1, min(int(limit), 200))
    with db.read() as session:
        postgres = session.get_bind().dialect.name == "postgresql"
        long_terms = [t for t in terms if len(t) >= 3]
        short_terms = [t for t in terms if len(t) < 3]
        score: ColumnElement[Any]
        if not terms:
            if not fault_type and not (business and business.strip()):
                return []
            score = literal_column("0.0", type_=Float())
            stmt = select(KnowledgeEntry, score).order_by(KnowledgeEntry.id.desc())
        elif postgres and long_terms:
            # the GIN index finds the rows; word similarity to the short title and
            # symptom ranks them (the whole document would cost too much per row)
            joined = " ".join(long_terms)
            score = (0.6 * func.word_similarity(joined, KnowledgeEntry.title)
                     + 0.4 * func.word_similarity(joined, KnowledgeEntry.symptom)).label("score")
            stmt = select(KnowledgeEntry, score)
            for term in terms:
                stmt = stmt.where(_document_like(term, True))
            stmt = stmt.order_by(score.desc(), KnowledgeEntry.id.desc())
        elif long_terms:
            match = " AND ".join(fts_phrase(t) for t in long_terms)
            score = literal_column("-bm25(kb_fts, 4.0, 2.0, 1.0, 1.0)", type_=Float()).label(
                "score")
            stmt = (
                select(KnowledgeEntry, score)
                .join_from(KnowledgeEntry, _FTS, _FTS.c.rowid == KnowledgeEntry.id)
                .where(text("kb_fts MATCH :match").bindparams(match=match))
            )
            for term in short_terms:
                stmt = stmt.where(_document_like(term, False))
            stmt = stmt.order_by(score.desc(), KnowledgeEntry.id.desc())
        else:
            score = literal_column("0.0", type_=Float())
            stmt = select(KnowledgeEntry, score)
            for term in short_terms:
                stmt = stmt.where(_document_like(term, postgres))
            stmt = stmt.order_by(KnowledgeEntry.id.desc())
        stmt = _filters(stmt, fault_type, business).limit(limit if long_terms
                                                          else limit * 5)
        rows = session.execute(stmt).all()
        numbers = dict(session.execute(select(Ticket.id, Ticket.number).where(
            Ticket.id.in_({e.ticket_id for e, _ in rows}))).all()) if rows else {}
        hits: list[KBHit] = []
        for entry, raw in rows:
            value = float(raw or 0.0)
            if terms and not long_terms:
                value = _text_score(entry, short_terms)
            snippet_html, snippet_plain = _snippet(entry, terms)
            hits.append(KBHit(
                entry_id=entry.id, ticket_number=numbers.get(entry.ticket_id, ""),
                title=entry.title, snippet=snippet_html, score=round(value, 6),
                solution=_solution_summary(entry.temporary_solution, entry.long_term_solution),
                fault_type=entry.fault_type, affected_business=entry.affected_business,
                snippet_plain=snippet_plain,
            ))
        if terms and not long_terms:
            hits.sort(key=lambda h: (-h.score, -h.entry_id))
        return hits[:limit]


def _text_score(entry: KnowledgeEntry, terms: list[str]) -> float:
    """A rank for LIKE-only matches: where and how often the terms occur."""
    weights = (("title", 4.0), ("symptom", 2.0), ("affected_business", 1.0),
               ("root_cause", 1.0), ("temporary_solution", 1.0),
               ("long_term_solution", 1.0), ("prevention", 1.0))
    total = 0.0
    for name, weight in weights:
        value = str(getattr(entry, name)).casefold()
        for term in terms:
            total += weight * value.count(term.casefold())
    return total


# -- similar faults --------------------------------------------------------------------


def trigrams(value: str) -> frozenset[str]:
    """Character trigrams of a text (spaces collapsed, case folded); shorter: the text."""
    flat = " ".join(value.casefold().split())
    if len(flat) < 3:
        return frozenset({flat}) if flat else frozenset()
    return frozenset(flat[i:i + 3] for i in range(len(flat) - 2))


def similarity(query: frozenset[str], target: str) -> float:
    """How much of ``target`` is like the query, 0…1.

    Half the share of the query's trigrams found in the target (a partly typed
    phenomenon should still find its fault, like pg_trgm's word similarity), half the
    Dice overlap of both sets (a target saying much else ranks lower). A query shorter
    than three characters counts when the target contains it.
    """
    if not query or not target:
        return 0.0
    if len(query) == 1:
        (only,) = query
        if len(only) < 3:
            flat = " ".join(target.casefold().split())
            return 0.5 + 0.5 * len(only) / len(flat) if only in flat else 0.0
    grams = trigrams(target)
    common = len(query & grams)
    if not common:
        return 0.0
    return 0.5 * common / len(query) + common / (len(query) + len(grams))


def _combined(phen: frozenset[str], bus: frozenset[str], symptom: str, business: str,
              same_type: bool) -> float:
    if phen and bus:
        score = 0.7 * similarity(phen, symptom) + 0.3 * similarity(bus, business)
    elif bus:
        score = similarity(bus, business)
    else:
        score = similarity(phen, symptom)
    # the same fault type breaks ties, but a score is a share: never above 1 (100 %)
    return min(1.0, score + (0.05 if same_type and score > 0 else 0.0))


def similar_faults(db: Database, phenomenon: str, business: str,
                   fault_type: FaultType | str | None = None,
                   limit: int = 5) -> list[SimilarFault]:
    """Past faults most like the one described, with their solutions; best first.

    Archived knowledge-base entries and resolved faults not archived yet are scored the
    same way (0.7 × phenomenon similarity + 0.3 × business similarity, a small bonus for
    the same fault type); on a tie an archived entry comes first, then the newer fault.
    """
    phenomenon = " ".join(phenomenon.split())[:QUERY_MAX]
    business = " ".join(business.split())[:QUERY_MAX]
    kind: FaultType | None = None
    if fault_type:
        try:
            kind = FaultType(fault_type)
        except ValueError:
            kind = None
    phen = trigrams(phenomenon)
    bus = trigrams(business)
    if not phen and not bus:
        return []
    scored: list[tuple[float, int, str, SimilarFault]] = []
    with db.read() as session:
        postgres = session.get_bind().dialect.name == "postgresql"
        ids = _candidate_entries(session, phenomenon, business, phen, bus, postgres)
        if ids:
            # plain columns, not entities: a few hundred candidates are scored per keystroke
            k = KnowledgeEntry
            rows = session.execute(
                select(k.id, Ticket.number, k.title, k.symptom, k.affected_business,
                       k.fault_type, k.temporary_solution, k.long_term_solution)
                .join(Ticket, Ticket.id == k.ticket_id)
                .where(k.id.in_(ids))
            ).all()
            for entry_id, number, title, symptom, bus_text, ftype, temporary, long_term in rows:
                score = _combined(phen, bus, symptom, bus_text, ftype == kind)
                if score >= MIN_SIMILARITY:
                    scored.append((score, 0, number, SimilarFault(
                        ticket_number=number, entry_id=entry_id, title=title,
                        phenomenon=symptom, affected_business=bus_text, fault_type=ftype,
                        solution=_solution_summary(temporary, long_term),
                        score=round(score, 4), archived=True)))
        resolved = session.execute(
            select(Ticket.number, Ticket.phenomenon, Ticket.affected_business,
                   Ticket.fault_type, Ticket.temporary_solution, Ticket.long_term_solution)
            .where(Ticket.status == Status.RESOLVED)
            .order_by(Ticket.resolved_at.desc(), Ticket.id.desc())
            .limit(1000)
        ).all()
        for number, phen_text, bus_text, ftype, temporary, long_term in resolved:
            score = _combined(phen, bus, phen_text, bus_text, ftype == kind)
            if score >= MIN_SIMILARITY:
                title = f"{bus_text}：{_short(phen_text, 24)}" if bus_text else _short(phen_text, 24)
                scored.append((score, 1, number, SimilarFault(
                    ticket_number=number, entry_id=None, title=title, phenomenon=phen_text,
                    affected_business=bus_text, fault_type=ftype,
                    solution=_solution_summary(temporary, long_term), score=round(score, 4),
                    archived=False)))
        for known in problems.known_errors(session):
            score = _combined(phen, bus, f"{known.title} {known.symptom}",
                              known.affected_business, known.fault_type == kind)
            if score >= MIN_SIMILARITY:
                scored.append((score, -1, known.number, SimilarFault(
                    ticket_number=known.number, entry_id=None,
                    title=f"已知问题：{known.title}", phenomenon=known.symptom,
                    affected_business=known.affected_business, fault_type=known.fault_type,
                    solution=_known_solution(known), score=round(score, 4), archived=True,
                    problem_id=known.problem_id)))
    # best score first; on a tie known errors, archived entries, then the later fault number
    scored.sort(key=lambda s: (-round(s[0], 4), s[1], _reverse(s[2])))
    return [s[3] for s in scored[:max(1, limit)]]


def _known_solution(known: problems.KnownError, limit: int = 120) -> str:
    parts = [f"临时方案：{known.workaround.strip()}"] if known.workaround.strip() else []
    if known.permanent_fix.strip():
        parts.append(f"永久方案：{known.permanent_fix.strip()}")
    summary = " ".join("，".join(parts).split())
    return summary if len(summary) <= limit else summary[: limit - 1] + "…"


def _reverse(value: str) -> tuple[int, ...]:
    return tuple(-ord(c) for c in value)


def _spread(grams: list[str], most: int) -> list[str]:
    """At most ``most`` of the trigrams, evenly spread over the text."""
    if len(grams) <= most:
        return grams
    step = len(grams) / most
    return [grams[int(i * step)] for i in range(most)]


def _ordered_trigrams(value: str) -> list[str]:
    flat = " ".join(value.casefold().split())
    seen: dict[str, None] = {}
    for i in range(len(flat) - 2):
        seen.setdefault(flat[i:i + 3], None)
    return list(seen)


def _candidate_entries(session: Session, phenomenon: str, business: str,
                       phen: frozenset[str], bus: frozenset[str], postgres: bool) -> list[int]:
    """Ids of entries worth scoring: the trigram index finds the nearest ones."""
    if postgres:
        # nearest neighbours through the GiST trigram indexes (schema 0004); a second
        # sort key would turn the index scan into a full scan and sort
        ids: list[int] = []
        if phenomenon:
            ids += session.scalars(text(
                "SELECT id FROM kb_entries ORDER BY symptom <-> :p LIMIT :n"),
                {"p": phenomenon, "n": SIMILAR_CANDIDATES})
        if business:
            ids += session.scalars(text(
                "SELECT id FROM kb_entries ORDER BY affected_business <-> :b LIMIT :n"),
                {"b": business, "n": SIMILAR_CANDIDATES // 2})
        return sorted(set(ids))
    phen_grams = _spread(_ordered_trigrams(phenomenon), 40)
    bus_grams = _spread(_ordered_trigrams(business), 12)
    parts = []
    if phen_grams:
        parts.append("symptom : (" + " OR ".join(fts_phrase(g) for g in phen_grams) + ")")
    if bus_grams:
        parts.append("business : (" + " OR ".join(fts_phrase(g) for g in bus_grams) + ")")
    if parts:
        sql = ("SELECT rowid FROM kb_fts WHERE kb_fts MATCH :match "
               "ORDER BY bm25(kb_fts, 0.0, 2.0, 1.0, 0.0), rowid DESC LIMIT :limit")
        return list(session.scalars(text(sql), {"match": " OR ".join(parts),
                                                "limit": SIMILAR_CANDIDATES}))
    likes: list[ColumnElement[bool]] = []
    if phenomenon:
        likes.append(KnowledgeEntry.symptom.like(_like_pattern(phenomenon), escape="\\"))
    if business:
        likes.append(KnowledgeEntry.affected_business.like(_like_pattern(business),
                                                           escape="\\"))
    stmt = select(KnowledgeEntry.id).where(or_(*likes)).order_by(
        KnowledgeEntry.id.desc()).limit(SIMILAR_CANDIDATES)
    return list(session.scalars(stmt))


__all__ = [
    "EDITABLE", "EDITORS", "EntryView", "KBHit", "KnowledgeConflictError", "RevisionView",
    "SimilarFault", "businesses", "create_entry_for", "edit_entry", "entry_for_ticket",
    "get_entry", "may_edit", "search", "similar_faults",
]
