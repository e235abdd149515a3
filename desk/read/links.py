"""A fault's links as plain views, and what its merged duplicates brought with them.

``links_of`` lists every link of a fault in both directions, labelled from its side
("由其引起" on A when A is caused by B; "引起" on B). ``duplicates_of`` gives, for a
master, each duplicate merged into it with its reporter, its evidence and its events, so
nothing a duplicate held is lost by the merge.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select

from desk.db import Database
from desk.read.tickets import load_ticket
from models import Attachment, Event, FaultLevel, LinkKind, Status, Ticket, TicketLink

# (from the naming fault's side, from the other fault's side)
SIDE_LABELS: dict[LinkKind, tuple[tuple[str, str], tuple[str, str]]] = {
    LinkKind.RELATED: (("相关", "Related to"), ("相关", "Related to")),
    LinkKind.CAUSED_BY: (("由其引起", "Caused by"), ("引起", "Causes")),
    LinkKind.DUPLICATE: (("重复，已合并至", "Duplicate of"), ("重复故障（已合并）", "Duplicate")),
}


@dataclass(frozen=True)
class LinkView:
    kind: LinkKind
    outgoing: bool  # this fault names the relation (A in "A caused by B")
    number: str  # the other fault
    status: Status
    level: FaultLevel
    affected_business: str
    phenomenon: str
    created_at: datetime

    @property
    def label_zh(self) -> str:
        return SIDE_LABELS[self.kind][0 if self.outgoing else 1][0]

    @property
    def label_en(self) -> str:
        return SIDE_LABELS[self.kind][0 if self.outgoing else 1][1]

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind.value, "outgoing": self.outgoing, "label": self.label_zh,
                "label_en": self.label_en, "number": self.number, "status": self.status.value,
                "level": int(self.level), "affected_business": self.affected_business,
                "phenomenon": self.phenomenon, "created_at": self.created_at.isoformat()}


@dataclass(frozen=True)
class DuplicateView:
    """A duplicate merged into a master, with what it held."""

    number: str
    reporter_name: str
    reporter_employee_no: str
    reporter_contact: str
    reported_at: datetime
    phenomenon: str
    attachments: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"number": self.number, "reporter_name": self.reporter_name,
                "reporter_employee_no": self.reporter_employee_no,
                "reporter_contact": self.reporter_contact,
                "reported_at": self.reported_at.isoformat(), "phenomenon": self.phenomenon,
                "attachments": self.attachments,
                "events": [{**e, "at": e["at"].isoformat()} for e in self.events]}


def links_of(db: Database, key: str | int) -> list[LinkView]:
    """Every link of a fault, in both directions, oldest first."""
    with db.read() as session:
        ticket = load_ticket(session, key)
        rows = session.execute(
            select(TicketLink, Ticket)
            .join(Ticket, or_(
                (TicketLink.ticket_id == ticket.id) & (Ticket.id == TicketLink.other_id),
                (TicketLink.other_id == ticket.id) & (Ticket.id == TicketLink.ticket_id)))
            .where(or_(TicketLink.ticket_id == ticket.id, TicketLink.other_id == ticket.id))
            .order_by(TicketLink.id)).all()
        return [LinkView(kind=link.kind, outgoing=link.ticket_id == ticket.id,
                         number=other.number, status=other.status, level=other.level,
                         affected_business=other.affected_business,
                         phenomenon=other.phenomenon, created_at=link.created_at)
                for link, other in rows]


def duplicates_of(db: Database, key: str | int) -> list[DuplicateView]:
    """The duplicates merged into a master: reporter, evidence and events of each."""
    with db.read() as session:
        master = load_ticket(session, key)
        dups = session.scalars(select(Ticket).where(Ticket.merged_into_id == master.id)
                               .order_by(Ticket.id)).all()
        out = []
        for d in dups:
            files = session.scalars(select(Attachment).where(
                Attachment.ticket_id == d.id, Attachment.removed_at.is_(None))
                .order_by(Attachment.id)).all()
            evts = session.scalars(select(Event).where(Event.ticket_id == d.id)
                                   .order_by(Event.id)).all()
            out.append(DuplicateView(
                number=d.number, reporter_name=d.reporter_name,
                reporter_employee_no=d.reporter_employee_no,
                reporter_contact=d.reporter_contact, reported_at=d.reported_at,
                phenomenon=d.phenomenon,
                attachments=[{"id": a.id, "name": a.name, "kind": a.kind.value,
                              "size": a.size, "sha256": a.sha256} for a in files],
                events=[{"id": e.id, "at": e.at, "action": e.action,
                         "actor": e.actor.name if e.actor else "", "details": e.details,
                         "changes": e.changes, "reason": e.reason} for e in evts]))
        return out
