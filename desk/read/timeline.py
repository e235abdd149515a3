"""A ticket's timeline: its audit events, oldest first, as plain dicts."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from desk.db import Database
from desk.read.tickets import load_ticket
from models import Event


def events(db: Database, ticket_key: str | int) -> list[dict[str, Any]]:
    """A ticket's timeline: its events, oldest first, as plain dicts."""
    with db.read() as session:
        ticket = load_ticket(session, ticket_key)
        rows = session.scalars(
            select(Event).where(Event.ticket_id == ticket.id).order_by(Event.id)
        ).all()
        return [
            {
                "id": e.id, "at": e.at, "action": e.action,
                "actor": e.actor.name if e.actor else "", "actor_no":
                e.actor.employee_no if e.actor else "", "changes": e.changes,
                "details": e.details, "reason": e.reason,
            }
            for e in rows
        ]
