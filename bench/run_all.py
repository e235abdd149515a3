"""Every scale figure of Desk in one command: a table on stdout, JSON in bench/results/.

    .venv/bin/python bench/run_all.py                      # 10k, 100k, 1M on SQLite and PostgreSQL
    .venv/bin/python bench/run_all.py --sizes 10000,100000 --backends sqlite
    .venv/bin/python bench/run_all.py --quick              # a small smoke run (SQLite, 2,000)

Data comes from ``bench.generate.generate_tickets`` (realistic tickets, bulk-loaded)
into ``bench/results/data/`` (SQLite files) or ``desk_bench_<n>`` databases on the
PostgreSQL server (``DESK_BENCH_PG``, default the test server); a data set of the right
size is reused on the next run. Each row is measured next to its floor:

* queue first page / filter / sort by a column: ``desk.read.queue.list_tickets`` +
  ``count_tickets`` vs the same SQL run raw through the same engine (median of the
  repeats);
* free-text search, as the queue runs it (the count stopping at 10,000 and the first
  page), for terms of one, two and three characters, common, rare and absent
  (``SEARCHES``; a --quick run has the first only) vs the statements the service sent,
  replayed raw; target < 200 ms;
* open a ticket with 50 events and 10 attachments: ``get_ticket`` + ``timeline.events``
  + ``attachments.list_attachments`` vs three raw SELECTs; target < 100 ms;
* the monthly service report (运维服务报告), both periods and every table:
  ``desk.read.service_report.compute`` vs the statements it sent, replayed raw one after
  the other; target < 5 s;
* report a fault, p99: ``report_fault`` vs a raw INSERT of a ticket and its event in one
  transaction; target < 20 ms SQLite, < 50 ms PostgreSQL;
* cold start to a usable window with the first queue page: a ``python -c`` that builds
  ``ui.main_window.MainWindow`` offscreen and processes events until the table has rows,
  vs a bare PySide6 window with a 200-row ``QTableView``; target < 2× (largest size);
* peak memory with the queue open: the RSS high-water mark of that child; target
  < 400 MB (largest size), floor the bare window's.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

RESULTS = ROOT / "bench" / "results"
PG_ADMIN = os.environ.get("DESK_BENCH_PG", os.environ.get(
    "DESK_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres"))
OPEN_STATES = ("reported", "triage", "dispatched", "diagnosing", "solution_proposed",
               "implementing", "verifying")
MARK = "基准测试 – 打开故障"  # the business of the ticket with 50 events and 10 attachments


@dataclass
class Row:
    backend: str
    size: int
    name: str
    value_ms: float
    floor_ms: float | None
    unit: str = "ms"
    target: str = ""
    ok: bool | None = None

    @property
    def ratio(self) -> float | None:
        if self.floor_ms in (None, 0):
            return None
        return self.value_ms / self.floor_ms  # type: ignore[operator]


# -- data sets --------------------------------------------------------------------------


def _generate(url: str, n: int) -> None:
    try:
        from bench.generate import generate_tickets
    except ImportError:  # pragma: no cover - the generator ships with Desk's bench
        raise SystemExit("bench/generate.py is missing") from None
    generate_tickets(url, n, seed=1)


def _count(url: str) -> int | None:
    from sqlalchemy import create_engine, text

    from models.database import normalise_url

    engine = create_engine(normalise_url(url))
    try:
        with engine.connect() as conn:
            return int(conn.execute(text("SELECT count(*) FROM tickets")).scalar_one())
    except Exception:  # noqa: BLE001 - no table yet: generate
        return None
    finally:
        engine.dispose()


def _fits(have: int | None, n: int) -> bool:
    # each run reports a few dozen faults into the data set; that is still "size n"
    return have is not None and n <= have <= n + max(2_000, n // 100)


def sqlite_dataset(folder: Path, n: int) -> str:
    path = folder / f"desk-{n}.sqlite3"
    url = f"sqlite:///{path}"
    if not _fits(_count(url) if path.exists() else None, n):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        folder.mkdir(parents=True, exist_ok=True)
        _generate(url, n)
    return url


def pg_dataset(n: int) -> str:
    import psycopg

    admin = PG_ADMIN.replace("postgresql+psycopg://", "postgresql://")
    # DESK_BENCH_DB_PREFIX: a branch that changes the schema measures on its own copies
    name = f"{os.environ.get('DESK_BENCH_DB_PREFIX', 'desk_bench_')}{n}"
    url = f"{admin.rsplit('/', 1)[0]}/{name}"
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if exists and not _fits(_count(url), n):
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
            _generate(url, n)
    return url


def pg_reachable() -> str | None:
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN.replace("postgresql+psycopg://", "postgresql://"),
                             connect_timeout=3):
            return None
    except Exception as exc:  # noqa: BLE001 - any failure means "not here"
        return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


# -- timing -------------------------------------------------------------------------------


def times_ms(fn: Callable[[], Any], repeat: int) -> list[float]:
    """Milliseconds of each of ``repeat`` calls of ``fn``, after a warm one."""
    fn()  # warm: the first call pays for connecting and the page cache
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def _median(fn: Callable[[], Any], repeat: int) -> float:
    return statistics.median(times_ms(fn, repeat))


def _p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.99 * (len(ordered) - 1))))]


# -- the measurements -------------------------------------------------------------------


def _queue_rows(db: Any, backend: str, size: int, repeat: int) -> list[Row]:
    from sqlalchemy import text

    from desk.read.queue import TicketQuery, count_tickets, list_tickets
    from models import FaultLevel, Status

    open_list = ", ".join(f"'{s}'" for s in OPEN_STATES)
    columns = ("t.id, t.number, t.level, t.status, t.fault_type, t.affected_business, "
               "t.reporter_name, p.name, t.reported_at, t.respond_due_at, t.restore_due_at, "
               "t.responded_at, t.workaround_at, t.restored_at, t.version")
    cases: list[tuple[str, TicketQuery, str, str, dict[str, Any]]] = [
        ("queue first page", TicketQuery(), "", "t.reported_at DESC, t.id DESC", {}),
        ("filter: open, level 1-2",
         TicketQuery(statuses=tuple(Status(s) for s in OPEN_STATES),
                     levels=(FaultLevel(1), FaultLevel(2))),
         f"WHERE t.status IN ({open_list}) AND t.level IN (1, 2)",
         "t.reported_at DESC, t.id DESC", {}),
        ("sort by business", TicketQuery(sort="affected_business", descending=False), "",
         "t.affected_business ASC, t.id ASC", {}),
    ]
    rows = []
    for name, query, where, order, params in cases:
        def service(q: TicketQuery = query) -> None:
            count_tickets(db, q)
            list_tickets(db, q, 0, 200)

        page_sql = text(f"SELECT {columns} FROM tickets t LEFT OUTER JOIN people p "
                        f"ON p.id = t.assignee_id {where} ORDER BY {order} LIMIT 200")
        count_sql = text(f"SELECT count(*) FROM tickets t {where}")

        def floor(page: Any = page_sql, count: Any = count_sql,
                  p: dict[str, Any] = params) -> None:
            with db.engine.connect() as conn:
                conn.execute(count, p).scalar_one()
                conn.execute(page, p).all()

        rows.append(Row(db.backend, size, name, _median(service, repeat),
                        _median(floor, repeat)))
    return rows


# the queue's searches, each term with what it is in the generated data (1M tickets): the
# first is the "free-text search" row, the only one of a --quick run
SEARCHES = [
    ("报表", "2 chars, 30 %"), ("考勤", "2 chars, 1 %"), ("基准", "2 chars, rare"),
    ("火山", "2 chars, none"), ("网", "1 char, 19 %"), ("犬", "1 char, none"),
    ("资源系", "3 chars, 1 %"), ("导出的", "3 chars, 17 %"),
]


def _search_rows(db: Any, size: int, repeat: int, searches: list[tuple[str, str]]) -> list[Row]:
    """A search as the queue runs it: the count stopping at 10,000 and the first page.

    The floor replays the SQL the service sent (its index probe included) raw through
    the same engine.
    """
    from desk.read.queue import TicketQuery, count_tickets, list_tickets

    rows = []
    for n, (term, what) in enumerate(searches):
        query = TicketQuery(text=term)

        def service(q: TicketQuery = query) -> None:
            count_tickets(db, q, at_most=10_000)
            list_tickets(db, q, 0, 200)

        sent = _sent(db, service)

        def floor(statements: list[tuple[str, Any]] = sent) -> None:
            with db.engine.connect() as conn:
                for statement, parameters in statements:
                    result = conn.exec_driver_sql(statement, parameters)
                    if result.returns_rows:
                        result.all()

        value = _median(service, repeat)
        rows.append(Row(db.backend, size, "free-text search" if n == 0 else
                        f"free-text search {term} ({what})", value, _median(floor, repeat),
                        target="< 200 ms", ok=value < 200))
    return rows


def _sent(db: Any, fn: Callable[[], Any]) -> list[tuple[str, Any]]:
    """The statements and parameters ``fn`` sends through ``db``'s engine (without the
    transaction's own BEGIN and COMMIT)."""
    from sqlalchemy import event

    sent: list[tuple[str, Any]] = []

    def record(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any,
               executemany: bool) -> None:
        if statement.split(None, 1)[0].upper() not in ("BEGIN", "COMMIT", "ROLLBACK"):
            sent.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        fn()
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    return sent


