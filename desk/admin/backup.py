"""Copies of a desk's SQLite file: backup, restore, the daily automatic backup, and the
checks that keep a damaged or badly placed file from being used as if it were sound.

``backup`` uses SQLite's online backup API, so it is safe while other desks write: the
copy is one consistent moment of the database, WAL contents included. A shared
PostgreSQL database is backed up with the server's own tools (``pg_dump``); Desk only
says how.

``restore`` first proves the source is a Desk database (``integrity_check`` ok, an
``alembic_version`` this Desk knows), keeps the current file as
``<name>.before-restore-<timestamp>``, then puts the copy in place. Nothing is ever
overwritten without a copy kept.

``check_sqlite_file`` is the cheap look at a file's header that ``open_database`` does
before SQLite touches it (not a database, cut short); ``storage_warning`` says when a
file sits on a network share, where SQLite's locking is not to be trusted.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import sqlite3
import struct
from contextlib import closing
from datetime import datetime
from pathlib import Path, PureWindowsPath

from sqlalchemy.engine import make_url

from desk.db import Database
from desk.errors import DatabaseError, DeskError

log = logging.getLogger(__name__)

SQLITE_MAGIC = b"SQLite format 3\x00"
AUTO_NAME = re.compile(r"^desk-(\d{8})\.sqlite3$")
NETWORK_FS = {
    "nfs", "nfs4", "cifs", "smb", "smb2", "smb3", "smbfs", "sshfs", "fuse.sshfs", "9p",
    "afs", "ncpfs", "coda", "davfs", "fuse.davfs2", "glusterfs", "fuse.glusterfs", "ceph",
    "fuse.ceph", "lustre", "gpfs", "fuse.rclone", "fuse.s3fs", "vboxsf", "virtiofs",
}

RESTORE_HINT_ZH = "请选择其他文件，或用 desk db restore 从备份恢复。"
RESTORE_HINT_EN = "Choose another file, or restore a backup with `desk db restore`."


# -- where the database is -----------------------------------------------------------


def sqlite_path(url: str) -> Path | None:
    """The file behind an SQLite URL (``file:`` URIs too); None for PostgreSQL/memory."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    database = parsed.database or ""
    if database.startswith("file:"):
        database = database[len("file:"):].split("?", 1)[0]
    if database in ("", ":memory:"):
        return None
    return Path(database)


def _url_of(db_or_url: Database | str) -> str:
    if isinstance(db_or_url, Database):
        return db_or_url.engine.url.render_as_string(hide_password=False)
    return db_or_url


def _pg_refusal(url: str, what: str) -> DeskError:
    safe = make_url(url).set(drivername="postgresql")
    name = safe.database or "desk"
    conn = safe.render_as_string(hide_password=True)
    if what == "backup":
        return DeskError(
            "共享 PostgreSQL 数据库请用服务器自带的工具备份，例如："
            f"pg_dump --format=custom --file={name}.dump \"{conn}\"",
            "Back up a shared PostgreSQL database with the server's own tools, e.g. "
            f"pg_dump --format=custom --file={name}.dump \"{conn}\"",
        )
    return DeskError(
        "共享 PostgreSQL 数据库请用服务器自带的工具恢复，例如："
        f"pg_restore --clean --dbname=\"{conn}\" {name}.dump",
        "Restore a shared PostgreSQL database with the server's own tools, e.g. "
        f"pg_restore --clean --dbname=\"{conn}\" {name}.dump",
    )


# -- checks ----------------------------------------------------------------------------


