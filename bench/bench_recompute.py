"""How long recomputing the deadlines of 100,000 open faults takes after a duty-hour or
calendar change, on SQLite and PostgreSQL.

    .venv/bin/python -m bench.bench_recompute [N] [--sqlite-only | --pg-only]

Generates N tickets (default 100,000; ``bench.generate``), opens every one of them
(diagnosing, no restore yet, a third with a past pause), then times the whole service
call an administrator makes (``desk.admin.team.set_duty_hours``: read the rules once,
compute both deadlines of every open fault, write those that moved, one audit event
naming them) twice, with two different duty hours, so that every deadline moves. Floors
beside it: the arithmetic alone (``desk.rules.sla.deadlines`` over the same rows, no
database) and reading the rows. The window runs the same call off the GUI thread with a
progress bar (``ui.recompute``).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.generate import generate_tickets

PG_ADMIN = os.environ.get("DESK_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)


def _open_everything(db: Any) -> tuple[int, int]:
    from sqlalchemy import text

    with db.engine.begin() as conn:
        conn.execute(text(
            "UPDATE tickets SET status = 'diagnosing', restored_at = NULL, workaround_at = NULL,"
            " resolved_at = NULL, archived_at = NULL, cancelled_at = NULL"))
        admin_id = conn.execute(text("SELECT min(id) FROM people")).scalar_one()
        ids = [r[0] for r in conn.execute(text("SELECT id, reported_at FROM tickets "
                                               "WHERE id % 3 = 0"))]
        rows = conn.execute(text("SELECT id, reported_at FROM tickets WHERE id % 3 = 0"))
        pauses = []
        for tid, reported in rows:
            if isinstance(reported, str):
                reported = datetime.fromisoformat(reported)
            if reported.tzinfo is None:
                reported = reported.replace(tzinfo=UTC)
            start = reported + timedelta(hours=1)
            pauses.append({"t": tid, "s": start, "e": start + timedelta(hours=3),
                           "p": admin_id})
        from models import TicketPause

        conn.execute(TicketPause.__table__.insert(), [
            {"ticket_id": p["t"], "started_at": p["s"], "ended_at": p["e"], "reason": "等待厂商",
             "started_by_id": p["p"], "ended_by_id": p["p"]} for p in pauses])
        count = conn.execute(text("SELECT count(*) FROM tickets")).scalar_one()
    return int(count), len(ids)


def _timed(fn: Callable[[], Any]) -> float:
    began = time.perf_counter()
    fn()
    return time.perf_counter() - began


def measure(url: str, label: str, n: int) -> dict[str, float]:
    from desk.admin import team
    from desk.admin.demo import ensure_people
    from desk.bootstrap import open_database

    began = time.perf_counter()
    generate_tickets(url, n)
    db = open_database(url, clock=lambda: NOW)
    try:
        admin = ensure_people(db)["ADMIN"]
        count, paused = _open_everything(db)
        print(f"{label}: {count:,} open faults ({paused:,} with a pause), generated in "
              f"{time.perf_counter() - began:.1f} s")
        out = _floors(db)
        progress: list[tuple[int, int]] = []
        first = _timed(lambda: team.set_setting(
            db, admin, "sla.duty_hours", ["09:00-12:00", "13:00-18:00"],
            progress=lambda d, t: progress.append((d, t))))
        second = _timed(lambda: team.set_duty_hours(db, admin, ["08:30-12:00", "13:30-17:30"]))
        out["service"] = min(first, second)
        print(f"  recompute after a duty-hour change: {first:.2f} s, again {second:.2f} s "
              f"({len(progress)} progress reports, last {progress[-1] if progress else None})")
        return out
    finally:
        db.dispose()


def _floors(db: Any) -> dict[str, float]:
    from sqlalchemy import select

    from desk.process.reporting import deadline_rules
    from desk.rules import sla
    from models import Ticket

    with db.read() as session:
        rules = deadline_rules(session)
        began = time.perf_counter()
        rows = session.execute(select(Ticket.id, Ticket.level, Ticket.reported_at)).all()
        read = time.perf_counter() - began
    began = time.perf_counter()
    for row in rows:
        sla.deadlines(row.reported_at, rules.limits[row.level], rules.calendar, rules.tz,
                      rules.duty)
    arithmetic = time.perf_counter() - began
    print(f"  floor: reading the rows {read:.2f} s; the arithmetic alone {arithmetic:.2f} s "
          f"({arithmetic / max(1, len(rows)) * 1e6:.0f} µs a fault, both clocks)")
    return {"read": read, "arithmetic": arithmetic}


def _pg_database() -> tuple[str, Callable[[], None]]:
    import psycopg

    admin = PG_ADMIN.replace("postgresql+psycopg://", "postgresql://")
    name = f"desk_bench_recompute_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    base = admin.rsplit("/", 1)[0]
    return f"{base.replace('postgresql://', 'postgresql+psycopg://')}/{name}", drop


def main(argv: list[str]) -> int:
    n = next((int(a) for a in argv if a.isdigit()), 100_000)
    if "--pg-only" not in argv:
        with tempfile.TemporaryDirectory() as folder:
            measure(f"sqlite:///{Path(folder) / 'bench.sqlite3'}", "SQLite", n)
    if "--sqlite-only" not in argv:
        url, drop = _pg_database()
        try:
            measure(url, "PostgreSQL", n)
        finally:
            drop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
