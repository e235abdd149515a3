"""Many desks reporting faults at once: throughput, latency per report, duplicate numbers.

Each process is one desk: it opens its own ``Database`` (as the window does), waits at
a barrier for the others and then files its faults through ``desk.process.reporting.report_fault``
(validation, number, SLA deadlines, ticket, audit event, notification, commit).

    .venv/bin/python bench/bench_concurrency.py                  # PostgreSQL, 16 x 500
    .venv/bin/python bench/bench_concurrency.py --sqlite         # and an SQLite file
    .venv/bin/python bench/bench_concurrency.py --processes 4 --reports 200
    .venv/bin/python bench/bench_concurrency.py --floor --repeat 3 --reports 300

``--floor`` also runs the same transactions as bare SQL through psycopg, alternating
with Desk's runs: what this machine can do at all, so that a figure on a busy 2-core
machine is read against the floor. ``--repeat N`` prints medians.

PostgreSQL: a scratch database is created through ``--pg`` (an administrator's URL,
default ``$DESK_BENCH_PG`` or postgresql://postgres@127.0.0.1:5432/postgres) and
dropped afterwards. Targets: p99 under 50 ms, at least 1,000 reports/s in all.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DEFAULT_PG = os.environ.get("DESK_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/postgres")


@dataclass
class DeskResult:
    numbers: list[str] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    started: float = 0.0
    finished: float = 0.0
    cpu: float = 0.0  # this desk's process CPU over its reports (s)
    server_cpu: float | None = None  # its server backend's, when the server runs here


def backend_cpu(pid: int | None) -> float | None:
    """CPU seconds of a server backend on this machine (None when it is elsewhere)."""
    if pid is None:
        return None
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def _desk_backend(db: Any) -> int | None:
    """The pid of the backend the desk's next unit of work will use (its pool holds one)."""
    from sqlalchemy import text

    if db.backend != "postgresql":
        return None
    with db.engine.connect() as conn:
        return int(conn.execute(text("SELECT pg_backend_pid()")).scalar_one())


def desk(url: str, count: int, worker: int, barrier: Any, results: Any, notify: bool) -> None:
    """One desk: its own Database, the barrier, then ``count`` reports, each timed."""
    from desk.bootstrap import open_database
    from desk.notify import live
    from desk.process.reporting import FaultReport, report_fault
    from models import FaultType

    if not notify:
        # measures what the in-transaction pg_notify costs: PostgreSQL serialises the
        # commits of transactions that notify, to keep notices in commit order
        live.notify = lambda session, ticket_id: None

    types = [FaultType.SYSTEM, FaultType.APPLICATION, FaultType.NETWORK, FaultType.DATA]
    out = DeskResult()
    db = None
    try:
        db = open_database(url, upgrade=False)
        backend = _desk_backend(db)
        barrier.wait(timeout=300)
        out.started = time.time()
        cpu0, server0 = time.process_time(), backend_cpu(backend)
        for i in range(count):
            report = FaultReport(
                fault_type=types[(worker + i) % len(types)],
                affected_business="销售订单系统 – 下单",
                phenomenon=f"第 {worker} 号工作站的第 {i} 次报障：提交订单后页面显示错误 500。",
                reporter_name="孙丽",
                reporter_employee_no="SALES005",
            )
            t0 = time.perf_counter()
            try:
                out.numbers.append(str(report_fault(db, report, None).number))
            except Exception as exc:
                out.errors.append(f"{type(exc).__name__}: {exc}")
                continue
            out.latencies.append(time.perf_counter() - t0)
        out.finished = time.time()
        out.cpu = time.process_time() - cpu0
        server1 = backend_cpu(backend)
        out.server_cpu = None if server0 is None or server1 is None else server1 - server0
    except Exception as exc:
        barrier.abort()
        out.errors.append(f"{type(exc).__name__}: {exc}")
    finally:
        if db is not None:
            db.dispose()
        results.put(out)