def _prepare_open_ticket(db: Any) -> int:
    """The ticket with 50 events and 10 attachments (made once per data set)."""
    import io

    from sqlalchemy import func, select

    from desk.admin.demo import ensure_people
    from desk.process import audit
    from desk.process.attachments import add_attachment
    from desk.process.reporting import FaultReport, report_fault
    from models import Event, FaultType, Ticket

    ids = ensure_people(db)
    with db.read() as s:
        found = s.scalar(select(Ticket.id).where(Ticket.affected_business == MARK).limit(1))
    if found is not None:
        return int(found)
    tid = report_fault(db, FaultReport(fault_type=FaultType.SYSTEM, affected_business=MARK,
                                       phenomenon="用于测量打开故障的耗时。"), ids["IT001"]).id
    for i in range(10):
        add_attachment(db, tid, ids["IT001"], io.BytesIO(os.urandom(20_000)),
                       name=f"log-{i}.bin")

    def top_up(session: Any) -> None:
        have = session.scalar(select(func.count(Event.id)).where(Event.ticket_id == tid))
        for i in range(50 - int(have or 0)):
            audit.record(session, at=db.now(), action="edit", ticket_id=tid,
                         actor_id=ids["IT001"],
                         changes={"impact_scope": {"before": str(i), "after": str(i + 1)}})

    db.write(top_up)
    return tid


