"""The database as the services see it: units of work, retries, errors sorted out.

``Database.write(fn)`` runs ``fn(session)`` in one transaction, hands the domain events it
recorded to their subscribers, and commits it: one service call is one unit of work. On PostgreSQL a serialization failure or deadlock
(SQLSTATE 40001, 40P01) is retried a bounded number of times with a fresh session, so
a person never sees them. Driver errors that a person can act on (server unreachable,
file locked, read-only, disk full, not a database) become ``DatabaseError`` with a
clear message; anything else propagates as a bug.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import Engine, event
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import Session, sessionmaker

from desk.errors import DatabaseError, DeskError, PermissionDeniedError
from desk.events import Bus
from models.database import make_engine, session_factories

log = logging.getLogger(__name__)

T = TypeVar("T")

RETRYABLE_SQLSTATES = {"40001", "40P01"}
# raised by the database when a unit of work was computed from something this desk kept
# (``Database.memo``) that has since changed: forget it and run the unit of work again
STALE_SQLSTATE = "DKR01"
# Session.info: the driver connection of a unit of work that committed with its last
# statement (``execute_and_commit``), read-only until ``Database.write`` ends it
_COMMITTED = "desk.db.committed"
_COMMIT_SENT = "desk.db.commit_sent"  # Session.info: COMMIT went out with a statement
MAX_ATTEMPTS = 5


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Database:
    """Engine, session factories, the clock and the event bus, built once by
    ``desk.bootstrap`` (which subscribes the handlers)."""

    engine: Engine
    read_sessions: sessionmaker[Session]
    write_sessions: sessionmaker[Session]
    clock: Callable[[], datetime] = utc_now
    bus: Bus = field(default_factory=Bus)
    # what the services keep between units of work (the rules a report's deadlines are
    # computed from); the database refuses a write computed from a stale entry
    # (STALE_SQLSTATE) and ``write`` then clears it and tries again
    memo: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def connect(cls, url: str, clock: Callable[[], datetime] = utc_now,
                bus: Bus | None = None) -> Database:
        engine = make_engine(url)
        if engine.url.get_backend_name() == "postgresql":
            event.listen(engine, "after_cursor_execute", _past_begin)
        read, write = session_factories(engine)
        return cls(engine=engine, read_sessions=read, write_sessions=write, clock=clock,
                   bus=bus or Bus())

    @property
    def backend(self) -> str:
        return self.engine.url.get_backend_name()

    def now(self) -> datetime:
        return self.clock()

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A short read-only session; never kept open while a person types."""
        try:
            with self.read_sessions() as session:
                yield session
                session.rollback()
        except sa_exc.DBAPIError as exc:
            raise translate_db_error(exc) from exc

    def write(self, fn: Callable[[Session], T]) -> T:
        """Run ``fn`` in one transaction, dispatch the domain events it recorded to their
        handlers (``desk.events``), commit; retry on serialization failures."""
        for attempt in range(1, MAX_ATTEMPTS + 1):
            commit_sent = False
            try:
                with self.write_sessions() as session, session.begin():
                    try:
                        result = fn(session)
                        self.bus.dispatch(session)
                    finally:
                        commit_sent = _end_committed(session)
                    commit_sent = True  # leaving the block commits
                return result
            except sa_exc.DBAPIError as exc:
                if exc.connection_invalidated and not commit_sent and attempt < MAX_ATTEMPTS:
                    # the connection was dead (the server restarted) before this unit of
                    # work could commit: nothing of it was kept, so it runs again on a
                    # new connection (the pool pings only connections idle a while)
                    log.info("connection lost before the commit; running the work again")
                    continue
                if _sqlstate(exc) == STALE_SQLSTATE and attempt < MAX_ATTEMPTS:
                    log.info("what this desk kept is out of date; reading it again")
                    self.memo.clear()
                    continue
                if _sqlstate(exc) in RETRYABLE_SQLSTATES and attempt < MAX_ATTEMPTS:
                    delay = 0.01 * (2**attempt) * random.uniform(0.5, 1.5)
                    log.info("retrying after %s (attempt %d)", _sqlstate(exc), attempt)
                    time.sleep(delay)
                    continue
                raise translate_db_error(exc) from exc
        raise AssertionError("unreachable")  # pragma: no cover

    def dispose(self) -> None:
        self.engine.dispose()