def raw_desk(url: str, count: int, worker: int, barrier: Any, results: Any,
             notify: bool) -> None:
    """The floor: one report as bare SQL through psycopg, without Desk or SQLAlchemy.

    The same transaction a report writes (counter upsert, ticket, event, ``pg_notify``,
    COMMIT) on the same schema, so the difference to ``desk`` is what Desk costs.
    """
    import json
    from datetime import UTC, datetime

    import psycopg

    from desk.rules.numbering import format_number
    from models import FaultType

    types = [FaultType.SYSTEM, FaultType.APPLICATION, FaultType.NETWORK, FaultType.DATA]
    out = DeskResult()
    try:
        with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as conn:
            # every column the ticket must have, with an empty value of its type
            required = dict(conn.execute(
                "SELECT column_name, data_type FROM information_schema.columns WHERE "
                "table_name = 'tickets' AND is_nullable = 'NO' AND column_default IS NULL"
            ).fetchall())
            conn.commit()
            ticket_sql = (f"INSERT INTO tickets ({', '.join(required)}) VALUES "
                          f"({', '.join(f'%({c})s' for c in required)}) RETURNING id")
            blank = {"integer": 0, "boolean": False}
            empty: dict[str, Any] = {c: blank.get(t, "") for c, t in required.items()}
            backend = int(conn.execute("SELECT pg_backend_pid()").fetchone()[0])  # type: ignore[index]
            conn.commit()
            barrier.wait(timeout=300)
            out.started = time.time()
            cpu0, server0 = time.process_time(), backend_cpu(backend)
            for i in range(count):
                t0 = time.perf_counter()
                now = datetime.now(UTC)
                kind = types[(worker + i) % len(types)]
                seq = conn.execute(
                    "INSERT INTO number_counters (fault_type, day, last_seq) VALUES (%s, %s, 1) "
                    "ON CONFLICT (fault_type, day) DO UPDATE SET last_seq = "
                    "number_counters.last_seq + 1 RETURNING last_seq",
                    (kind.value, now.date())).fetchone()
                number = format_number(kind, now.date(), int(seq[0]) if seq else 0)
                ticket_id = conn.execute(ticket_sql, {
                    **empty, "number": number, "fault_type": kind.value, "level": 3,
                    "status": "reported", "version": 1, "occurred_at": now,
                    "reported_at": now, "reporter_name": "孙丽",
                    "affected_business": "销售订单系统 – 下单",
                    "phenomenon": f"第 {worker} 号工作站的第 {i} 次报障。",
                }).fetchone()
                tid = ticket_id[0] if ticket_id else None
                conn.execute(
                    "INSERT INTO events (ticket_id, at, action, changes, details, reason) "
                    "VALUES (%s, %s, 'report', %s, '{}', '')",
                    (tid, now, json.dumps({"number": {"before": None, "after": number}})))
                if notify:
                    conn.execute("SELECT pg_notify('desk_tickets', %s)",
                                 (json.dumps({"id": tid, "version": 1}),))
                conn.commit()
                out.numbers.append(number)
                out.latencies.append(time.perf_counter() - t0)
            out.finished = time.time()
            out.cpu = time.process_time() - cpu0
            server1 = backend_cpu(backend)
            out.server_cpu = None if server0 is None or server1 is None else server1 - server0
    except Exception as exc:
        barrier.abort()
        out.errors.append(f"{type(exc).__name__}: {exc}")
    finally:
        results.put(out)


def run(url: str | list[str], processes: int, each: int, notify: bool,
        target: Any = desk) -> list[DeskResult]:
    urls = [url] if isinstance(url, str) else url
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(processes)
    results = ctx.Queue()
    procs = [ctx.Process(target=target,
                         args=(urls[n % len(urls)], each, n, barrier, results, notify))
             for n in range(processes)]
    for p in procs:
        p.start()
    collected = [results.get(timeout=1800) for _ in procs]
    for p in procs:
        p.join()
    return collected


def gaps(numbers: list[str]) -> int:
    """How many numbers are missing from the (type, day) sequences 1..max."""
    seqs: dict[tuple[str, str], set[int]] = defaultdict(set)
    for n in numbers:
        kind, day, seq = n.rsplit("-", 2)
        seqs[(kind, day)].add(int(seq))
    return sum(max(s) - len(s) for s in seqs.values())