def _open_row(db: Any, size: int, repeat: int) -> Row:
    from sqlalchemy import text

    from desk.process import attachments
    from desk.read import timeline
    from desk.read.tickets import get_ticket

    tid = _prepare_open_ticket(db)

    def service() -> None:
        get_ticket(db, tid)
        assert len(timeline.events(db, tid)) >= 50
        assert len(attachments.list_attachments(db, tid)) == 10

    def floor() -> None:
        with db.engine.connect() as conn:
            conn.execute(text("SELECT * FROM tickets WHERE id = :i"), {"i": tid}).one()
            conn.execute(text("SELECT * FROM events WHERE ticket_id = :i ORDER BY id"),
                         {"i": tid}).all()
            conn.execute(text("SELECT * FROM attachments WHERE ticket_id = :i AND removed_at "
                              "IS NULL ORDER BY id"), {"i": tid}).all()

    value = _median(service, repeat)
    return Row(db.backend, size, "open ticket (50 events, 10 files)", value,
               _median(floor, repeat), target="< 100 ms", ok=value < 100)


def _service_report_rows(db: Any, size: int, repeat: int) -> list[Row]:
    """The monthly service report (运维服务报告) of the data's last month, as
    ``desk stats report --month`` computes it (this period and the one before, every
    table), vs the statements it sent replayed raw one after the other; target < 5 s."""
    from desk.read import service_report

    period = service_report.month("2026-11")  # the generated data ends on 2026-12-01

    def service() -> None:
        service_report.compute(db, period)

    sent = _sent(db, service)

    def floor(statements: list[tuple[str, Any]] = sent) -> None:
        with db.engine.connect() as conn:
            for statement, parameters in statements:
                result = conn.exec_driver_sql(statement, parameters)
                if result.returns_rows:
                    result.all()

    value = _median(service, repeat)
    return [Row(db.backend, size, "service report, one month", value, _median(floor, repeat),
                target="< 5000 ms", ok=value < 5000)]