def check_not_foreign(path: Path) -> None:
    """Refuse an SQLite file that holds tables but not Desk's schema (another program's
    database), before anything writes to it: it is opened read-only and left as it was."""
    if not path.exists() or path.stat().st_size == 0:
        return
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
            tables = {row[0] for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.Error:
        return  # damaged or locked: check_sqlite_file and the engine say what is wrong
    if tables and "alembic_version" not in tables:
        shown = "、".join(sorted(tables)[:5]) + ("…" if len(tables) > 5 else "")
        raise DatabaseError(
            f"{path} 不是 Desk 数据库：其中有其他程序的表（{shown}）。Desk 不会改动它，"
            "请选择其他文件。",
            f"{path} is not a Desk database: it holds another program's tables "
            f"({shown.replace('、', ', ')}). Desk leaves it untouched; choose another file.",
        )


def check_sqlite_file(path: Path) -> None:
    """Refuse a file that is plainly not a (whole) SQLite database, before SQLite opens it.

    Reads only the 100-byte header: a missing or empty file is fine (a new database);
    a file without SQLite's magic is not a database; a file shorter than the page count
    its header declares was cut short (unless a WAL file still holds the rest).
    """
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return
    except OSError as exc:
        raise DatabaseError(
            f"无法读取数据库文件 {path}（{exc.strerror}）。{RESTORE_HINT_ZH}",
            f"The database file {path} cannot be read ({exc.strerror}). {RESTORE_HINT_EN}",
        ) from exc
    if size == 0:
        return
    try:
        with path.open("rb") as fh:
            header = fh.read(100)
    except OSError as exc:
        raise DatabaseError(
            f"无法读取数据库文件 {path}（{exc.strerror}）。{RESTORE_HINT_ZH}",
            f"The database file {path} cannot be read ({exc.strerror}). {RESTORE_HINT_EN}",
        ) from exc
    if len(header) < 100 or not header.startswith(SQLITE_MAGIC):
        raise DatabaseError(
            f"{path} 不是 Desk 数据库（也不是任何 SQLite 数据库）。{RESTORE_HINT_ZH}",
            f"{path} is not a Desk database (not an SQLite database at all). "
            f"{RESTORE_HINT_EN}",
        )
    page_size = struct.unpack(">H", header[16:18])[0]
    page_size = 65536 if page_size == 1 else page_size
    page_count = struct.unpack(">I", header[28:32])[0]
    wal = path.with_name(path.name + "-wal")
    wal_holds_pages = wal.exists() and wal.stat().st_size > 0
    if page_count and not wal_holds_pages and size < page_count * page_size:
        raise DatabaseError(
            f"数据库文件 {path} 不完整（{size} 字节，应为 {page_count * page_size} 字节），"
            f"可能在复制时被截断。{RESTORE_HINT_ZH}",
            f"The database file {path} is incomplete ({size} bytes of "
            f"{page_count * page_size}); it was probably cut short while being copied. "
            f"{RESTORE_HINT_EN}",
        )


def _read_mounts() -> str:
    try:
        return Path("/proc/mounts").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def _unescape_mount(field: str) -> str:
    return re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), field)


def network_filesystem(path: Path, mounts: str | None = None) -> str | None:
    """The network file system type ``path`` lives on (from ``/proc/mounts``), or None."""
    if os.name == "nt" or str(path).startswith(("\\\\", "//")):
        win = PureWindowsPath(str(path))
        if win.drive.startswith(("\\\\", "//")):
            return "smb"
        if os.name == "nt":
            return None
    table = _read_mounts() if mounts is None else mounts
    target = os.path.abspath(path)
    best: tuple[int, str] | None = None
    for line in table.splitlines():
        parts = line.split()
        if len(parts) < 3:
            continue
        point, fstype = _unescape_mount(parts[1]), parts[2].lower()
        inside = target == point or target.startswith(point.rstrip("/") + "/")
        if inside and (best is None or len(point) > best[0]):
            best = (len(point), fstype)
    if best is None:
        return None
    fstype = best[1]
    if fstype in NETWORK_FS or fstype.split(".")[-1] in NETWORK_FS:
        return fstype
    return None


def storage_warning(path: Path | str, mounts: str | None = None) -> str | None:
    """A warning (in the current language) when an SQLite file sits on a network share."""
    fstype = network_filesystem(Path(path), mounts)
    if fstype is None:
        return None
    return DeskError(
        f"数据库文件 {path} 位于网络共享（{fstype}）上。SQLite 在网络共享上无法可靠加锁，"
        "多台电脑同时使用可能损坏数据。请把文件放在本机磁盘上，团队共用请改用 PostgreSQL。",
        f"The database file {path} is on a network share ({fstype}). SQLite cannot lock "
        "reliably there and the file can be damaged when several computers use it. Keep "
        "the file on a local disk; for a team, use a shared PostgreSQL database.",
    ).message()


def verify_desk_database(path: Path) -> str:
    """Prove a file is a sound Desk database; return its schema revision."""
    from models import schema

    check_sqlite_file(path)
    if not path.is_file():
        raise DatabaseError(f"找不到文件 {path}。", f"There is no file {path}.")
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise _not_desk(path, str(exc)) from exc
    try:
        ok = conn.execute("PRAGMA integrity_check").fetchone()
        if not ok or ok[0] != "ok":
            raise _not_desk(path, str(ok[0] if ok else "integrity_check"))
        try:
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        except sqlite3.OperationalError as exc:
            raise _not_desk(path, "no alembic_version") from exc
    except sqlite3.DatabaseError as exc:
        raise _not_desk(path, str(exc)) from exc
    finally:
        conn.close()
    if row is None:
        raise _not_desk(path, "empty alembic_version")
    revision = str(row[0])
    from alembic.script import ScriptDirectory

    known = {s.revision for s in ScriptDirectory.from_config(schema.alembic_config())
             .walk_revisions()}
    if revision not in known:
        raise DatabaseError(
            f"{path} 由更新版本的 Desk 创建（结构版本 {revision}），本程序无法使用。",
            f"{path} was made by a newer Desk (schema {revision}); this Desk cannot use it.",
        )
    return revision


def _not_desk(path: Path, why: str) -> DatabaseError:
    return DatabaseError(
        f"{path} 不是完好的 Desk 数据库（{why}），无法用它恢复。",
        f"{path} is not a sound Desk database ({why}); it cannot be restored from.",
    )


# -- backup and restore ----------------------------------------------------------------


