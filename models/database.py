"""Engines and sessions: one place that knows how SQLite and PostgreSQL are set up.

SQLite runs in WAL mode with ``synchronous=FULL``: a process killed at any moment, or
a power cut, never loses a transaction that has returned from COMMIT, and readers
never block the writer. (WAL with ``NORMAL`` would already survive a killed process,
since the WAL is in the OS's hands once written; ``FULL`` adds an fsync of the WAL at
every commit so that a power cut or an OS crash cannot take back a save the person was
told had happened. A desk commits a few times a minute, so the fsync costs nothing
noticeable; ``tests/test_crash.py`` kills a writing desk again and again to hold this.) Every write transaction starts with ``BEGIN IMMEDIATE`` so
that two desks on one file queue for the write lock up front (waiting up to
``busy_timeout``) instead of failing half-way with "database is locked".

PostgreSQL is reached through psycopg 3; a plain ``postgresql://`` URL is accepted.
"""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session, sessionmaker

SQLITE_BUSY_TIMEOUT_MS = 30_000
# PostgreSQL: a pooled connection unused for longer than this is pinged before it is
# handed out (one that was just used is not: its unit of work would pay a round trip)
PING_AFTER_IDLE_S = 1.0
WRITE_OPTION = "desk_write"


def normalise_url(url: str | URL) -> URL:
    """Return the SQLAlchemy URL for what a person typed (``postgresql://`` → psycopg 3)."""
    u = make_url(url) if isinstance(url, str) else url
    if u.drivername in ("postgresql", "postgres"):
        u = u.set(drivername="postgresql+psycopg")
    return u


def make_engine(url: str | URL, **kwargs: Any) -> Engine:
    """Build an engine with Desk's connection settings for the URL's backend."""
    u = normalise_url(url)
    if u.get_backend_name() == "sqlite":
        create_private_file(u.database)
        engine = create_engine(
            u,
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
            **kwargs,
        )
        _configure_sqlite(engine)
        return engine
    engine = create_engine(u, connect_args={"connect_timeout": 5}, **kwargs)
    if not kwargs.get("pool_pre_ping"):
        _ping_idle_connections(engine)
    return engine


def _ping_idle_connections(engine: Engine) -> None:
    """Ping a pooled connection before handing it out if it was idle a while.

    SQLAlchemy's ``pool_pre_ping`` pings at every checkout: a round trip and a wake-up
    of the server for each unit of work, about a third of what a report cost. After a
    server restart the connections found dead this way are replaced; one used within
    the last ``PING_AFTER_IDLE_S`` fails at its first statement instead, and
    ``Database.write`` runs its unit of work again on a new connection (nothing of it
    had committed); a read reports the lost connection once."""

    @event.listens_for(engine, "checkin")
    def _checked_in(_dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checked_out(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get("idle_since")
        if since is None or time.monotonic() - since < PING_AFTER_IDLE_S:
            return
        try:
            alive = engine.dialect.do_ping(dbapi_connection)
        except Exception:  # noqa: BLE001 - any failure of the ping means "reconnect"
            alive = False
        if not alive:
            raise sa_exc.DisconnectionError("the pooled connection is gone")


def create_private_file(database: str | None) -> None:
    """Create a new SQLite file readable by its owner only (``0600``) before SQLite
    opens it; SQLite gives its ``-wal`` and ``-shm`` files the same mode. An existing
    file keeps the mode it has."""
    if database in (None, "", ":memory:") or str(database).startswith("file:"):
        return
    import os

    path = str(database)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except (FileExistsError, FileNotFoundError, NotADirectoryError, PermissionError):
        return  # there already, or a folder SQLite will report on itself
    except OSError:
        return
    os.close(fd)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event below decide how transactions start.
        dbapi_connection.isolation_level = None
        cur = dbapi_connection.cursor()
        cur.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA foreign_keys = ON")
        if engine.url.database not in (None, "", ":memory:"):
            cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA synchronous = FULL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        if conn.get_execution_options().get(WRITE_OPTION):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")


def session_factories(engine: Engine) -> tuple[sessionmaker[Session], sessionmaker[Session]]:
    """Return (read, write) session factories; write sessions take SQLite's lock up front."""
    read = sessionmaker(engine, expire_on_commit=False)
    write = sessionmaker(engine.execution_options(**{WRITE_OPTION: True}), expire_on_commit=False)
    return read, write
