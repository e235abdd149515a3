"""``desk serve``: the team's headless service.

One round (``Service.round``) does, in order: the heartbeat (the setting
``service.heartbeat``, which the window's status bar reads through
``desk.read.service``), the SLA clocks (warnings and breaches queued), the e-mails due
(when a mail server is set), the group robots' messages due (within their rate limits),
and the intake mailbox (when one is set). Each thing done is one log line.

Only the **leader** does rounds. On PostgreSQL the leader holds the session-level
advisory lock ``LOCK_KEY`` on a connection of its own; a second service finds it taken,
logs that it stands by, and tries again every interval: when the leader stops or its
connection dies, the lock is released by the server and the next try takes it over.
(The outbox claims rows with ``FOR UPDATE SKIP LOCKED`` and a lease besides, so even a
leader that lost its lock in the middle of a round never sends a message twice.) On
SQLite a service is always the leader: one service per database file.

The alert listener (``--listen``) runs in every service, leader or not: filing an
alert is serialised per fingerprint in the database, so two services receiving the same
alert still file one fault.

A database that goes away (restart, network) costs a log line per round; the service
keeps trying and carries on when it is back. SIGTERM (and Ctrl+C) ends the round in
progress, stops the listener, releases the lock and exits 0.
"""

from __future__ import annotations

import imaplib
import logging
import os
import socket
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, text

from desk.admin import intake as intake_settings
from desk.admin import team
from desk.db import Database
from desk.errors import DeskError
from desk.notify import channels, outbox
from desk.read.service import HEARTBEAT_SETTING
from desk.serve import mailbox
from desk.serve.alerts import AlertServer

log = logging.getLogger("desk.serve")

LOCK_KEY = 0x4445534B5356  # "DESKSV"
DEFAULT_INTERVAL = 15.0
HEARTBEAT_EVERY = timedelta(seconds=60)


