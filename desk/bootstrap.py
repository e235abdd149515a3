"""The composition root: settings → engine → schema check → services' database, and the
subscribers of the domain events.

Nothing happens at import time; ``open_database`` is called once by the CLI or the
window (and by each test with its own temporary file or PostgreSQL database).
``subscribers`` is the one place where what reacts to the process is wired to it: the
outbox, the knowledge base and the live notices (``desk.events``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from desk.admin import calendar
from desk.admin.backup import auto_backup, check_not_foreign, check_sqlite_file, sqlite_path
from desk.admin.backup import storage_warning as storage_warning  # re-exported for the window
from desk.config import Config
from desk.db import Database, translate_db_error, utc_now
from desk.errors import DatabaseError, DeskError, SchemaTooNewError
from desk.events import (
    Bus,
    DuplicateMerged,
    FaultArchived,
    FaultReported,
    IncidentBroadcast,
    IntakeAcknowledged,
    ProblemResolved,
    TicketChanged,
    TransitionPerformed,
)
from desk.notify import live
from desk.notify import outbox as notify
from desk.process import actions, knowledge
from models import schema

log = logging.getLogger(__name__)


def subscribers() -> Bus:
    """The handlers of every domain event, run inside the unit of work that recorded it."""
    bus = Bus()
    bus.subscribe(FaultReported, notify.on_reported, writes=notify.reported_writes)
    bus.subscribe(FaultReported, live.on_ticket_event, writes=live.writes_for)
    bus.subscribe(TransitionPerformed, notify.on_transition)
    bus.subscribe(TransitionPerformed, live.on_ticket_event)
    bus.subscribe(FaultArchived, knowledge.on_archived)
    bus.subscribe(FaultArchived, actions.on_archived)
    bus.subscribe(TicketChanged, live.on_ticket_event)
    bus.subscribe(IntakeAcknowledged, notify.on_intake_acknowledged)
    bus.subscribe(DuplicateMerged, notify.on_merged)
    bus.subscribe(ProblemResolved, notify.on_problem_resolved)
    bus.subscribe(IncidentBroadcast, notify.on_broadcast)
    return bus


def open_database(
    url: str, *, upgrade: bool = True, create: bool = True,
    clock: Callable[[], datetime] = utc_now, auto_backup_dir: Path | None = None,
) -> Database:
    """Connect, bring the schema up to date (or refuse a newer one), seed the calendar.

    An SQLite file is created only with ``create`` (``desk db upgrade``, ``desk db init``
    and the window's first start); otherwise a missing file is refused and named, so a
    mistyped ``--db`` never leaves an empty database behind. A file that holds another
    program's tables is refused untouched.

    With ``auto_backup_dir`` an SQLite file gets its daily backup there once it opened
    cleanly (``desk.admin.backup.auto_backup``); a failed backup is logged, never fatal.
    """
    try:
        backend = make_url(url).get_backend_name()
    except sa_exc.ArgumentError as exc:
        raise DeskError(
            f"数据库地址无法识别：{url}", f"The database URL is not understood: {url}"
        ) from exc
    if backend not in ("sqlite", "postgresql"):  # mysql://, http://…: not a Desk database
        raise DeskError(
            f"数据库地址无法识别：{url}。请用 sqlite:///文件 或 postgresql://服务器/数据库。",
            f"The database URL is not understood: {url}. Use sqlite:///FILE or "
            "postgresql://SERVER/DATABASE.",
        )
    path = sqlite_path(url)
    if path is not None:
        if path.is_dir():
            raise DatabaseError(
                f"{path} 是一个文件夹，不是数据库文件。", f"{path} is a folder, not a database file."
            )
        if not create and not path.exists():
            raise DatabaseError(
                f"没有数据库文件 {path}。请检查 --db 地址；新数据库用 desk db upgrade 创建。",
                f"There is no database file {path}. Check the --db URL; a new database is "
                "created with `desk db upgrade`.",
            )
        check_sqlite_file(path)  # not a database, cut short: refused before SQLite writes
        check_not_foreign(path)
        path.parent.mkdir(parents=True, exist_ok=True)
    db = Database.connect(url, clock=clock, bus=subscribers())
    try:
        if upgrade:
            schema.upgrade(db.engine)
            db.write(_seed)
        else:
            schema.check_not_newer(db.engine)
    except schema.SchemaTooNewError as exc:
        db.dispose()
        raise SchemaTooNewError(
            f"此数据库由更新版本的 Desk 创建（结构版本 {exc.found}），本程序无法打开。"
            "请升级 Desk，或选择其他数据库，或用 desk db restore 从备份恢复。",
            f"This database was created by a newer Desk (schema {exc.found}); this Desk "
            "cannot open it. Upgrade Desk, choose another database, or restore a backup "
            "with `desk db restore`.",
        ) from exc
    except sa_exc.DBAPIError as exc:
        db.dispose()
        err = server_refused(url, exc) or translate_db_error(exc)
        if isinstance(err, DeskError):
            raise err from exc
        raise
    except DeskError:
        db.dispose()
        raise
    if auto_backup_dir is not None and path is not None:
        try:
            auto_backup(url, auto_backup_dir)
        except DeskError as exc:
            log.warning("daily backup failed: %s", exc.en)
    return db


def _seed(session: Session) -> None:
    """The calendar and the default notification rules where they are still empty (one
    write transaction: a desk that starts waits for the SQLite write lock once)."""
    calendar.seed_from_package(session)
    notify.seed_default_rules(session)


def open_from_config(config: Config, **kwargs: object) -> Database:
    return open_database(config.db_url, **kwargs)  # type: ignore[arg-type]


def server_refused(url: str, exc: sa_exc.DBAPIError) -> DatabaseError | None:
    """A clear message when a PostgreSQL server refuses the login or is not there."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        return None
    text = str(exc.orig if exc.orig is not None else exc)
    lowered = text.lower()
    detail = text.strip().splitlines()[0].rsplit("failed: ", 1)[-1] if text.strip() else ""
    detail = detail.removeprefix("FATAL:").strip()
    where = f"{parsed.host or 'localhost'}:{parsed.port or 5432}"
    user = parsed.username or ""
    if any(k in lowered for k in ("password authentication failed", "no pg_hba.conf entry",
                                  "authentication failed", "role \"")):
        return DatabaseError(
            f"数据库服务器 {where} 拒绝了登录（用户 {user}）：{detail}。请检查连接地址中的用户名"
            "和密码，或请管理员用 desk db init 创建此工作站的登录。",
            f"The database server {where} refused the login (user {user}): {detail}. Check "
            "the user name and password in the connection URL, or ask an administrator to "
            "create this desk's login with `desk db init`.",
        )
    if "does not exist" in lowered and "database" in lowered:
        return DatabaseError(
            f"数据库服务器 {where} 上没有数据库 {parsed.database}：{detail}。请检查连接地址，"
            f"或请数据库管理员用 createdb 创建它（createdb -h {parsed.host or 'localhost'} "
            f"{parsed.database}），再运行 desk db init。",
            f"The database server {where} has no database {parsed.database}: {detail}. Check "
            "the connection URL, or ask the database administrator to create it with "
            f"createdb (createdb -h {parsed.host or 'localhost'} {parsed.database}), then run "
            "`desk db init`.",
        )
    if any(k in lowered for k in ("connection refused", "could not translate host name",
                                  "timeout expired", "no route to host", "name or service")):
        return DatabaseError(
            f"无法连接数据库服务器 {where}：{detail}。请确认服务器已启动、地址和端口正确，"
            "且网络可达。",
            f"Cannot reach the database server {where}: {detail}. Check that the server is "
            "running, the host and port are right, and the network is up.",
        )
    return None
