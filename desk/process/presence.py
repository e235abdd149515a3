"""Who else has a ticket open: the presence heartbeat ("李总 正在查看 / 正在编辑").

Every desk (one running window, named by a ``desk_id`` it makes up at start) keeps at
most one row in ``presence``: the ticket it shows, the person at it, whether that
person is editing, and when the desk last said so. The window repeats its heartbeat
every few seconds and at once when it switches ticket; a row not refreshed for
``STALE_AFTER`` counts as gone (a desk that crashed or lost its network leaves no
ghost behind for long). ``leave`` removes the desk's row when the window closes.

Each call is one unit of work. Presence is a courtesy, not a lock: nothing here
refuses a change, the version check in the workflow does that.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Final

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from desk.db import Database
from desk.errors import NotFoundError
from models import Person, Presence, Ticket

STALE_AFTER: Final = timedelta(seconds=30)
MAX_DESK_ID = 64


def _check_desk_id(desk_id: str) -> None:
    if not desk_id or len(desk_id) > MAX_DESK_ID:
        raise ValueError(f"desk_id must be 1..{MAX_DESK_ID} characters: {desk_id!r}")


def heartbeat(
    db: Database, desk_id: str, person_id: int, ticket_id: int | None, editing: bool
) -> None:
    """Record that ``person_id`` at ``desk_id`` is on ``ticket_id`` now (None: on none).

    Upserts the desk's row for the ticket and removes the desk's rows for any other
    ticket, so a desk is never shown on two tickets at once.
    """
    _check_desk_id(desk_id)

    def work(session: Session) -> None:
        now = db.now()
        others = delete(Presence).where(Presence.desk_id == desk_id)
        if ticket_id is not None:
            others = others.where(Presence.ticket_id != ticket_id)
        session.execute(others)
        if ticket_id is None:
            return
        if session.get(Person, person_id) is None:
            raise NotFoundError(
                f"没有此人员（编号 {person_id}）。", f"No such person ({person_id})."
            )
        if session.get(Ticket, ticket_id) is None:
            raise NotFoundError(
                f"没有此故障（编号 {ticket_id}）。", f"No such ticket ({ticket_id})."
            )
        row = session.get(Presence, (desk_id, ticket_id))
        if row is None:
            session.add(
                Presence(
                    desk_id=desk_id,
                    ticket_id=ticket_id,
                    person_id=person_id,
                    editing=editing,
                    seen_at=now,
                )
            )
        else:
            row.person_id = person_id
            row.editing = editing
            row.seen_at = now

    db.write(work)


def others_on(
    db: Database, ticket_id: int, desk_id: str, now: datetime | None = None
) -> list[tuple[str, bool]]:
    """(name, editing) of the people at other desks seen on the ticket within 30 s.

    Sorted with the editors first, then by name; one entry per person (a person at two
    desks is editing if either desk says so).
    """
    moment = now if now is not None else db.now()
    with db.read() as session:
        rows = session.execute(
            select(Person.id, Person.name, Presence.editing)
            .join(Person, Person.id == Presence.person_id)
            .where(
                Presence.ticket_id == ticket_id,
                Presence.desk_id != desk_id,
                Presence.seen_at >= moment - STALE_AFTER,
            )
        ).all()
    people: dict[int, tuple[str, bool]] = {}
    for pid, name, editing in rows:
        known = people.get(pid)
        people[pid] = (name, bool(editing) or (known is not None and known[1]))
    return sorted(people.values(), key=lambda p: (not p[1], p[0]))


def leave(db: Database, desk_id: str) -> None:
    """Forget the desk (its window closes)."""
    _check_desk_id(desk_id)
    db.write(lambda session: session.execute(delete(Presence).where(Presence.desk_id == desk_id)))
