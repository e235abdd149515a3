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
from typing import TypeVar

from sqlalchemy import Engine
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import Session, sessionmaker

from desk.errors import DatabaseError, DeskError, PermissionDeniedError
from desk.events import Bus
from models.database import make_engine, session_factories

log = logging.getLogger(__name__)

T = TypeVar("T")

RETRYABLE_SQLSTATES = {"40001", "40P01"}
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

    @classmethod
    def connect(cls, url: str, clock: Callable[[], datetime] = utc_now,
                bus: Bus | None = None) -> Database:
        engine = make_engine(url)
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
            try:
                with self.write_sessions() as session, session.begin():
                    result = fn(session)
                    self.bus.dispatch(session)
                return result
            except sa_exc.DBAPIError as exc:
                if _sqlstate(exc) in RETRYABLE_SQLSTATES and attempt < MAX_ATTEMPTS:
                    delay = 0.01 * (2**attempt) * random.uniform(0.5, 1.5)
                    log.info("retrying after %s (attempt %d)", _sqlstate(exc), attempt)
                    time.sleep(delay)
                    continue
                raise translate_db_error(exc) from exc
        raise AssertionError("unreachable")  # pragma: no cover

    def dispose(self) -> None:
        self.engine.dispose()


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