def execute_and_commit(session: Session, statement: str, params: dict[str, Any],
                       then: str | None = None) -> tuple[Any, ...] | None:
    """PostgreSQL: run ``statement`` (psycopg's ``%(name)s`` parameters) as the last
    statement of the unit of work and COMMIT with it, in one message to the server:
    return its first row. ``then``: a statement without parameters the server runs
    right after the COMMIT, in the same message, as a transaction of its own.

    For an action whose locks are the bottleneck (the number counter of a report):
    the server commits as soon as the statement is done, without waiting for this
    desk to be scheduled again and send COMMIT, which on a busy machine held the lock
    for several milliseconds while every other desk reporting waited. The parameters
    are bound here, into one simple query (which starts with its own BEGIN when nothing
    else was sent in this unit of work: no round trip for psycopg's). The caller must know
    that nothing else will be written in the unit of work (``Bus.may_write``): until
    ``Database.write`` ends the connection is read-only, so a stray write is refused by
    the database instead of landing in a transaction of its own.
    """
    connection = session.connection()
    raw = connection.connection.driver_connection
    import psycopg  # only PostgreSQL comes here
    from psycopg.pq import TransactionStatus

    assert isinstance(raw, psycopg.Connection)
    session.info[_COMMIT_SENT] = True
    idle = raw.info.transaction_status == TransactionStatus.IDLE
    factory = raw.cursor_factory
    raw.cursor_factory = psycopg.ClientCursor  # parameters bound here: one simple query
    if idle:
        raw.autocommit = True  # no BEGIN of psycopg's: the message is the transaction
    try:
        # through SQLAlchemy's connection all the same: its statement events, its errors
        # (BEGIN spelled out when idle: a COMMIT ending the message's implicit
        # transaction is answered with a warning, in the server's log too)
        row = connection.exec_driver_sql(
            ("BEGIN; " if idle else "") + f"{statement}; COMMIT" + (f"; {then}" if then else ""),
            params, execution_options={_BEGUN: idle}).first()
    finally:
        if not (raw.closed or raw.broken):
            raw.cursor_factory = factory
            if idle:
                if raw.info.transaction_status != TransactionStatus.IDLE:
                    raw.rollback()  # the message's own BEGIN, failed: nothing was kept
                raw.autocommit = False
    raw.read_only = True
    session.info[_COMMITTED] = raw
    return None if row is None else tuple(row)


_BEGUN = "desk_begun"  # execution option: the statement's first result is its BEGIN's


def _past_begin(_conn: Any, cursor: Any, _statement: str, _params: Any, context: Any,
                _many: bool) -> None:
    """Before SQLAlchemy reads the result of ``execute_and_commit``'s message: past the
    result of its BEGIN, to the statement's rows."""
    if context is not None and context.execution_options.get(_BEGUN):
        cursor.nextset()


def _end_committed(session: Session) -> bool:
    """After ``execute_and_commit``: end what was read since and make the connection
    writable again, before it returns to the pool. True if a COMMIT was sent."""
    sent = bool(session.info.pop(_COMMIT_SENT, False))
    raw = session.info.pop(_COMMITTED, None)
    if raw is not None and not (raw.closed or raw.broken):
        raw.rollback()
        raw.read_only = None
    return sent


def _sqlstate(exc: sa_exc.DBAPIError) -> str | None:
    return getattr(exc.orig, "sqlstate", None)


def translate_db_error(exc: sa_exc.DBAPIError) -> DeskError | sa_exc.DBAPIError:
    """Turn a driver error a person can act on into a ``DatabaseError``."""
    text = str(exc.orig).lower() if exc.orig is not None else str(exc).lower()
    if "not a database" in text or "malformed" in text:  # sqlite3.DatabaseError, any class
        return DatabaseError(
            "该文件不是 Desk 数据库或已损坏。请选择其他文件，或用 desk db restore 从备份恢复。",
            "This file is not a Desk database or is damaged. Choose another file, or "
            "restore a backup with `desk db restore`.",
        )
    if isinstance(exc, sa_exc.OperationalError) or exc.connection_invalidated:
        if "database is locked" in text or "database table is locked" in text:
            return DatabaseError(
                "数据库正忙（另一台工作站正在写入），请稍后重试。",
                "The database is busy (another desk is writing); try again in a moment.",
            )
        if "readonly" in text or "read-only" in text:
            return DatabaseError(
                "数据库文件是只读的，无法保存。请检查文件权限或选择其他文件。",
                "The database file is read-only; nothing can be saved. Check its "
                "permissions or choose another file.",
            )
        if "disk is full" in text or "no space" in text:
            return DatabaseError(
                "磁盘已满，无法保存。请释放空间后重试，已输入的内容不会丢失。",
                "The disk is full; free some space and try again. Nothing typed is lost.",
            )
        if "unable to open" in text:
            return DatabaseError(
                "无法打开数据库文件，请检查路径与权限。",
                "The database file cannot be opened; check its path and permissions.",
            )
        return DatabaseError(
            f"数据库连接中断或无法连接：{_first_line(exc)}",
            f"The database connection failed: {_first_line(exc)}",
        )
    if _sqlstate(exc) == "42501" and "desk refused:" in text:
        # a check of the database (its triggers and functions): the process says no
        reason = _first_line(exc).split("desk refused:", 1)[-1].strip()
        return PermissionDeniedError(f"数据库拒绝了此操作：{reason}",
                                     f"The database refused this: {reason}")
    if _sqlstate(exc) == "42501":  # a desk's login role lacks a privilege (desk db init)
        return DatabaseError(
            f"数据库拒绝了此操作（权限不足）：{_first_line(exc)}。若刚更新了 Desk，"
            "请管理员先运行 desk db upgrade。",
            f"The database refused this (insufficient privilege): {_first_line(exc)}. If "
            "Desk was just updated, an administrator must run `desk db upgrade` first.",
        )
    return exc


def _first_line(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None) or exc
    return str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
