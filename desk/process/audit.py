"""The audit trail: every change appends one event; events are never changed.

The handling record and a ticket's timeline are read from these rows. Append-only is
enforced, not only promised: a flush that would update or delete an ``Event`` row
through the ORM raises ``AuditTrailError`` (a bug, never a user error), so the
transaction is rolled back and nothing is lost.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import event as sa_event
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapper, Session

from desk.rules.values import plain
from models import Event, Ticket


class AuditTrailError(RuntimeError):
    """Code tried to change or remove an event; the audit trail is append-only."""


def _refuse_change(_mapper: Mapper[Event], _connection: Connection, target: Event) -> None:
    raise AuditTrailError(f"event {target.id} is append-only; it cannot be changed or deleted")


# A mapper-level guard rather than a convention: any code path in any module that
# loads an event and modifies or deletes it fails at flush time.
if not sa_event.contains(Event, "before_update", _refuse_change):
    sa_event.listen(Event, "before_update", _refuse_change)
    sa_event.listen(Event, "before_delete", _refuse_change)


def changes_of(ticket: Ticket, values: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Set ``values`` on ``ticket``; return ``{field: {before, after}}`` for what changed."""
    changed: dict[str, dict[str, Any]] = {}
    for name, new in values.items():
        old = getattr(ticket, name)
        if old != new:
            changed[name] = {"before": plain(old), "after": plain(new)}
            setattr(ticket, name, new)
    return changed


def record(
    session: Session,
    *,
    at: datetime,
    action: str,
    ticket_id: int | None,
    actor_id: int | None,
    changes: dict[str, dict[str, Any]] | None = None,
    details: dict[str, Any] | None = None,
    reason: str = "",
) -> Event:
    event = Event(
        ticket_id=ticket_id,
        actor_id=actor_id,
        at=at,
        action=action,
        changes=changes or {},
        details=details or {},
        reason=reason,
    )
    session.add(event)
    return event


def initial_changes(ticket: Ticket, fields: Iterable[str]) -> dict[str, dict[str, Any]]:
    return {f: {"before": None, "after": plain(getattr(ticket, f))} for f in fields}
