"""Fault numbers: ``TYPE-YYYYMMDD-NNN``, allocated inside the creating transaction.

The counter row for (type, local day) is bumped with an upsert that returns the new
value. On PostgreSQL the row lock taken by ``ON CONFLICT DO UPDATE`` serialises desks
that report the same type on the same day; on SQLite the write transaction already
holds the database lock (``BEGIN IMMEDIATE``). Either way the counter and the ticket
commit or roll back together, so numbers are never duplicated and never skipped, and a
unique constraint on ``tickets.number`` guards the rule in the database itself.

The counter row stays locked until the transaction ends, so every other desk reporting
the same type on the same day waits for this commit: call ``allocate_number`` as late
as possible in the unit of work (after the reads and computations, right before the
ticket is inserted) to keep that wait short (see ``bench/bench_concurrency.py``).
On PostgreSQL ``desk.process.reporting`` does not call it: ``desk_report`` (migration
0015) runs the same upsert inside the server, formatting the number with
``desk_number``, which a test compares with ``desk.rules.numbering``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import Table, bindparam
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import ReturningInsert

from desk.rules.numbering import format_number
from models import FaultType, NumberCounter

if TYPE_CHECKING:
    from sqlalchemy.dialects import postgresql, sqlite


def allocate_number(session: Session, fault_type: FaultType, day: date) -> str:
    """Take the next number for ``fault_type`` on the local ``day`` in this transaction."""
    stmt = _upsert(session.get_bind().dialect.name)
    seq = session.execute(stmt, {"fault_type": fault_type.value, "day": day}).scalar_one()
    return format_number(fault_type, day, int(seq))


_UPSERTS: dict[str, ReturningInsert[Any]] = {}


def _upsert(dialect: str) -> ReturningInsert[Any]:
    """The counter upsert, built once per dialect (type and day bound at execution)."""
    cached = _UPSERTS.get(dialect)
    if cached is not None:
        return cached
    # only the running backend's dialect: PostgreSQL's alone is 50 ms of imports on SQLite
    insert: Callable[[Table], postgresql.Insert | sqlite.Insert]
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    table = cast(Table, NumberCounter.__table__)  # declared with a Table, typed as FromClause
    stmt = (
        insert(table)
        .values(fault_type=bindparam("fault_type", type_=table.c.fault_type.type),
                day=bindparam("day", type_=table.c.day.type), last_seq=1)
        .on_conflict_do_update(
            index_elements=[table.c.fault_type, table.c.day],
            set_={"last_seq": table.c.last_seq + 1},
        )
        .returning(table.c.last_seq)
    )
    _UPSERTS[dialect] = stmt
    return stmt