def database_duplicates(url: str) -> tuple[int, int]:
    """(tickets stored, numbers stored more than once), counted by the database."""
    from sqlalchemy import func, select

    from desk.db import Database
    from models import Ticket

    db = Database.connect(url)
    try:
        with db.read() as session:
            total = int(session.scalar(select(func.count(Ticket.id))) or 0)
            dupes = session.execute(
                select(Ticket.number).group_by(Ticket.number).having(func.count() > 1)
            ).all()
        return total, len(dupes)
    finally:
        db.dispose()


def people_logins(url: str, processes: int) -> list[str]:
    """``desk db init`` and one reporter login per desk: the URLs the desks connect with,
    so that every report goes through the checks of the database (migration 0009)."""
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    from desk.admin import pg_setup
    from desk.bootstrap import open_database

    pg_setup.init_database(url, open_db=open_database, admin_no="ADMIN", admin_name="管理员",
                           say=lambda _line: None)
    db = open_database(url, upgrade=False)
    try:
        with db.engine.begin() as conn:
            for n in range(processes):
                conn.execute(text("SELECT desk_save_person(NULL, :no, :name, '', '', '', "
                                  "ARRAY['reporter'], true, false, NULL)"),
                             {"no": f"BENCH{n:02d}", "name": f"工作站 {n}"})
            logins = [str(r[0]) for r in conn.execute(text(
                "SELECT db_login FROM people WHERE employee_no LIKE 'BENCH%' ORDER BY 1"))]
    finally:
        db.dispose()
    base = make_url(url)
    return [base.set(username=login).render_as_string(hide_password=False) for login in logins]


def drop_roles_of(admin: str, name: str) -> None:
    import psycopg

    with psycopg.connect(admin, autocommit=True) as conn:
        for (role,) in conn.execute(
                "SELECT rolname FROM pg_roles WHERE rolname LIKE %s OR rolname LIKE %s",
                (f"{name}\\_%", f"desk\\_{name}%")).fetchall():
            conn.execute(f'DROP ROLE IF EXISTS "{role}"')


