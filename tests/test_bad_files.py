"""Database files that cannot be used as they are: not a database, cut short, read-only,
full, newer than this Desk, or on a network share.

Each gives a ``DatabaseError`` with a Chinese and an English message that says what to do
(choose another file, or ``desk db restore``), never a traceback, and the file's bytes
are unchanged afterwards. Tests run as root, for whom ``chmod 0444`` does not stop a
write (and the interpreter is not reachable for an unprivileged user), so the read-only
path is exercised through SQLite's own read-only URI (``?mode=ro&uri=true``).
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from desk.admin.demo import ensure_people
from desk.bootstrap import open_database, storage_warning
from desk.cli.main import main
from desk.db import Database
from desk.errors import DatabaseError, SchemaTooNewError, set_language
from desk.process import people
from desk.process.reporting import FaultReport, report_fault
from desk.read import queue as tickets
from desk.read.queue import TicketQuery
from models import FaultType


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _assert_way_forward(err: DatabaseError) -> None:
    assert "desk db restore" in err.zh and "desk db restore" in err.en
    assert "Traceback" not in err.en
    assert any("\u4e00" <= ch <= "\u9fff" for ch in err.zh)


@pytest.fixture
def real_desk(tmp_path: Path) -> Path:
    """A real Desk database with people and two faults, checkpointed into one file."""
    path = tmp_path / "real.sqlite3"
    db = open_database(f"sqlite:///{path}")
    try:
        who = ensure_people(db)["IT001"]
        for text in ("网络中断", "打印机卡纸"):
            report_fault(db, FaultReport(fault_type=FaultType.NETWORK, affected_business="办公",
                                         phenomenon=text), who)
    finally:
        db.dispose()
    assert not Path(f"{path}-wal").exists()
    return path


def _random(tmp: Path, _real: Path) -> Path:
    p = tmp / "random.sqlite3"
    p.write_bytes(os.urandom(20_000))
    return p


def _text(tmp: Path, _real: Path) -> Path:
    p = tmp / "notes.sqlite3"
    p.write_text("会议记录：周五上午十点\nminutes of the meeting\n", encoding="utf-8")
    return p


def _truncated(tmp: Path, real: Path) -> Path:
    p = tmp / "half.sqlite3"
    data = real.read_bytes()
    p.write_bytes(data[: len(data) // 2])
    return p


def _header_only(tmp: Path, real: Path) -> Path:
    p = tmp / "header.sqlite3"
    p.write_bytes(real.read_bytes()[:60])
    return p


BROKEN: dict[str, Callable[[Path, Path], Path]] = {
    "random bytes": _random, "text file": _text, "cut in half": _truncated,
    "only a header": _header_only,
}


@pytest.mark.parametrize("kind", list(BROKEN))
@pytest.mark.parametrize("upgrade", [True, False])
def test_a_file_that_is_not_a_whole_database_is_refused_untouched(
        tmp_path: Path, real_desk: Path, kind: str, upgrade: bool) -> None:
    path = BROKEN[kind](tmp_path, real_desk)
    before = _digest(path)
    with pytest.raises(DatabaseError) as err:
        open_database(f"sqlite:///{path}", upgrade=upgrade).dispose()
    _assert_way_forward(err.value)
    assert str(path) in err.value.en
    assert _digest(path) == before
    assert not Path(f"{path}-wal").exists() or Path(f"{path}-wal").stat().st_size == 0


@pytest.mark.parametrize("kind", ["random bytes", "text file"])
def test_services_on_a_file_damaged_after_opening_say_so(tmp_path: Path, real_desk: Path,
                                                         kind: str) -> None:
    """A desk that connected without ``open_database``'s check still gets a clear error."""
    path = BROKEN[kind](tmp_path, real_desk)
    before = _digest(path)
    db = Database.connect(f"sqlite:///{path}")
    try:
        with pytest.raises(DatabaseError) as err:
            tickets.count_tickets(db, TicketQuery())
        _assert_way_forward(err.value)
    finally:
        db.dispose()
    assert _digest(path) == before


