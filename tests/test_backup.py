"""Backup and restore of an SQLite desk: online copies, a restore that keeps the old file,
the daily automatic backup, the ``desk db backup``/``restore`` commands, and PostgreSQL
told to use its own tools."""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from desk.admin import backup
from desk.admin.demo import ensure_people
from desk.bootstrap import open_database
from desk.cli.main import main
from desk.db import Database
from desk.errors import DatabaseError, DeskError
from desk.process.reporting import FaultReport, report_fault
from models import FaultType


def _report(db: Database, who: int, text: str = "打印机无法连接") -> str:
    return report_fault(db, FaultReport(fault_type=FaultType.HARDWARE, affected_business="办公",
                                        phenomenon=text), who).number


def _count(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT count(*) FROM tickets").fetchone()[0])
    finally:
        conn.close()


def _integrity(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        conn.close()


@pytest.fixture
def desk_file(tmp_path: Path, make_db: Callable[[str], Database]) -> tuple[Path, Database, int]:
    path = tmp_path / "desk.sqlite3"
    db = make_db(f"sqlite:///{path}")
    who = ensure_people(db)["IT001"]
    for i in range(3):
        _report(db, who, f"故障 {i}")
    return path, db, who


def test_backup_is_a_sound_copy_while_another_desk_writes(
        desk_file: tuple[Path, Database, int], tmp_path: Path) -> None:
    path, db, who = desk_file
    stop = threading.Event()
    written: list[str] = []
    errors: list[BaseException] = []

    def writer() -> None:
        try:
            while not stop.is_set() and len(written) < 200:
                written.append(_report(db, who))
        except BaseException as exc:  # noqa: BLE001 - handed to the test thread
            errors.append(exc)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while len(written) < 3:
            stop.wait(0.01)
        copies = [backup.backup(db, tmp_path / f"copy{i}.sqlite3") for i in range(3)]
    finally:
        stop.set()
        thread.join()
    assert not errors
    counts = [_count(c) for c in copies]
    assert all(_integrity(c) == "ok" for c in copies)
    assert counts == sorted(counts)
    assert 3 < counts[0] <= counts[-1] <= 3 + len(written)
    assert backup.verify_desk_database(copies[-1])
    # a copy is a standalone file: no WAL left behind
    assert not Path(str(copies[-1]) + "-wal").exists()


def test_backup_refuses_postgresql_with_a_pg_dump_example() -> None:
    with pytest.raises(DeskError) as err:
        backup.backup("postgresql://desk@dbserver/deskdb", "/tmp/never.sqlite3")
    assert "pg_dump" in err.value.en and "pg_dump" in err.value.zh
    assert "deskdb" in err.value.en
    with pytest.raises(DeskError, match="pg_restore"):
        backup.restore("postgresql://desk@dbserver/deskdb", "/tmp/never.dump")


def test_restore_keeps_the_current_file_then_puts_the_backup_in(
        desk_file: tuple[Path, Database, int], tmp_path: Path) -> None:
    path, db, who = desk_file
    saved = backup.backup(db, tmp_path / "saved.sqlite3")
    later = _report(db, who, "备份之后的故障")
    db.dispose()
    kept = backup.restore(f"sqlite:///{path}", saved, now=datetime(2026, 11, 27, 10, 5, 0))
    assert kept == tmp_path / "desk.sqlite3.before-restore-20261127-100500"
    assert _count(path) == 3
    assert _count(kept) == 4
    # the restored file opens and works; the later fault is only in the kept copy
    db2 = open_database(f"sqlite:///{path}")
    try:
        from desk.errors import NotFoundError
        from desk.read.tickets import get_ticket

        with pytest.raises(NotFoundError):
            get_ticket(db2, later)
        _report(db2, who)
    finally:
        db2.dispose()
    assert _count(path) == 4


def _future_desk(source: Path, target: Path) -> Path:
    conn = sqlite3.connect(target)
    sqlite3.connect(source).backup(conn)
    conn.execute("UPDATE alembic_version SET version_num = 'ffff_from_the_future'")
    conn.commit()
    conn.close()
    return target


def _plain_sqlite(target: Path) -> Path:
    conn = sqlite3.connect(target)
    conn.execute("CREATE TABLE notes (x TEXT)")
    conn.commit()
    conn.close()
    return target


@pytest.mark.parametrize("kind", ["random", "text", "plain_sqlite", "future", "truncated",
                                  "missing"])
def test_restore_refuses_what_is_not_a_desk_database(
        desk_file: tuple[Path, Database, int], tmp_path: Path, kind: str) -> None:
    path, db, _ = desk_file
    db.dispose()
    bad = tmp_path / f"bad-{kind}.sqlite3"
    if kind == "random":
        bad.write_bytes(os.urandom(8192))
    elif kind == "text":
        bad.write_text("这不是数据库\n", encoding="utf-8")
    elif kind == "plain_sqlite":
        _plain_sqlite(bad)
    elif kind == "future":
        _future_desk(path, bad)
    elif kind == "truncated":
        good = backup.backup(f"sqlite:///{path}", tmp_path / "good.sqlite3")
        data = good.read_bytes()
        bad.write_bytes(data[: len(data) // 2])
    before = path.read_bytes()
    with pytest.raises(DatabaseError) as err:
        backup.restore(f"sqlite:///{path}", bad)
    assert str(bad) in err.value.en and str(bad) in err.value.zh
    assert path.read_bytes() == before
    assert not list(tmp_path.glob("*.before-restore-*"))
    assert not list(tmp_path.glob("*.restoring"))


def test_auto_backup_once_a_day_keeping_the_newest(
        desk_file: tuple[Path, Database, int], tmp_path: Path) -> None:
    path, db, _ = desk_file
    url = f"sqlite:///{path}"
    folder = tmp_path / "backups"
    start = datetime(2026, 11, 1, 9, 0).astimezone()
    made = []
    for day in range(10):
        first = backup.auto_backup(url, folder, keep=7, now=start + timedelta(days=day))
        again = backup.auto_backup(url, folder, keep=7,
                                   now=start + timedelta(days=day, hours=5))
        assert first is not None and again is None
        made.append(first.name)
    names = sorted(p.name for p in folder.iterdir())
    assert names == made[-7:]
    assert names[0] == "desk-20261104.sqlite3" and names[-1] == "desk-20261110.sqlite3"
    assert all(_integrity(folder / n) == "ok" for n in names)
    assert backup.auto_backup("postgresql://x@h/y", folder) is None


def test_open_database_makes_the_daily_backup(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'desk.sqlite3'}"
    folder = tmp_path / "backups"
    for _ in range(2):
        open_database(url, auto_backup_dir=folder).dispose()
    files = list(folder.iterdir())
    assert len(files) == 1 and files[0].name.startswith("desk-")
    assert backup.verify_desk_database(files[0])


def test_cli_backup_and_restore(desk_file: tuple[Path, Database, int], tmp_path: Path,
                                capsys: pytest.CaptureFixture[str]) -> None:
    path, db, who = desk_file
    url = f"sqlite:///{path}"
    target = tmp_path / "out" / "copy.sqlite3"
    assert main(["--db", url, "db", "backup", str(target)]) == 0
    assert _count(target) == 3
    _report(db, who)
    db.dispose()
    assert main(["--lang", "en", "--db", url, "db", "restore", str(target)]) == 0
    out = capsys.readouterr().out
    assert "before-restore" in out
    assert _count(path) == 3
    junk = tmp_path / "junk.sqlite3"
    junk.write_text("not a database", encoding="utf-8")
    assert main(["--lang", "en", "--db", url, "db", "restore", str(junk)]) == 1
    err = capsys.readouterr().err
    assert "not a Desk database" in err and "Traceback" not in err
    assert main(["--lang", "en", "--db", "postgresql://u@h/d", "db", "backup", "x"]) == 1
    assert "pg_dump" in capsys.readouterr().err
