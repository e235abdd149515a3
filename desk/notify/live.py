"""Live updates between desks: which ticket another desk just changed.

On PostgreSQL every unit of work that creates or changes a ticket calls ``notify``,
which queues ``pg_notify('desk_tickets', '{"id": ..., "version": ...}')`` inside the
same transaction: the server delivers it only if that transaction commits, and never
before, so a desk that reloads on a notice always finds the change. ``TicketListener``
holds its own connection with ``LISTEN desk_tickets`` and hands the notices out through
``poll(timeout)``. PostgreSQL does not replay notices sent while a listener was
disconnected, so after a reconnect ``poll`` returns ``RESYNC``: reload everything.

SQLite has no notifications; ``DataVersionWatcher`` reads ``PRAGMA data_version`` on a
connection of its own, which changes whenever another connection (another desk, or
this desk's own services) commits to the file, and then also returns ``RESYNC``.

Nothing here knows about Qt: the window runs ``poll`` in a worker and turns the
results into signals.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from desk.errors import DatabaseError
from desk.events import LIVE_CHANNEL, FaultReported, TicketChanged, TransitionPerformed
from models import Ticket

if TYPE_CHECKING:
    import psycopg

log = logging.getLogger(__name__)

CHANNEL: Final = LIVE_CHANNEL
RECONNECT_DELAY = 0.5  # seconds between attempts while the server is unreachable
# Notice a dead peer (a pulled cable, a crashed router) within about a minute instead
# of the operating system's default of two hours.
KEEPALIVES: Final[dict[str, Any]] = {
    "keepalives": 1,
    "keepalives_idle": 30,
    "keepalives_interval": 10,
    "keepalives_count": 3,
}


@dataclass(frozen=True)
class TicketChange:
    """Ticket ``ticket_id`` was created or changed and is now at ``version``."""

    ticket_id: int
    version: int


class Resync:
    """Something may have changed that cannot be itemised: reload every view."""

    _instance: Resync | None = None

    def __new__(cls) -> Resync:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "RESYNC"


RESYNC: Final = Resync()

Notice = TicketChange | Resync


def notify(session: Session, ticket_id: int) -> None:
    """Tell the other desks, when this transaction commits, that the ticket changed."""
    if session.get_bind().dialect.name != "postgresql":
        return
    session.flush()  # the version the other desks must see is the one about to commit
    ticket = session.get(Ticket, ticket_id)
    version = ticket.version if ticket is not None else None
    payload = json.dumps({"id": ticket_id, "version": version})
    session.execute(
        text("SELECT pg_notify(:channel, :payload)"), {"channel": CHANNEL, "payload": payload}
    )


def writes_for(event: FaultReported | TransitionPerformed | TicketChanged) -> bool:
    """Whether ``on_ticket_event`` writes for ``event``: not for a report the database
    announced itself."""
    return not (isinstance(event, FaultReported) and event.announced)


def on_ticket_event(session: Session,
                    event: FaultReported | TransitionPerformed | TicketChanged) -> None:
    """Subscriber: every change to a ticket is announced to the other desks (once: a
    report stored by ``desk_report`` on PostgreSQL was announced by the database)."""
    if not writes_for(event):
        return
    notify(session, event.ticket_id if isinstance(event, TicketChanged) else event.ticket.id)


def parse_payload(payload: str) -> Notice:
    """A notice from its JSON text; anything unexpected means "reload everything"."""
    try:
        data = json.loads(payload)
        return TicketChange(ticket_id=int(data["id"]), version=int(data["version"]))
    except (ValueError, TypeError, KeyError):
        log.warning("unexpected notice on %s: %r", CHANNEL, payload)
        return RESYNC


def libpq_url(url: str) -> str:
    """The URL as libpq reads it (``postgresql+psycopg://`` → ``postgresql://``)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        raise DatabaseError(
            f"实时通知只适用于 PostgreSQL：{parsed.render_as_string()}",
            f"Live notices need PostgreSQL: {parsed.render_as_string()}",
        )
    return parsed.set(drivername="postgresql").render_as_string(hide_password=False)