def _copy_sqlite(source: Path, target: Path) -> None:
    """Online-backup ``source`` into ``target`` (written beside it, then moved in)."""
    tmp = target.with_name(target.name + ".partial")
    tmp.unlink(missing_ok=True)
    try:
        # a copy of the tickets and the password hashes: readable by the owner only
        os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
        try:
            dst = sqlite3.connect(tmp)
            try:
                src.backup(dst)
                dst.execute("PRAGMA journal_mode = DELETE")
            finally:
                dst.close()
        finally:
            src.close()
        os.replace(tmp, target)
    except sqlite3.Error as exc:
        tmp.unlink(missing_ok=True)
        text = str(exc).lower()
        if "full" in text:
            raise DatabaseError(
                f"磁盘已满，无法写入备份 {target}。", f"The disk is full; {target} cannot be written."
            ) from exc
        raise DatabaseError(
            f"无法复制数据库 {source}（{exc}）。{RESTORE_HINT_ZH}",
            f"The database {source} cannot be copied ({exc}). {RESTORE_HINT_EN}",
        ) from exc
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise DatabaseError(
            f"无法写入 {target}（{exc.strerror}）。", f"{target} cannot be written ({exc.strerror})."
        ) from exc


def backup(db_or_url: Database | str, target_file: Path | str) -> Path:
    """Copy the SQLite database to ``target_file`` while desks may keep writing."""
    url = _url_of(db_or_url)
    source = sqlite_path(url)
    if make_url(url).get_backend_name() != "sqlite":
        raise _pg_refusal(url, "backup")
    if source is None:
        raise DeskError("内存数据库无法备份。", "An in-memory database cannot be backed up.")
    target = Path(target_file)
    if not source.is_file():
        raise DatabaseError(f"找不到数据库文件 {source}。", f"There is no database file {source}.")
    if target.exists() and target.resolve() == source.resolve():
        raise DeskError("备份文件不能是数据库本身。", "The backup cannot be the database itself.")
    check_sqlite_file(source)
    target.parent.mkdir(parents=True, exist_ok=True)
    _copy_sqlite(source, target)
    return target


def restore(url: str, source_file: Path | str, now: datetime | None = None) -> Path | None:
    """Replace the SQLite database with a backup; return where the old file was kept.

    Close the other desks on this file first: they would go on with the old one.
    """
    if make_url(url).get_backend_name() != "sqlite":
        raise _pg_refusal(url, "restore")
    target = sqlite_path(url)
    if target is None:
        raise DeskError("内存数据库无法恢复。", "An in-memory database cannot be restored.")
    source = Path(source_file)
    if target.exists() and source.resolve() == target.resolve():
        raise DeskError("不能用数据库本身恢复自己。", "A database cannot be restored from itself.")
    verify_desk_database(source)
    target.parent.mkdir(parents=True, exist_ok=True)
    incoming = target.with_name(target.name + ".restoring")
    _copy_sqlite(source, incoming)
    kept: Path | None = None
    if target.exists():
        stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
        kept = target.with_name(f"{target.name}.before-restore-{stamp}")
        try:
            _copy_sqlite(target, kept)
        except DatabaseError:
            # a damaged file cannot be read page by page: keep its bytes as they are
            log.warning("keeping %s byte for byte: it cannot be backed up", target)
            _raw_copy(target, kept)
    for suffix in ("-wal", "-shm", "-journal"):
        target.with_name(target.name + suffix).unlink(missing_ok=True)
    os.replace(incoming, target)
    return kept


def _raw_copy(target: Path, kept: Path) -> None:
    try:
        shutil.copy2(target, kept)
        os.chmod(kept, 0o600)
        wal = target.with_name(target.name + "-wal")
        if wal.exists():
            shutil.copy2(wal, kept.with_name(kept.name + "-wal"))
    except OSError as exc:
        raise DatabaseError(
            f"无法保留原数据库 {target}（{exc.strerror}），未做恢复。",
            f"The current database {target} cannot be kept ({exc.strerror}); nothing was "
            "restored.",
        ) from exc


def auto_backup(url: str, folder: Path | str, keep: int = 7,
                now: datetime | None = None) -> Path | None:
    """The daily backup: at most one ``desk-YYYYMMDD.sqlite3`` per local day, the newest
    ``keep`` kept. Returns the new file, or None (PostgreSQL, already done today)."""
    if make_url(url).get_backend_name() != "sqlite":
        return None
    source = sqlite_path(url)
    if source is None or not source.is_file():
        return None
    moment = (now or datetime.now()).astimezone()
    target_dir = Path(folder)
    target = target_dir / f"desk-{moment:%Y%m%d}.sqlite3"
    if target.exists():
        return None
    backup(url, target)
    found = sorted(p for p in target_dir.iterdir() if AUTO_NAME.match(p.name))
    for old in found[: max(0, len(found) - max(keep, 1))]:
        try:
            old.unlink()
        except OSError as exc:  # an old copy that cannot go is no reason to stop
            log.warning("cannot remove old backup %s: %s", old, exc)
    return target