def report(label: str, url: str, processes: int, each: int, notify: bool = True,
           floor: bool = False, as_people: bool = False) -> float:
    """Run once and print the figures; return the throughput (reports/s)."""
    from desk.bootstrap import open_database

    open_database(url).dispose()  # migrate once, before the desks start
    extra = "" if notify else ", without pg_notify"
    if floor:
        extra += ", floor: bare SQL through psycopg"
    urls: str | list[str] = url
    if as_people and not floor:
        urls = people_logins(url, processes)
        extra += ", each desk its own login (the database checks every write)"
    print(f"\n== {label}: {processes} processes x {each} reports{extra} ==", flush=True)
    load_before = os.getloadavg()[0]
    results = run(urls, processes, each, notify, raw_desk if floor else desk)
    numbers = [n for r in results for n in r.numbers]
    latencies = sorted(x for r in results for x in r.latencies)
    errors = [e for r in results for e in r.errors]
    started = min(r.started for r in results if r.started)
    finished = max(r.finished for r in results if r.finished)
    wall = finished - started
    dupes_seen = sum(c - 1 for c in Counter(numbers).values() if c > 1)
    stored, dupes_stored = database_duplicates(url)
    q = statistics.quantiles(latencies, n=100, method="inclusive") if len(latencies) > 1 else [0.0] * 99
    print(f"tickets          {len(numbers)} reported, {stored} stored, {len(errors)} errors")
    print(f"wall time        {wall:.2f} s (load average {load_before:.1f} before, "
          f"{os.getloadavg()[0]:.1f} after)")
    print(f"throughput       {len(numbers) / wall:.0f} reports/s in all "
          f"({len(numbers) / wall / processes:.0f}/s per desk)")
    print(f"latency          p50 {q[49] * 1000:.1f} ms   p90 {q[89] * 1000:.1f} ms   "
          f"p99 {q[98] * 1000:.1f} ms   max {latencies[-1] * 1000:.1f} ms")
    if numbers:
        client_ms = sum(r.cpu for r in results) / len(numbers) * 1000
        servers = [r.server_cpu for r in results]
        server = (f", its server backend {sum(servers) / len(numbers) * 1000:.2f} ms"  # type: ignore[arg-type]
                  if all(x is not None for x in servers) else "")
        print(f"cpu per report   desk process {client_ms:.2f} ms{server} (the cores are shared: "
              "the desks and the server compete for them here)")
    print(f"duplicates       {dupes_seen} among returned numbers, {dupes_stored} in the database")
    print(f"gaps             {gaps(numbers)}")
    for e in errors[:5]:
        print(f"error            {e}")
    verdict_p99 = "met" if q[98] < 0.050 else "missed"
    verdict_rate = "met" if len(numbers) / wall >= 1000 else "missed"
    print(f"targets          p99 < 50 ms: {verdict_p99}; >= 1,000/s: {verdict_rate}")
    return len(numbers) / wall


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pg", default=DEFAULT_PG, metavar="ADMIN_URL",
                        help="PostgreSQL server to create the scratch database on")
    parser.add_argument("--no-pg", action="store_true", help="skip PostgreSQL")
    parser.add_argument("--as-people", action="store_true",
                        help="PostgreSQL: desk db init, and every desk connects as a login "
                        "of its own (the path a team uses) instead of as the owner")
    parser.add_argument("--sqlite", action="store_true", help="also run on an SQLite file")
    parser.add_argument("--without-notify", action="store_true",
                        help="also run PostgreSQL with live.notify switched off, for comparison")
    parser.add_argument("--floor", action="store_true",
                        help="also run the same transactions as bare SQL through psycopg "
                        "(what this machine can do at all), alternating with Desk's runs")
    parser.add_argument("--repeat", type=int, default=1, metavar="N",
                        help="run PostgreSQL N times and print the median (a shared machine "
                        "is noisy)")
    parser.add_argument("--processes", type=int, default=16)
    parser.add_argument("--reports", type=int, default=500, help="reports per process")
    args = parser.parse_args()
    print(f"machine          {os.cpu_count()} CPU cores, Python {sys.version.split()[0]}")
    if not args.no_pg:
        import psycopg

        admin = args.pg.replace("postgresql+psycopg://", "postgresql://")
        rates: dict[str, list[float]] = defaultdict(list)
        for _ in range(max(1, args.repeat)):
            for floor in (False, True) if args.floor else (False,):
                name = f"desk_bench_{uuid.uuid4().hex[:8]}"
                with psycopg.connect(admin, autocommit=True) as conn:
                    conn.execute(f'CREATE DATABASE "{name}"')
                try:
                    rates["floor" if floor else "desk"].append(report(
                        "PostgreSQL", f"{admin.rsplit('/', 1)[0]}/{name}", args.processes,
                        args.reports, floor=floor, as_people=args.as_people))
                finally:
                    with psycopg.connect(admin, autocommit=True) as conn:
                        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                    drop_roles_of(admin, name)
        if args.repeat > 1 or args.floor:
            desk_rate = statistics.median(rates["desk"])
            print(f"\nmedian           Desk {desk_rate:.0f} reports/s over {len(rates['desk'])} runs "
                  f"({', '.join(f'{r:.0f}' for r in rates['desk'])})")
            if args.floor:
                floor_rate = statistics.median(rates["floor"])
                print(f"floor            bare SQL {floor_rate:.0f} reports/s "
                      f"({', '.join(f'{r:.0f}' for r in rates['floor'])}); Desk reaches "
                      f"{desk_rate / floor_rate:.0%} of it")
        if args.without_notify:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{name}"')
            try:
                report("PostgreSQL", f"{admin.rsplit('/', 1)[0]}/{name}", args.processes,
                       args.reports, notify=False)
            finally:
                with psycopg.connect(admin, autocommit=True) as conn:
                    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    if args.sqlite:
        with tempfile.TemporaryDirectory() as folder:
            report("SQLite (WAL, synchronous=FULL)", f"sqlite:///{folder}/bench.sqlite3",
                   args.processes, args.reports)
    return 0


if __name__ == "__main__":
    sys.exit(main())