class TicketListener:
    """``LISTEN desk_tickets`` on a connection of its own; use from one thread."""

    def __init__(self, url: str, *, reconnect_delay: float = RECONNECT_DELAY) -> None:
        self._conninfo = libpq_url(url)
        self._reconnect_delay = reconnect_delay
        self._conn: psycopg.Connection[Any] | None = None
        self._closed = False
        self._conn = self._connect()

    def _connect(self) -> psycopg.Connection[Any]:
        import psycopg

        try:
            conn = psycopg.connect(
                self._conninfo, autocommit=True, connect_timeout=5, **KEEPALIVES
            )
        except psycopg.OperationalError as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else "?"
            raise DatabaseError(
                f"无法连接数据库以接收实时更新：{first}",
                f"Cannot connect to the database for live updates: {first}",
            ) from exc
        try:
            conn.execute(f"LISTEN {CHANNEL}")
        except psycopg.Error:
            conn.close()
            raise
        return conn

    @property
    def backend_pid(self) -> int | None:
        """The server process of the listening connection (None while disconnected)."""
        return None if self._conn is None else self._conn.info.backend_pid

    def poll(self, timeout: float) -> list[Notice]:
        """Wait up to ``timeout`` seconds for notices; return those that arrived.

        Returns as soon as the first batch arrives (with anything already queued
        behind it). After a lost connection it reconnects and returns ``[RESYNC]``.
        """
        import psycopg

        if self._closed:
            raise DatabaseError("实时更新监听已关闭。", "The live-update listener is closed.")
        deadline = time.monotonic() + max(0.0, timeout)
        if self._conn is None:
            return self._reconnect(deadline)
        try:
            received = list(self._conn.notifies(timeout=max(0.0, timeout), stop_after=1))
            if received:
                received += list(self._conn.notifies(timeout=0))
        except psycopg.OperationalError as exc:
            log.info("live-update connection lost: %s", exc)
            self._drop()
            return self._reconnect(deadline)
        return _coalesce(parse_payload(n.payload) for n in received if n.channel == CHANNEL)

    def _reconnect(self, deadline: float) -> list[Notice]:
        while True:
            try:
                self._conn = self._connect()
            except DatabaseError as exc:
                log.info("live updates: still no connection (%s)", exc.en)
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return []
                time.sleep(min(self._reconnect_delay, remaining))
                continue
            # notices sent while we were away are gone for good
            return [RESYNC]

    def _drop(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            finally:
                self._conn = None

    def close(self) -> None:
        self._closed = True
        self._drop()

    def __del__(self) -> None:
        # a listener dropped without close() (its thread ended with the window) still
        # closes its connection, rather than leaving that to the garbage collector
        conn = getattr(self, "_conn", None)
        if conn is not None and not conn.closed:
            conn.close()

    def __enter__(self) -> TicketListener:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _coalesce(notices: Any) -> list[Notice]:
    """One notice per ticket (its newest version), in order of first arrival."""
    out: dict[int | None, Notice] = {}
    for notice in notices:
        if isinstance(notice, Resync):
            out[None] = RESYNC
            continue
        known = out.get(notice.ticket_id)
        if not isinstance(known, TicketChange) or known.version < notice.version:
            out[notice.ticket_id] = notice
    return list(out.values())


class DataVersionWatcher:
    """Notices commits to an SQLite file made through any other connection."""

    def __init__(self, url: str, *, interval: float = 0.1) -> None:
        parsed = make_url(url)
        if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
            raise DatabaseError(
                "只能监视 SQLite 数据库文件。", "Only an SQLite database file can be watched."
            )
        path = Path(parsed.database or "")
        if not path.is_file():
            raise DatabaseError(f"数据库文件不存在：{path}", f"The database file is missing: {path}")
        self._interval = interval
        # autocommit (isolation_level=None): a transaction left open would pin one
        # snapshot, and data_version would never move
        self._conn: sqlite3.Connection | None = sqlite3.connect(
            path, isolation_level=None, check_same_thread=False
        )
        self._last = self._version()

    def _version(self) -> int:
        if self._conn is None:
            raise DatabaseError("数据库监视已关闭。", "The database watcher is closed.")
        return int(self._conn.execute("PRAGMA data_version").fetchone()[0])

    def poll(self, timeout: float) -> list[Notice]:
        """``[RESYNC]`` once another connection has committed, else ``[]`` after ``timeout``."""
        deadline = time.monotonic() + max(0.0, timeout)
        while True:
            current = self._version()
            if current != self._last:
                self._last = current
                return [RESYNC]
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return []
            # SQLite offers nothing to wait on; a short sleep in the worker thread is
            # the documented way to watch data_version
            time.sleep(min(self._interval, remaining))

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def __enter__(self) -> DataVersionWatcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
