"""Fill the printable documents from a ticket: plain data in, PDF bytes out."""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from sqlalchemy.orm import Session

from desk import settings, tickets
from desk.db import Database
from desk.timeutil import format_local
from models import Person, Ticket
from reports import start_notice

KINDS = ("start-notice",)


def _name(session: Session, pid: int | None) -> str:
    if pid is None:
        return ""
    person = session.get(Person, pid)
    return person.name if person else ""


def start_notice_data(db: Database, key: str | int) -> start_notice.StartNotice:
    with db.read() as session:
        t: Ticket = tickets._load(session, key)
        tz = settings.timezone(session)
        now = db.now().astimezone(tz)
        team = [
            start_notice.TeamLine(m.duty.label_zh, m.person.name, m.person.contact)
            for m in t.team
        ]
        recipients = sorted({m.person.department.name for m in t.team
                             if m.person.department is not None})
        est = "（估算）"
        return start_notice.StartNotice(
            organisation=str(settings.get(session, "organisation")),
            number=t.number,
            level=t.level.label_zh,
            fault_type=t.fault_type.label_zh,
            occurred_at=format_local(t.occurred_at, tz),
            reporter=f"{t.reporter_name} {t.reporter_employee_no}".strip(),
            affected_business=t.affected_business,
            impact_scope=t.impact_scope,
            phenomenon=t.phenomenon,
            respond_due=format_local(t.respond_due_at, tz)
            + (est if t.respond_due_estimated else ""),
            restore_due=format_local(t.restore_due_at, tz)
            + (est if t.restore_due_estimated else ""),
            expected_done=format_local(t.expected_done_at or t.restore_due_at, tz),
            cooperation_required=t.cooperation_required,
            issued_by=_name(session, t.level_decided_by_id),
            issued_on=format_local(t.dispatched_at, tz)[:10] if t.dispatched_at else "",
            generated_at=now,
            team=team,
            recipients=recipients,
        )


def render(db: Database, kind: str, key: str | int,
           out: str | Path | BinaryIO | None = None) -> bytes:
    """Build document ``kind`` for a ticket; write to ``out`` if given; return the bytes."""
    if kind == "start-notice":
        return start_notice.build(start_notice_data(db, key), out)
    raise ValueError(kind)