def _report_rows(db: Any, size: int, count: int) -> list[Row]:
    from sqlalchemy import text

    from desk.admin.demo import ensure_people
    from desk.process.reporting import FaultReport, report_fault
    from models import FaultType

    who = ensure_people(db)["SALES005"]

    def service() -> None:
        report_fault(db, FaultReport(fault_type=FaultType.NETWORK, affected_business="基准测试",
                                     phenomenon="报告故障的耗时。"), who)

    serial = [0]

    def floor() -> None:
        serial[0] += 1
        now = datetime.now(UTC)
        with db.engine.begin() as conn:
            tid = conn.execute(text(
                "INSERT INTO tickets (number, version, status, fault_type, level, occurred_at, "
                "reporter_name, reporter_employee_no, reporter_contact, affected_business, "
                "impact_scope, business_interrupted, reported_at, phenomenon, "
                "reproduce_steps, first_contact, confirmed_details, first_investigation, "
                "cooperation_required, start_notice_due, root_cause, underlying_cause, "
                "impact_assessment, reproduce_conditions, evidence_list, "
                "analysis_report_required, temporary_solution, long_term_solution, "
                "verification_environment, verification_checked, verification_remarks, "
                "verification_rounds, summary, prevention_measures, completion_notice_sent_to, "
                "cancel_reason, respond_due_estimated, restore_due_estimated) VALUES "
                "(:n, 1, 'reported', 'NET', 3, :t, '基准', '', '', '基准测试', '', false, :t, "
                "'raw', '', '', '', '', '', false, '', '', '', '', '', false, '', '', '', '', "
                "'', 0, '', '', '', '', false, false) RETURNING id"),
                {"n": f"RAW-{os.getpid()}-{time.time_ns()}-{serial[0]}", "t": now}).scalar_one()
            conn.execute(text("INSERT INTO events (ticket_id, at, action, changes, details, "
                              "reason) VALUES (:i, :t, 'report', '{}', '{}', '')"),
                         {"i": tid, "t": now})

    values = times_ms(service, count)
    try:
        floor_values: list[float] | None = times_ms(floor, count)
    except Exception as exc:  # noqa: BLE001 - the schema moved on; report without a floor
        print(f"  (raw insert floor skipped: {str(exc).splitlines()[0][:100]})",
              file=sys.stderr)
        floor_values = None
    limit = 20 if db.backend == "sqlite" else 50
    value = _p99(values)
    return [
        Row(db.backend, size, "report a fault (p99)", value,
            _p99(floor_values) if floor_values else None, target=f"< {limit} ms",
            ok=value < limit),
        Row(db.backend, size, "report a fault (median)", statistics.median(values),
            statistics.median(floor_values) if floor_values else None),
    ]


WINDOW_CHILD = r"""
import os, resource, sys, time
sys.path.insert(0, {root!r})
os.environ["QT_QPA_PLATFORM"] = "offscreen"
# in the order the desk command imports them: the services (desk.cli), then Qt (ui.app)
from desk.process import people
from desk.bootstrap import open_database
from desk.read.settings import timezone
from PySide6.QtWidgets import QApplication
from ui.main_window import MainWindow
app = QApplication([])
db = open_database({url!r})
with db.read() as s:
    tz = timezone(s)
person = people.get_person(db, people.person_id(db, "IT001"))
w = MainWindow(db, tz, "bench", person)
w.show()
while w.table.model().rowCount() == 0:
    app.processEvents()
app.processEvents()
print("ready", w.table.model().rowCount(),
      resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, flush=True)
os._exit(0)
"""