def test_cli_on_a_broken_file_prints_a_message_not_a_traceback(
        tmp_path: Path, real_desk: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _truncated(tmp_path, real_desk)
    before = _digest(path)
    assert main(["--lang", "en", "--db", f"sqlite:///{path}", "list"]) == 1
    err = capsys.readouterr().err
    assert "incomplete" in err and "desk db restore" in err and "Traceback" not in err
    assert main(["--db", f"sqlite:///{path}", "list"]) == 1
    assert "不完整" in capsys.readouterr().err
    assert _digest(path) == before
    set_language("zh_CN")


def test_a_read_only_database_opens_for_reading_and_refuses_writes(real_desk: Path) -> None:
    before = _digest(real_desk)
    db = open_database(f"sqlite:///file:{real_desk}?mode=ro&uri=true")
    try:
        assert tickets.count_tickets(db, TicketQuery()) == 2
        who = people.person_id(db, "IT001")
        with pytest.raises(DatabaseError) as err:
            report_fault(db, FaultReport(fault_type=FaultType.DATA, affected_business="财务",
                                         phenomenon="报表为空"), who)
        assert "read-only" in err.value.en and "只读" in err.value.zh
        assert tickets.count_tickets(db, TicketQuery()) == 2
    finally:
        db.dispose()
    assert _digest(real_desk) == before
    assert not Path("file:").exists()  # the URI is not mistaken for a folder name


def test_a_read_only_database_that_needs_an_upgrade_says_read_only(tmp_path: Path) -> None:
    from alembic import command

    from models import schema
    from models.database import make_engine

    old = tmp_path / "old.sqlite3"
    engine = make_engine(f"sqlite:///{old}")
    cfg = schema.alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
    engine.dispose()
    before = _digest(old)
    with pytest.raises(DatabaseError) as err:
        open_database(f"sqlite:///file:{old}?mode=ro&uri=true").dispose()
    assert "read-only" in err.value.en
    assert _digest(old) == before


def test_a_full_database_refuses_the_save_and_keeps_everything(real_desk: Path) -> None:
    db = open_database(f"sqlite:///{real_desk}")

    @event.listens_for(db.engine, "connect")
    def _cap(dbapi_connection: Any, _record: Any) -> None:
        pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")

    db.engine.dispose()  # new connections get the cap: the "disk" is now full
    try:
        who = ensure_people(db)["IT001"]
        with pytest.raises(DatabaseError) as err:
            report_fault(db, FaultReport(fault_type=FaultType.DATA, affected_business="财务",
                                         phenomenon="很长的日志" * 4000), who)
        assert "disk is full" in err.value.en and "磁盘已满" in err.value.zh
        assert tickets.count_tickets(db, TicketQuery()) == 2
    finally:
        db.dispose()
    conn = sqlite3.connect(real_desk)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT count(*) FROM events").fetchone()[0] >= 2
    conn.close()


@pytest.mark.parametrize("upgrade", [True, False])
def test_a_database_from_a_newer_desk_is_refused_untouched(real_desk: Path,
                                                           upgrade: bool) -> None:
    conn = sqlite3.connect(real_desk)
    conn.execute("UPDATE alembic_version SET version_num = '0099_from_the_future'")
    conn.commit()
    conn.close()
    before = _digest(real_desk)
    with pytest.raises(SchemaTooNewError) as err:
        open_database(f"sqlite:///{real_desk}", upgrade=upgrade).dispose()
    assert "0099_from_the_future" in err.value.en
    _assert_way_forward(err.value)
    assert _digest(real_desk) == before


def test_a_folder_is_not_a_database(tmp_path: Path) -> None:
    with pytest.raises(DatabaseError, match="folder|文件夹"):
        open_database(f"sqlite:///{tmp_path}")


MOUNTS = """\
/dev/sda1 / ext4 rw,relatime 0 0
proc /proc proc rw 0 0
fileserver:/export/home /home nfs4 rw,vers=4.2 0 0
//nas/team /mnt/team cifs rw,vers=3.0 0 0
//nas/alt /mnt/alt smb3 rw 0 0
me@host:/srv /mnt/ssh fuse.sshfs rw 0 0
hostshare /mnt/vm 9p rw,trans=virtio 0 0
/dev/sdb1 /home/local ext4 rw 0 0
tmpfs /mnt/team/cache tmpfs rw 0 0
//nas/with\\040space /mnt/my\\040share cifs rw 0 0
"""


@pytest.mark.parametrize(("path", "fstype"), [
    ("/home/liu/desk.sqlite3", "nfs4"),
    ("/mnt/team/desk.sqlite3", "cifs"),
    ("/mnt/alt/desk.sqlite3", "smb3"),
    ("/mnt/ssh/d/desk.sqlite3", "fuse.sshfs"),
    ("/mnt/vm/desk.sqlite3", "9p"),
    ("/mnt/my share/desk.sqlite3", "cifs"),
    ("/home/local/desk.sqlite3", None),      # a local disk mounted inside the share
    ("/mnt/team/cache/desk.sqlite3", None),  # the longest mount point wins
    ("/mnt/teamwork/desk.sqlite3", None),    # a prefix of a name is not the folder
    ("/var/lib/desk.sqlite3", None),
])
def test_storage_warning_names_network_file_systems(path: str, fstype: str | None) -> None:
    set_language("en")
    try:
        warning = storage_warning(path, mounts=MOUNTS)
    finally:
        set_language("zh_CN")
    if fstype is None:
        assert warning is None
    else:
        assert warning is not None
        assert f"({fstype})" in warning and "PostgreSQL" in warning and path in warning


def test_storage_warning_for_a_windows_share_and_in_chinese() -> None:
    warning = storage_warning(r"\\fileserver\it\desk.sqlite3", mounts="")
    assert warning is not None and "网络共享" in warning
    assert storage_warning("/tmp/desk.sqlite3", mounts="") is None


def test_storage_warning_reads_the_real_mount_table(tmp_path: Path) -> None:
    # the test folder is on a local disk here; the call must work without a fake table
    assert storage_warning(tmp_path / "desk.sqlite3") is None