class Leader:
    """The PostgreSQL advisory lock that makes one service the leader."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.conn: Connection | None = None

    def acquire(self) -> bool:
        if self.db.backend != "postgresql":
            return True
        if self.conn is not None:
            try:
                self.conn.execute(text("SELECT 1"))
                return True
            except Exception:  # noqa: BLE001 - the connection died: the lock went with it
                log.warning("leader: the database connection holding the lock was lost")
                self._drop()
        try:
            conn = self.db.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        except Exception as exc:  # noqa: BLE001
            raise DeskError(f"无法连接数据库：{exc}",
                            f"Cannot reach the database: {_first(exc)}") from exc
        try:
            got = bool(conn.execute(text("SELECT pg_try_advisory_lock(:k)"),
                                    {"k": LOCK_KEY}).scalar())
        except Exception as exc:  # noqa: BLE001
            conn.close()
            raise DeskError(f"无法连接数据库：{exc}",
                            f"Cannot reach the database: {_first(exc)}") from exc
        if not got:
            conn.close()
            return False
        self.conn = conn
        return True

    def _drop(self) -> None:
        if self.conn is not None:
            try:
                self.conn.invalidate()
                self.conn.close()
            except Exception:  # noqa: BLE001
                pass
            self.conn = None

    def release(self) -> None:
        if self.conn is not None:
            try:
                self.conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": LOCK_KEY})
                self.conn.close()
            except Exception:  # noqa: BLE001 - closing the connection releases it anyway
                self._drop()
            self.conn = None


def _first(exc: BaseException) -> str:
    lines = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


@dataclass
class RoundReport:
    queued: int = 0
    mailed: int = 0
    chats: int = 0
    intake: int = 0
    errors: list[str] = field(default_factory=list)
    wait: float | None = None  # a robot's backlog frees up in this many seconds


@dataclass
class Service:
    db: Database
    name: str = field(default_factory=lambda: f"{socket.gethostname()}:{os.getpid()}")
    interval: float = DEFAULT_INTERVAL
    listen: tuple[str, int] | None = None
    transport: channels.Transport = channels.http_post
    stop: threading.Event = field(default_factory=threading.Event)
    wake: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self.leader = Leader(self.db)
        self.sender = channels.Sender(self.db, f"serve:{self.name}", self.transport)
        self.alerts: AlertServer | None = None
        self.is_leader = False
        self.last_delivery: str | None = None
        self._idle: threading.Thread | None = None
        self._told_standby = False
        self._beat: tuple[datetime, str | None] | None = None
        self.watch_mailbox = False  # IMAP IDLE: only while running, not for --once

    # -- one round ------------------------------------------------------------------------

    def _step(self, what: str, report: RoundReport, fn: Any) -> Any:
        try:
            return fn()
        except DeskError as exc:
            log.warning("%s: %s", what, exc.en)
            report.errors.append(f"{what}: {exc.en}")
        except Exception as exc:  # noqa: BLE001 - one failing part never stops the others
            log.error("%s: internal error: %s: %s", what, type(exc).__name__, exc)
            log.debug("traceback", exc_info=True)
            report.errors.append(f"{what}: {type(exc).__name__}: {exc}")
        return None

    def heartbeat(self, force: bool = False) -> None:
        """Write the heartbeat, at most every ``HEARTBEAT_EVERY`` (or when something was
        delivered): on SQLite every commit makes each open window reload."""
        now = self.db.now()
        if not force and self._beat is not None and now - self._beat[0] < HEARTBEAT_EVERY \
                and self._beat[1] == self.last_delivery:
            return
        value = {"name": self.name, "at": now.isoformat(), "interval": self.interval,
                 "every": HEARTBEAT_EVERY.total_seconds(),
                 "last_delivery_at": self.last_delivery,
                 "listen": f"{self.listen[0]}:{self.listen[1]}" if self.listen else None}
        self.db.write(lambda session: team.put(session, HEARTBEAT_SETTING, value))
        self._beat = (now, self.last_delivery)

    def round(self) -> RoundReport:
        report = RoundReport()
        self._step("heartbeat", report, self.heartbeat)
        queued = self._step("clocks", report, lambda: outbox.check_clocks(self.db))
        if queued:
            report.queued = len(queued)
            log.info("clocks: queued %d SLA messages (#%s)", len(queued),
                     ", #".join(map(str, queued)))
        self._step("mail", report, lambda: self._mail(report))
        chat = self._step("channels", report, lambda: self.sender.send_due())
        if chat is not None:
            report.chats = len(chat.sent)
            report.wait = chat.wait
            if chat.waiting:
                log.info("channels: %d messages wait for the robots' rate limits", chat.waiting)
            if chat.sent:
                self.last_delivery = self.db.now().isoformat()
        self._step("mailbox", report, lambda: self._mailbox(report))
        if report.mailed or report.chats:
            self._step("heartbeat", report, self.heartbeat)
        return report

    def _mail(self, report: RoundReport) -> None:
        smtp = outbox.smtp_settings(self.db)
        if smtp is None:
            return
        while True:
            sent = outbox.send_due(self.db, smtp, f"serve:{self.name}")
            for mid in sent.sent:
                log.info("mail: sent #%d", mid)
            for mid in sent.failed:
                log.warning("mail: #%d not sent, will retry", mid)
            for mid in sent.given_up:
                log.warning("mail: #%d given up", mid)
            for error in dict.fromkeys(sent.errors):
                log.warning("mail: %s", error)
            report.mailed += len(sent.sent)
            if sent.sent:
                self.last_delivery = self.db.now().isoformat()
            if sent.claimed < 20 or not sent.sent:
                return

    def _mailbox(self, report: RoundReport) -> None:
        s = intake_settings.mailbox(self.db)
        if s is None:
            return
        report.intake += len(mailbox.read_mailbox(self.db, s))
        if self.watch_mailbox:
            self._start_idle(s)

    # -- IMAP IDLE: wakes the loop when mail arrives ------------------------------------------

    def _start_idle(self, s: intake_settings.MailboxSettings) -> None:
        if self._idle is not None and self._idle.is_alive():
            return

        def watch() -> None:
            while not self.stop.is_set():
                try:
                    with mailbox.Mailbox(s) as box:
                        if not box.supports_idle():
                            log.info("mailbox: the server offers no IDLE; reading every %.0f s",
                                     self.interval)
                            return
                        log.info("mailbox: waiting for new mail (IDLE)")
                        while not self.stop.is_set():
                            if box.idle(25 * 60, self.stop):
                                log.info("mailbox: new mail")
                                self.wake.set()
                except DeskError as exc:
                    log.warning("mailbox: %s", exc.en)
                    self.stop.wait(self.interval)
                except (OSError, imaplib.IMAP4.error) as exc:
                    log.warning("mailbox: the connection broke (%s); connecting again", exc)
                    self.stop.wait(min(self.interval, 5.0))

        self._idle = threading.Thread(target=watch, name="desk-imap-idle", daemon=True)
        self._idle.start()

    # -- the loop --------------------------------------------------------------------------

    def start_listener(self) -> None:
        if self.listen is not None and self.alerts is None:
            self.alerts = AlertServer(self.db, *self.listen).start()
            host, port = self.alerts.address[:2]
            self.listen = (str(host), int(port))
            log.info("alerts: listening on http://%s:%d/alerts/alertmanager and /alerts/generic",
                     host, port)

    def take_lead(self) -> bool:
        try:
            leading = self.leader.acquire()
        except DeskError as exc:
            log.warning("leader: %s", exc.en)
            leading = False
        if leading and not self.is_leader:
            log.info("leader: this service (%s) leads: it delivers and reads the mailbox",
                     self.name)
        elif not leading and self.is_leader:
            log.warning("leader: lost the lead; standing by")
        elif not leading and not self._told_standby:
            log.info("leader: another service leads; standing by")
            self._told_standby = True
        self.is_leader = leading
        return leading

    def run_once(self) -> RoundReport | None:
        self.start_listener()
        if not self.take_lead():
            return None
        try:
            return self.round()
        finally:
            self.leader.release()

    def run(self) -> None:
        """Rounds until ``stop`` is set (SIGTERM)."""
        self.start_listener()
        self.watch_mailbox = True
        log.info("service %s started (a round every %.1f s)", self.name, self.interval)
        try:
            while not self.stop.is_set():
                wait = self.interval
                if self.take_lead():
                    started = time.monotonic()
                    report = self.round()
                    if report.wait is not None:
                        wait = min(wait, max(0.05, report.wait))
                    wait = max(0.05, wait - (time.monotonic() - started)) \
                        if report.wait is None else wait
                self.wake.clear()
                self._sleep(wait)
        finally:
            self.shutdown()

    def _sleep(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        while not self.stop.is_set() and not self.wake.is_set():
            left = end - time.monotonic()
            if left <= 0:
                return
            self.wake.wait(min(left, 0.5))

    def request_stop(self) -> None:
        self.stop.set()
        self.wake.set()

    def shutdown(self) -> None:
        if self.alerts is not None:
            self.alerts.stop()
            self.alerts = None
        self.leader.release()
        log.info("service %s stopped", self.name)