BARE_CHILD = r"""
import os, resource
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QApplication, QMainWindow, QTableView
app = QApplication([])
model = QStandardItemModel(200, 9)
for r in range(200):
    for c in range(9):
        model.setItem(r, c, QStandardItem(f"{{r}}-{{c}} 故障"))
w = QMainWindow()
view = QTableView()
view.setModel(model)
w.setCentralWidget(view)
w.show()
app.processEvents()
print("ready", model.rowCount(), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
      flush=True)
os._exit(0)
"""


def _child(code: str) -> tuple[float, float]:
    """(seconds until the child printed "ready", its peak RSS in MB)."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=env, timeout=600, cwd=ROOT)
    elapsed = time.perf_counter() - t0
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("ready")), None)
    if line is None:
        raise RuntimeError(f"window child failed: {proc.stderr.strip()[-600:]}")
    _, _rows, rss_kb = line.split()
    return elapsed, int(rss_kb) / 1024


def _window_rows(url: str, backend: str, size: int, runs: int) -> list[Row]:
    # An installed Desk starts from compiled bytecode (pip compiles it at install); so
    # does this checkout here, or with PYTHONDONTWRITEBYTECODE set every cold start
    # would compile Desk's sources first. The bare window's PySide6 is compiled too.
    import compileall

    for package in ("desk", "models", "reports", "resources", "ui"):
        compileall.compile_dir(ROOT / package, quiet=1)
    window = [_child(WINDOW_CHILD.format(root=str(ROOT), url=url)) for _ in range(runs)]
    bare = [_child(BARE_CHILD.format()) for _ in range(runs)]
    start = statistics.median(t for t, _ in window) * 1000
    start_floor = statistics.median(t for t, _ in bare) * 1000
    rss = max(m for _, m in window)
    rss_floor = max(m for _, m in bare)
    return [
        Row(backend, size, "cold start to first queue page", start, start_floor,
            target="< 2x bare window", ok=start < 2 * start_floor),
        Row(backend, size, "peak memory, queue open", rss, rss_floor, unit="MB",
            target="< 400 MB", ok=rss < 400),
    ]


def _gui_rows(url: str, backend: str, size: int, repeat: int) -> list[Row]:
    """The longest GUI-thread stall while the window's queue searches, filters, sorts
    and pages (``bench/bench_queue_gui.py``, in a child process: Qt stays out of here)."""
    proc = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "bench_queue_gui.py"), url, "--json",
         "--repeat", str(repeat)],
        capture_output=True, text=True, timeout=1800, cwd=ROOT,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    if proc.returncode != 0:
        raise RuntimeError(f"queue GUI child failed: {proc.stderr.strip()[-600:]}")
    results = json.loads(proc.stdout.strip().splitlines()[-1])
    worst = max(results.items(), key=lambda item: item[1]["stall_ms"])
    return [Row(backend, size, f"GUI stall, queue operations (worst: {worst[0]})",
                worst[1]["stall_ms"], None, target="< 50 ms", ok=worst[1]["stall_ms"] < 50)]


# -- the run ------------------------------------------------------------------------------


GROUPS = ("queue", "search", "open", "service-report", "report", "window")


def run(sizes: list[int], backends: list[str], repeat: int, reports: int, window_runs: int,
        data_dir: Path, searches: list[tuple[str, str]] = SEARCHES,
        only: tuple[str, ...] = GROUPS) -> list[Row]:
    from desk.bootstrap import open_database

    rows: list[Row] = []
    for backend in backends:
        for size in sizes:
            print(f"[{backend} {size:,}] preparing data…", file=sys.stderr, flush=True)
            url = sqlite_dataset(data_dir, size) if backend == "sqlite" else pg_dataset(size)
            db = open_database(url)
            try:
                print(f"[{backend} {size:,}] measuring…", file=sys.stderr, flush=True)
                if "queue" in only:
                    rows += _queue_rows(db, db.backend, size, repeat)
                if "search" in only:
                    rows += _search_rows(db, size, repeat, searches)
                if "open" in only:
                    rows.append(_open_row(db, size, repeat))
                if "service-report" in only:
                    rows += _service_report_rows(db, size, max(3, repeat // 5))
                if "report" in only:
                    rows += _report_rows(db, size, reports)
            finally:
                db.dispose()
            if size == max(sizes) and window_runs and "window" in only:
                rows += _window_rows(url, "postgresql" if backend == "pg" else backend, size,
                                     window_runs)
                rows += _gui_rows(url, "postgresql" if backend == "pg" else backend, size,
                                  max(1, repeat // 5))
    return rows


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "MB":
        return f"{value:.0f} MB"
    return f"{value:.1f} ms" if value < 1000 else f"{value / 1000:.2f} s"


def table(rows: list[Row]) -> str:
    head = ("backend", "tickets", "measure", "Desk", "floor", "×floor", "target", "")
    lines = [[*head]]
    for r in rows:
        ratio = r.ratio
        lines.append([
            r.backend, f"{r.size:,}", r.name, _fmt(r.value_ms, r.unit), _fmt(r.floor_ms, r.unit),
            f"{ratio:.1f}" if ratio is not None else "—", r.target,
            "" if r.ok is None else ("ok" if r.ok else "MISSED"),
        ])
    widths = [max(_width(line[i]) for line in lines) for i in range(len(head))]
    out = []
    for n, line in enumerate(lines):
        out.append("  ".join(cell + " " * (widths[i] - _width(cell))
                             for i, cell in enumerate(line)).rstrip())
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def _width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Run all Desk scale benchmarks.")
    p.add_argument("--sizes", default="10000,100000,1000000",
                   help="ticket counts, comma-separated (default 10000,100000,1000000)")
    p.add_argument("--backends", default="sqlite,pg", help="sqlite, pg or both")
    p.add_argument("--quick", action="store_true",
                   help="a small smoke run: 2,000 tickets, SQLite, few repeats")
    p.add_argument("--repeat", type=int, default=15, help="repeats per query (median)")
    p.add_argument("--reports", type=int, default=200, help="faults reported for the p99")
    p.add_argument("--window-runs", type=int, default=3, help="cold starts per window")
    p.add_argument("--out", type=Path, default=RESULTS / "latest.json")
    p.add_argument("--only", default=",".join(GROUPS),
                   help=f"the groups of rows to measure, comma-separated (default all: "
                   f"{', '.join(GROUPS)})")
    args = p.parse_args(argv)
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    repeat, reports, window_runs = args.repeat, args.reports, args.window_runs
    tmp: tempfile.TemporaryDirectory[str] | None = None
    data_dir = RESULTS / "data"
    if args.quick:
        sizes, backends, repeat, reports, window_runs = [2000], ["sqlite"], 3, 30, 1
        tmp = tempfile.TemporaryDirectory(prefix="desk-bench-")
        data_dir = Path(tmp.name)
    if "pg" in backends:
        problem = pg_reachable()
        if problem:
            print(f"PostgreSQL not reachable ({problem}): SQLite only", file=sys.stderr)
            backends = [b for b in backends if b != "pg"]
    os.environ.setdefault("DESK_HOME", str(data_dir / "home"))
    try:
        started = time.perf_counter()
        only = tuple(g.strip() for g in args.only.split(",") if g.strip())
        unknown = set(only) - set(GROUPS)
        if unknown:
            p.error(f"unknown --only group(s): {', '.join(sorted(unknown))}")
        rows = run(sizes, backends, repeat, reports, window_runs, data_dir,
                   SEARCHES[:1] if args.quick else SEARCHES, only)
        print(table(rows))
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps({
            "when": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": {"python": platform.python_version(), "platform": platform.platform(),
                        "cpus": os.cpu_count()},
            "options": {"sizes": sizes, "backends": backends, "repeat": repeat,
                        "reports": reports, "window_runs": window_runs, "quick": args.quick},
            "seconds": round(time.perf_counter() - started, 1),
            "rows": [dict(asdict(r), ratio=r.ratio) for r in rows],
        }, ensure_ascii=False, indent=2), encoding="utf-8")
        print(f"\nwritten: {args.out}")
    finally:
        if tmp is not None:
            tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
