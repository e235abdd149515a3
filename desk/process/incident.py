"""Major incidents (重大故障): a status update broadcast while a level-1 fault is open.

``broadcast`` is one unit of work: the update is an audit event on the fault (its
version goes up, so every desk's incident view reloads) and ``IncidentBroadcast`` lets the
outbox send it to the departments involved and the team (rule ``incident_update``) and to
the addresses chosen for it (e.g. a group mailbox).
"""

from __future__ import annotations

from collections.abc import Iterable

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
from desk.events import IncidentBroadcast, TicketChanged
from desk.process import audit
from desk.read.tickets import load_ticket
from models import FaultLevel, Person, Role

BROADCASTERS = frozenset({Role.SUPPORT_LEAD, Role.DIRECTOR})  # and the fault's team
MAX_MESSAGE = 2_000


def _address_ok(address: str) -> bool:
    local, _, domain = address.partition("@")
    return bool(local) and "." in domain and not any(c in address for c in " <>,;\"'")


def broadcast(db: Database, ticket_key: str | int, actor_id: int, message: str,
              addresses: Iterable[str] = ()) -> int:
    """Record and queue a status update of a level-1 fault; returns the event's id."""
    text = " ".join(str(message or "").split()) if "\n" not in str(message or "") \
        else str(message).strip()
    extra = tuple(dict.fromkeys(a.strip() for a in addresses if a.strip()))
    errors: dict[str, tuple[str, str]] = {}
    if not text:
        errors["message"] = ("请填写通报内容。", "Write the update to send.")
    elif len(text) > MAX_MESSAGE or "\x00" in text:
        errors["message"] = (f"通报内容过长（最多 {MAX_MESSAGE} 字）或含有无效字符。",
                             f"The update is too long (at most {MAX_MESSAGE}) or holds an "
                             "invalid character.")
    bad = [a for a in extra if not _address_ok(a)]
    if bad:
        errors["addresses"] = (f"邮件地址无效：{'、'.join(bad)}", f"Invalid address: {', '.join(bad)}")
    if errors:
        raise ValidationError(errors)

    def work(session: Session) -> int:
        actor = session.get(Person, actor_id)
        if actor is None or not actor.active:
            raise NotFoundError("当前人员不存在或已停用。", "The acting person does not exist.")
        ticket = load_ticket(session, ticket_key)
        on_team = any(m.person_id == actor.id for m in ticket.team)
        if not (actor.roles & BROADCASTERS) and not on_team:
            raise PermissionDeniedError(
                f"{actor.name} 不是此故障的处理人员，不能发布通报。",
                f"{actor.name} is not handling this fault and may not broadcast updates.")
        if ticket.level != FaultLevel.URGENT:
            raise InvalidTransitionError("只有一级（紧急）故障可以发布重大故障通报。",
                                         "Only a level 1 (urgent) fault has incident updates.")
        if ticket.status.is_closed:
            raise InvalidTransitionError(f"故障 {ticket.number} 已关闭。",
                                         f"Fault {ticket.number} is closed.")
        now = db.now()
        flag_modified(ticket, "status")  # the fault's version goes up: every view reloads
        session.flush()
        event = audit.record(session, at=now, action="broadcast", ticket_id=ticket.id,
                             actor_id=actor.id, details={"message": text,
                                                         "addresses": list(extra)})
        session.flush()
        events.record(session, IncidentBroadcast(ticket, actor, text, extra, now))
        events.record(session, TicketChanged(ticket.id))
        return event.id

    return db.write(work)
