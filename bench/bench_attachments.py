"""Benchmark: storing and reading back a big attachment on SQLite and PostgreSQL.

For each database it prints the import throughput (MB/s), the peak Python memory
(tracemalloc) and the growth of the process's peak RSS while a file is stored, then
the read-back throughput and the time to read the first 2 MB (what the log viewer
does). Without ``--db`` it makes a temporary SQLite file and, when the server on
127.0.0.1:5432 answers, a temporary PostgreSQL database (dropped afterwards).

    .venv/bin/python bench/bench_attachments.py                # 200 MB, both backends
    .venv/bin/python bench/bench_attachments.py --size-mb 50 --db sqlite:////tmp/x.db
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import tempfile
import time
import tracemalloc
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from desk.admin import team
from desk.admin.demo import ensure_people
from desk.bootstrap import open_database  # noqa: E402
from desk.db import Database  # noqa: E402
from desk.process import attachments
from desk.process.reporting import FaultReport, report_fault
from models import FaultType  # noqa: E402

PG_ADMIN = os.environ.get("DESK_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
MB = 1024 * 1024


def _peak_rss() -> int | None:
    """The process's peak resident memory (VmHWM) in bytes, on Linux."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def _reset_peak_rss() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")  # Linux: VmHWM := current RSS
        return True
    except OSError:
        return False


def _rss() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


@contextmanager
def _pg_database() -> Iterator[str | None]:
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN, connect_timeout=3, autocommit=True) as conn:
            name = f"desk_bench_{uuid.uuid4().hex[:10]}"
            conn.execute(f'CREATE DATABASE "{name}"')
    except Exception as exc:  # any failure: no server here
        print(f"(PostgreSQL skipped: {str(exc).strip().splitlines()[0] if str(exc) else exc})")
        yield None
        return
    try:
        yield PG_ADMIN.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _make_file(folder: Path, size_mb: int) -> tuple[Path, str]:
    path = folder / f"bench-{size_mb}mb.bin"
    digest = hashlib.sha256()
    with path.open("wb") as fh:
        for _ in range(size_mb):
            block = os.urandom(MB)
            digest.update(block)
            fh.write(block)
    return path, digest.hexdigest()


def _ticket(db: Database, reporter: int) -> int:
    report = FaultReport(FaultType.SYSTEM, "bench", "attachment benchmark", reporter_name="bench")
    return report_fault(db, report, reporter).id


def run(url: str, path: Path, expected: str) -> None:
    db = open_database(url)
    try:
        people = ensure_people(db)
        size = path.stat().st_size
        db.write(lambda s: team.put(s, "attachments.max_bytes", size + MB))
        actor = people["DEV002"]

        # 1. timed, with the peak RSS watched
        ticket = _ticket(db, people["SALES005"])
        rss_before = _rss()
        measured = _reset_peak_rss()
        started = time.perf_counter()
        view = attachments.add_attachment(db, ticket, actor, path)
        elapsed = time.perf_counter() - started
        peak_rss = _peak_rss() if measured else None
        assert view.sha256 == expected, "stored SHA-256 differs"

        # 2. the same again on another fault with tracemalloc (slower, so not timed)
        ticket2 = _ticket(db, people["SALES005"])
        tracemalloc.start()
        attachments.add_attachment(db, ticket2, actor, path)
        _cur, traced_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()

        # 3. reading back, chunk by chunk, and the viewer's first 2 MB
        started = time.perf_counter()
        digest = hashlib.sha256()
        for chunk in attachments.iter_chunks(db, view.id):
            digest.update(chunk)
        read_elapsed = time.perf_counter() - started
        assert digest.hexdigest() == expected, "read-back SHA-256 differs"
        started = time.perf_counter()
        head = attachments.read_range(db, view.id, 0, 2 * MB)
        head_ms = (time.perf_counter() - started) * 1000
        assert len(head) == 2 * MB

        with tempfile.TemporaryDirectory() as out:
            started = time.perf_counter()
            attachments.save_copy(db, view.id, out)
            save_elapsed = time.perf_counter() - started

        mb = size / MB
        print(f"{db.backend:<11} store {mb:.0f} MB: {elapsed:6.2f} s = {mb / elapsed:6.1f} MB/s"
              f" | peak Python memory {traced_peak / MB:5.1f} MB"
              + (f" | peak RSS growth {(peak_rss - rss_before) / MB:5.1f} MB"
                 if peak_rss is not None else ""))
        print(f"{'':<11} read back: {mb / read_elapsed:6.1f} MB/s | first 2 MB: "
              f"{head_ms:5.1f} ms | save copy: {mb / save_elapsed:6.1f} MB/s")
    finally:
        db.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", action="append", metavar="URL",
                        help="database URL (repeatable); default: temporary SQLite + PostgreSQL")
    parser.add_argument("--size-mb", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="desk-bench-") as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        path, expected = _make_file(folder, args.size_mb)
        print(f"file: {args.size_mb} MB of random bytes, written in "
              f"{time.perf_counter() - started:.1f} s; CPU cores: {os.cpu_count()}")
        if args.db:
            for url in args.db:
                run(url, path, expected)
            return 0
        run(f"sqlite:///{folder}/bench.sqlite3", path, expected)
        with _pg_database() as pg:
            if pg is not None:
                run(pg, path, expected)
    return 0


if __name__ == "__main__":
    sys.exit(main())
