"""How long the dashboard takes over a million tickets, on SQLite and PostgreSQL.

    .venv/bin/python -m bench.bench_stats [N] [--sqlite-only | --pg-only] [--with-indexes]

Generates N tickets (default 1,000,000; ``bench.generate``) into a temporary SQLite
file and a temporary PostgreSQL database (both removed afterwards), then times
``desk.read.stats.compute`` for a year and for a month (best and median of three runs),
each part of it (the grouped scan, the 90th percentiles, the businesses, the weekly
trend), and the floor: a bare ``SELECT count(*)`` over the same table. Target: the
whole dashboard under 2 s at a million tickets.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from bench.generate import generate_tickets

PG_ADMIN = os.environ.get("DESK_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)  # Friday 10:00 in Beijing
PERIODS = {"year": (date(2025, 12, 1), date(2026, 12, 1)),
           "month": (date(2026, 11, 1), date(2026, 12, 1))}
RUNS = 3
# Indexes that would let the dashboard read only an index in the period's order (not in
# the schema: measured here with --with-indexes to show what a migration would bring)
CANDIDATE_INDEXES = [
    "CREATE INDEX bench_ix_dashboard ON tickets (reported_at, level, fault_type, status, "
    "responded_at, respond_due_at, workaround_at, restored_at, restore_due_at, resolved_at, "
    "verification_rounds, verification_passed)",
    "CREATE INDEX bench_ix_business ON tickets (reported_at, affected_business, level)",
]


def _timed(fn: Callable[[], Any], runs: int = RUNS) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        fn()
        times.append(time.perf_counter() - began)
    return min(times), statistics.median(times)


def measure(url: str, label: str, n: int, with_indexes: bool = False) -> None:
    from desk.bootstrap import open_database

    began = time.perf_counter()
    generate_tickets(url, n)
    print(f"{label}: generated {n:,} tickets in {time.perf_counter() - began:.1f} s")
    db = open_database(url, clock=lambda: NOW)
    try:
        _measure(db)
        if with_indexes:
            began = time.perf_counter()
            with db.engine.begin() as conn:
                for statement in CANDIDATE_INDEXES:
                    conn.exec_driver_sql(statement)
                conn.exec_driver_sql("ANALYZE")
            print(f"  with the candidate indexes (built in {time.perf_counter() - began:.1f} s):")
            _measure(db)
    finally:
        db.dispose()


def _measure(db: Any) -> None:
    from sqlalchemy import text

    from desk.read import stats

    with db.read() as session:
        floor = _timed(lambda: session.execute(
            text("SELECT count(*) FROM tickets")).scalar_one())
    print(f"  floor  SELECT count(*) FROM tickets: best {floor[0]:.3f} s, "
          f"median {floor[1]:.3f} s")
    for name, (start, end) in PERIODS.items():
        board = stats.compute(db, start, end)
        best, median = _timed(lambda s=start, e=end: stats.compute(db, s, e))
        flag = "ok" if best < 2.0 else "OVER 2 s"
        print(f"  {name:5s} {start}..{end}: {board.total:,} tickets, dashboard best "
              f"{best:.3f} s, median {median:.3f} s  [{flag}]")
        _parts(db, start, end)


def _parts(db: Any, start: date, end: date) -> None:
    """Each query of the dashboard alone, and the count of the period's tickets."""
    from sqlalchemy import func, select

    from desk.read import settings, stats
    from models import Ticket

    with db.read() as session:
        tz = settings.timezone(session)
        lo, hi = stats.utc_bounds(start, end, tz)
        floor = _timed(lambda: session.execute(select(func.count()).where(
            Ticket.reported_at >= lo, Ticket.reported_at < hi)).scalar_one())
        counts = stats.sample_counts(stats._grouped(session, db.backend, lo, hi, NOW))

        def p90() -> object:
            if db.backend == "postgresql":
                return stats._p90_pg(session, lo, hi)
            return stats._p90_sqlite(session, lo, hi, counts)

        parts = {
            "grouped scan": lambda: stats._grouped(session, db.backend, lo, hi, NOW),
            "p90": p90,
            "businesses": lambda: stats._businesses(session, lo, hi, 10),
            "weekly": lambda: stats._weekly(session, db.backend, start, end, tz, lo, hi),
        }
        print(f"        count(*) in the period: {floor[0]:.3f} s;  parts: "
              + ", ".join(f"{k} {_timed(f, 1)[0]:.3f} s" for k, f in parts.items()))


def _pg_database() -> tuple[str, Callable[[], None]]:
    import psycopg

    admin = PG_ADMIN.replace("postgresql+psycopg://", "postgresql://")
    name = f"desk_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return f"{admin.rsplit('/', 1)[0]}/{name}", drop


def main(argv: list[str]) -> int:
    n = next((int(a.replace("_", "").replace(",", "")) for a in argv if a[0].isdigit()),
             1_000_000)
    if "--pg-only" not in argv:
        with tempfile.TemporaryDirectory() as folder:
            measure(f"sqlite:///{Path(folder) / 'bench.sqlite3'}", "SQLite", n,
                    "--with-indexes" in argv)
    if "--sqlite-only" not in argv:
        url, drop = _pg_database()
        try:
            measure(url, "PostgreSQL", n, "--with-indexes" in argv)
        finally:
            drop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
