"""Links between faults (related to, caused by, duplicate of) and merging a duplicate.

``link`` records "A related to / caused by B" once (the pair in either order is one
link) with an event on both faults. ``merge_duplicate`` closes a duplicate into its
master in one unit of work: the duplicate is cancelled with ``merged_into_id`` set (its
number, reporter, evidence and events stay as they were, readable from the master
through ``desk.read.links``), both faults get an event, and ``DuplicateMerged`` lets the
outbox tell the duplicate's reporter. The statistics and the open queue then count the
incident once (``desk.read.stats`` leaves merged duplicates out).
"""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from desk import events
from desk.db import Database
from desk.errors import (
    InvalidTransitionError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from desk.events import DuplicateMerged, TicketChanged
from desk.process import audit
from desk.read.tickets import load_ticket
from models import LinkKind, Person, Role, Status, Ticket, TicketLink

LINKERS = frozenset({Role.SUPPORT, Role.SUPPORT_LEAD, Role.ENGINEER, Role.DIRECTOR})
MERGERS = frozenset({Role.SUPPORT, Role.SUPPORT_LEAD, Role.DIRECTOR})
# a duplicate is merged (and so cancelled) from any state but a closed one
MERGE_SOURCES = frozenset(s for s in Status if not s.is_closed)


def _actor(session: Session, actor_id: int, roles: frozenset[Role], what_zh: str,
           what_en: str) -> Person:
    actor = session.get(Person, actor_id)
    if actor is None or not actor.active:
        raise NotFoundError("当前人员不存在或已停用。", "The acting person does not exist.")
    if not (actor.roles & roles):
        raise PermissionDeniedError(f"{actor.name} 无权{what_zh}。", f"{actor.name} may not {what_en}.")
    return actor


def parse_kind(value: str | LinkKind) -> LinkKind:
    try:
        return LinkKind(str(value).strip().replace("-", "_"))
    except ValueError:
        raise ValidationError({"kind": ("关联类型须为 related、caused-by 或 duplicate。",
                                        "The link kind must be related, caused-by or duplicate.")}) \
            from None


def _existing(session: Session, a: int, b: int) -> TicketLink | None:
    return session.scalar(select(TicketLink).where(or_(
        (TicketLink.ticket_id == a) & (TicketLink.other_id == b),
        (TicketLink.ticket_id == b) & (TicketLink.other_id == a))))


def _bump(ticket: Ticket) -> None:
    # a link is part of the record: desks holding the old version see the change
    flag_modified(ticket, "status")


def link(db: Database, ticket_key: str | int, other_key: str | int, kind: str | LinkKind,
         actor_id: int) -> int:
    """Link fault A to fault B; a duplicate is merged into B. Returns the link's id."""
    link_kind = parse_kind(kind)
    if link_kind == LinkKind.DUPLICATE:
        return merge_duplicate(db, ticket_key, other_key, actor_id)

    def work(session: Session) -> int:
        actor = _actor(session, actor_id, LINKERS, "关联故障", "link faults")
        a, b = load_ticket(session, ticket_key), load_ticket(session, other_key)
        if a.id == b.id:
            raise ValidationError({"other": ("故障不能与自身关联。", "A fault cannot be linked to itself.")})
        found = _existing(session, a.id, b.id)
        if found is not None:
            raise InvalidTransitionError(
                f"{a.number} 与 {b.number} 已关联（{found.kind.label_zh}）。",
                f"{a.number} and {b.number} are already linked ({found.kind.label_en}).")
        now = db.now()
        row = TicketLink(ticket_id=a.id, other_id=b.id, kind=link_kind, created_at=now,
                         created_by_id=actor.id)
        session.add(row)
        for t in (a, b):
            _bump(t)
        session.flush()
        audit.record(session, at=now, action="link", ticket_id=a.id, actor_id=actor.id,
                     details={"kind": link_kind.value, "other": b.number})
        audit.record(session, at=now, action="linked", ticket_id=b.id, actor_id=actor.id,
                     details={"kind": link_kind.value, "other": a.number})
        events.record(session, TicketChanged(a.id))
        events.record(session, TicketChanged(b.id))
        return row.id

    return db.write(work)


def unlink(db: Database, ticket_key: str | int, other_key: str | int, actor_id: int) -> None:
    """Remove a related / caused-by link (a merge is final and cannot be unlinked)."""

    def work(session: Session) -> None:
        actor = _actor(session, actor_id, LINKERS, "取消关联", "unlink faults")
        a, b = load_ticket(session, ticket_key), load_ticket(session, other_key)
        found = _existing(session, a.id, b.id)
        if found is None:
            raise NotFoundError(f"{a.number} 与 {b.number} 没有关联。",
                                f"{a.number} and {b.number} are not linked.")
        if found.kind == LinkKind.DUPLICATE:
            raise InvalidTransitionError("合并的重复故障不能取消关联。",
                                         "A merged duplicate cannot be unlinked.")
        now = db.now()
        session.delete(found)
        for t in (a, b):
            _bump(t)
        session.flush()
        for t, other in ((a, b), (b, a)):
            audit.record(session, at=now, action="unlink", ticket_id=t.id, actor_id=actor.id,
                         details={"kind": found.kind.value, "other": other.number})
            events.record(session, TicketChanged(t.id))

    db.write(work)


def merge_duplicate(db: Database, duplicate_key: str | int, master_key: str | int,
                    actor_id: int) -> int:
    """Close ``duplicate`` into ``master``; returns the duplicate link's id."""

    def work(session: Session) -> int:
        actor = _actor(session, actor_id, MERGERS, "合并重复故障", "merge duplicates")
        dup, master = load_ticket(session, duplicate_key), load_ticket(session, master_key)
        if dup.id == master.id:
            raise ValidationError({"other": ("故障不能与自身合并。", "A fault cannot be merged into itself.")})
        if dup.merged_into_id is not None:
            into = session.get(Ticket, dup.merged_into_id)
            raise InvalidTransitionError(
                f"{dup.number} 已合并至 {into.number if into else '?'}。",
                f"{dup.number} is already merged into {into.number if into else '?'}.")
        if dup.status.is_closed:
            raise InvalidTransitionError(
                f"{dup.number} 已“{dup.status.label_zh}”，不能再作为重复故障合并。",
                f"{dup.number} is already “{dup.status.label_en}”; it cannot be merged.")
        if master.merged_into_id is not None:
            into = session.get(Ticket, master.merged_into_id)
            number = into.number if into else "?"
            raise ValidationError({"other": (
                f"{master.number} 本身已合并至 {number}，请合并至 {number}。",
                f"{master.number} is itself merged into {number}; merge into {number}.")})
        if master.status == Status.CANCELLED:
            raise ValidationError({"other": (f"{master.number} 已撤销，不能作为主故障。",
                                             f"{master.number} is cancelled; it cannot be the "
                                             "master.")})
        if session.scalar(select(Ticket.id).where(Ticket.merged_into_id == dup.id).limit(1)):
            raise InvalidTransitionError(
                f"已有其他故障合并至 {dup.number}：请把 {master.number} 合并至 {dup.number}。",
                f"Other faults are merged into {dup.number}: merge {master.number} into "
                f"{dup.number} instead.")
        now = db.now()
        found = _existing(session, dup.id, master.id)
        if found is not None:
            session.delete(found)  # a "related" link becomes the duplicate link
            session.flush()
        row = TicketLink(ticket_id=dup.id, other_id=master.id, kind=LinkKind.DUPLICATE,
                         created_at=now, created_by_id=actor.id)
        session.add(row)
        reason = f"重复故障，合并至 {master.number}"
        changes = audit.changes_of(dup, {
            "status": Status.CANCELLED, "merged_into_id": master.id, "cancelled_at": now,
            "cancel_reason": reason})
        _bump(master)
        session.flush()
        audit.record(session, at=now, action="merge", ticket_id=dup.id, actor_id=actor.id,
                     changes=changes, details={"master": master.number}, reason=reason)
        audit.record(session, at=now, action="merged_in", ticket_id=master.id,
                     actor_id=actor.id, details={"duplicate": dup.number,
                                                 "reporter": dup.reporter_name})
        events.record(session, DuplicateMerged(dup, master, actor, now))
        events.record(session, TicketChanged(dup.id))
        events.record(session, TicketChanged(master.id))
        return row.id

    return db.write(work)
