"""Live updates in the window: other desks' changes, presence, the connection state.

``LiveUpdates`` runs ``desk.notify.live.TicketListener`` (PostgreSQL) or
``desk.notify.live.DataVersionWatcher`` (SQLite) in a dedicated ``QThread``: a worker object
moved to that thread polls with a short timeout in a loop until its stop flag is set,
so ``stop()`` ends it within a fraction of a second (``thread.quit``/``wait``). The
same worker sends this desk's presence heartbeat (``desk.process.presence``) and reads who
else is on the ticket, so the GUI thread never waits on the database for either.
Everything it learns reaches the GUI thread as queued signals.

``LiveBinding`` hooks a ``MainWindow`` up to it: the queue reloads (keeping the
selection) and the open ticket reloads when another desk changes it — unless the
panel holds unsaved edits, then a bar says "此故障已被他人更新"; the status bar shows
"数据库连接中断，正在重连…" while the connection is down; a label above the ticket
says who else is looking at it or editing it. The new-fault form is never touched.

LiveUpdates signals:
    ticket_changed(int, int): ticket id and its new version, changed at any desk.
    resync(): something changed that cannot be itemised; reload every view.
    connection_lost(): the database cannot be reached; the worker keeps retrying.
    connection_restored(): reachable again (a ``resync`` follows).
    listening(): the first connection is up; changes from now on are announced.
    presence_changed(int, object): a ticket id and [(name, editing), ...] of the
        people at other desks on it.
"""

from __future__ import annotations

import ctypes
import logging
import socket
import threading
import time
import uuid
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QObject, QThread, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desk.db import Database
from desk.errors import DeskError
from desk.notify import live
from desk.process import presence
from desk.read import tickets
from ui import scheme

if TYPE_CHECKING:
    from ui.main_window import MainWindow

log = logging.getLogger(__name__)

POLL_TIMEOUT = 0.2  # seconds: how long stop() may have to wait for the worker
HEARTBEAT_MS = 10_000
RECONNECT_DELAY = 0.5


def emit(signal: Any, *args: Any) -> None:
    """``signal.emit(*args)`` without wearing down the interpreter's ``True``/``False``.

    PySide6 6.12.0 hands ``emit()``'s bool result back without a reference of its
    own; on Python 3.11, where bools are not immortal, each call then drops one
    reference to ``True`` and the process aborts ("Fatal Python error:
    bool_dealloc") after a few hundred emits. The worker emits for every notice and
    heartbeat for as long as the window is open, so the reference is given back.
    With a PySide that keeps its own reference this adds one more to a bool, which
    is never freed anyway: harmless either way.
    """
    result = signal.emit(*args)
    if isinstance(result, bool):
        ctypes.pythonapi.Py_IncRef(ctypes.py_object(result))


def new_desk_id() -> str:
    """A name for this running window in ``presence`` (host name + random part)."""
    return f"{socket.gethostname()[:40]}-{uuid.uuid4().hex[:12]}"


class _Worker(QObject):
    """The loop in the live thread; talks to the GUI only through signals."""

    changed = Signal(int, int)
    resync = Signal()
    lost = Signal()
    restored = Signal()
    listening = Signal()
    presence = Signal(int, object)
    finished = Signal()

    def __init__(self, db: Database, desk_id: str, poll_timeout: float) -> None:
        super().__init__()
        self.db = db
        self.desk_id = desk_id
        self.poll_timeout = poll_timeout
        self.url = db.engine.url.render_as_string(hide_password=False)
        self.stop_flag = threading.Event()
        self.beat_now = threading.Event()
        self._lock = threading.Lock()
        self._state: tuple[int | None, int | None, bool] = (None, None, False)
        self._present = False  # a presence row may exist for this desk

    def set_presence(self, person_id: int | None, ticket_id: int | None, editing: bool) -> None:
        """Called from the GUI thread; the worker sends it at its next turn."""
        with self._lock:
            self._state = (person_id, ticket_id, editing)
        self.beat_now.set()

    def _open(self) -> live.TicketListener | live.DataVersionWatcher:
        if self.db.backend == "postgresql":
            return live.TicketListener(self.url, reconnect_delay=RECONNECT_DELAY)
        return live.DataVersionWatcher(self.url)

    @Slot()
    def run(self) -> None:
        source: live.TicketListener | live.DataVersionWatcher | None = None
        lost = False
        first = True
        try:
            while not self.stop_flag.is_set():
                if source is None:
                    try:
                        source = self._open()
                    except Exception as exc:  # noqa: BLE001 - keep retrying, never die
                        log.info("live updates: cannot connect: %s", exc)
                        if not lost:
                            lost = True
                            emit(self.lost)
                        self.stop_flag.wait(RECONNECT_DELAY)
                        continue
                    if first:
                        first = False
                        emit(self.listening)
                    if lost:
                        lost = False
                        emit(self.restored)
                        emit(self.resync)
                    self.beat_now.set()
                lost, source = self._turn(source, lost)
        finally:
            self._leave()
            if source is not None:
                source.close()
            emit(self.finished)

    def _turn(
        self, source: live.TicketListener | live.DataVersionWatcher, lost: bool
    ) -> tuple[bool, live.TicketListener | live.DataVersionWatcher | None]:
        listener = source if isinstance(source, live.TicketListener) else None
        before = listener.backend_pid if listener else None
        try:
            notices = source.poll(self.poll_timeout)
        except Exception as exc:  # noqa: BLE001 - a broken source is reopened
            log.info("live updates: polling failed: %s", exc)
            source.close()
            if not lost:
                emit(self.lost)
            return True, None
        if listener is not None:
            after = listener.backend_pid
            if after is None:
                if not lost:
                    lost = True
                    emit(self.lost)
            elif after != before:  # reconnected (perhaps within one poll)
                if not lost:
                    emit(self.lost)
                lost = False
                emit(self.restored)
        for notice in notices:
            if isinstance(notice, live.TicketChange):
                emit(self.changed, notice.ticket_id, notice.version)
            else:
                emit(self.resync)
        if self.beat_now.is_set() or notices:
            self._beat(send=self.beat_now.is_set())
        return lost, source

    def _beat(self, send: bool) -> None:
        self.beat_now.clear()
        with self._lock:
            person_id, ticket_id, editing = self._state
        try:
            if send:
                if person_id is None:
                    self._leave()
                else:
                    presence.heartbeat(self.db, self.desk_id, person_id, ticket_id, editing)
                    self._present = True
            others = presence.others_on(self.db, ticket_id, self.desk_id) if ticket_id else []
        except DeskError as exc:
            log.info("presence heartbeat failed: %s", exc.en)
            return
        emit(self.presence, ticket_id or 0, others)

    def _leave(self) -> None:
        if not self._present:
            return
        try:
            presence.leave(self.db, self.desk_id)
            self._present = False
        except DeskError as exc:
            log.info("presence: could not leave: %s", exc.en)


class LiveUpdates(QObject):
    """Changes from other desks, as signals on the GUI thread (see the module docstring)."""

    ticket_changed = Signal(int, int)
    resync = Signal()
    connection_lost = Signal()
    connection_restored = Signal()
    listening = Signal()
    presence_changed = Signal(int, object)

    def __init__(self, db: Database, desk_id: str | None = None, *,
                 poll_timeout: float = POLL_TIMEOUT, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.desk_id = desk_id or new_desk_id()
        self._db = db
        self._poll_timeout = poll_timeout
        self._thread: QThread | None = None
        self._worker: _Worker | None = None

    def start(self) -> None:
        if self._thread is not None:
            return
        worker = _Worker(self._db, self.desk_id, self._poll_timeout)
        thread = QThread()
        thread.setObjectName("liveUpdates")
        worker.moveToThread(thread)
        worker.changed.connect(self.ticket_changed)
        worker.resync.connect(self.resync)
        worker.lost.connect(self.connection_lost)
        worker.restored.connect(self.connection_restored)
        worker.listening.connect(self.listening)
        worker.presence.connect(self.presence_changed)
        worker.finished.connect(thread.quit)
        thread.started.connect(worker.run)
        self._worker, self._thread = worker, thread
        thread.start()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.isRunning()

    def set_presence(self, person_id: int | None, ticket_id: int | None, editing: bool) -> None:
        """This desk's person, ticket and editing state; sent by the worker at once."""
        if self._worker is not None:
            self._worker.set_presence(person_id, ticket_id, editing)

    def stop(self, timeout_ms: int = 15_000) -> bool:
        """Stop the worker (it leaves the presence table) and wait for its thread."""
        worker, thread = self._worker, self._thread
        if worker is None or thread is None:
            return True
        worker.stop_flag.set()
        thread.quit()
        done = thread.wait(timeout_ms)
        if not done:
            log.error("live-update thread did not stop within %d ms", timeout_ms)
            return False
        self._worker = self._thread = None
        return True


class LiveBinding(QObject):
    """A ``MainWindow`` kept current by ``LiveUpdates`` (see the module docstring)."""

    def __init__(self, window: MainWindow, *, heartbeat_ms: int = HEARTBEAT_MS,
                 poll_timeout: float = POLL_TIMEOUT) -> None:
        super().__init__(window)
        self.window = window
        self.live = LiveUpdates(window.db, poll_timeout=poll_timeout, parent=self)
        self.last_reload = 0.0
        # notices about the shown ticket held while this desk's own write is on its way:
        # the highest version announced (0: a resync, the version is not known)
        self._held: int | None = None
        self._stale = False  # the shown ticket is older than the database's
        self._stale_version: int | None = None  # the version the bar speaks of

        self.presence_label = QLabel()
        self.presence_label.setObjectName("presenceLabel")
        self.presence_label.setStyleSheet(scheme.css("info"))
        self.stale_bar = QWidget()
        self.stale_bar.setObjectName("staleBar")
        # its own text colour too: the system's dark scheme would put light text on it
        self.stale_bar.setStyleSheet(scheme.banner_css())
        bar = QHBoxLayout(self.stale_bar)
        bar.setContentsMargins(6, 2, 6, 2)
        self.stale_label = QLabel(self.tr("此故障已被他人更新"))
        self.stale_label.setObjectName("staleMessage")
        self.stale_reload = QPushButton(self.tr("重新载入"))
        self.stale_reload.setObjectName("staleReload")
        self.stale_reload.clicked.connect(self.reload_panel)
        bar.addWidget(self.stale_label, 1)
        bar.addWidget(self.stale_reload)
        self.stale_bar.setVisible(False)
        self._wrap_right_side()

        self.connection_label = QLabel()
        self.connection_label.setObjectName("connectionStatus")
        self.connection_label.setStyleSheet(scheme.css("bad"))
        window.statusBar().addPermanentWidget(self.connection_label)

        self.live.ticket_changed.connect(self.on_ticket_changed)
        self.live.resync.connect(self.on_resync)
        self.live.connection_lost.connect(self.on_connection_lost)
        self.live.connection_restored.connect(self.on_connection_restored)
        self.live.presence_changed.connect(self.on_presence)
        window.table.selectionModel().currentRowChanged.connect(self._row_switched)
        window.stack.currentChanged.connect(lambda _i: self._stack_switched())
        window.panel.write_settled.connect(self._own_write_settled)
        window.person_box.currentIndexChanged.connect(lambda _i: self.beat())

        self.heartbeat = QTimer(self)
        self.heartbeat.setObjectName("presenceHeartbeat")
        self.heartbeat.setInterval(heartbeat_ms)
        self.heartbeat.timeout.connect(self.beat)
        app = QCoreApplication.instance()
        if app is not None:  # quitting without closing the window still stops the thread
            app.aboutToQuit.connect(self.stop)

    def _wrap_right_side(self) -> None:
        """Put the presence label and the stale bar above the ticket panel."""
        w = self.window
        index = w.splitter.indexOf(w.stack)
        right = QWidget()
        right.setObjectName("rightSide")
        column = QVBoxLayout(right)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        sizes = w.splitter.sizes()
        column.addWidget(self.presence_label)
        column.addWidget(self.stale_bar)
        w.splitter.insertWidget(index, right)
        column.addWidget(w.stack, 1)  # taken out of the splitter, into the column
        w.splitter.setSizes(sizes)

    def start(self) -> None:
        self.live.start()
        self.heartbeat.start()
        self.beat()

    def stop(self) -> None:
        self.heartbeat.stop()
        self.live.stop()

    # -- presence ---------------------------------------------------------------------

    def _row_switched(self, *_args: object) -> None:
        if not getattr(self.window, "_reselecting", False):
            self._set_stale(False)  # another ticket: its panel is fresh
            self._held = None
        self.beat()

    def _stack_switched(self) -> None:
        self._show_bar()  # the bar belongs to the ticket panel, not the new-fault form
        self.beat()

    def _set_stale(self, stale: bool) -> None:
        self._stale = stale
        self._show_bar()

    def _show_bar(self) -> None:
        w = self.window
        self.stale_bar.setVisible(self._stale and w.stack.currentWidget() is w.panel
                                  and w.panel.detail is not None)

    def shown_ticket(self) -> int | None:
        w = self.window
        if w.stack.currentWidget() is not w.panel or w.panel.detail is None:
            return None
        return int(w.panel.detail.id)

    def panel_has_unsaved_changes(self) -> bool:
        panel: Any = self.window.panel
        check = getattr(panel, "has_unsaved_changes", None)
        if callable(check) and check():
            return True
        # an action dialog open on the ticket holds typed input too
        return any(d.isVisible() for d in panel.findChildren(QDialog))

    def beat(self) -> None:
        person = self.window.person
        ticket = self.shown_ticket()
        self.live.set_presence(person.id if person else None, ticket,
                               self.panel_has_unsaved_changes() if ticket else False)
        if ticket is None:
            self.presence_label.clear()

    def on_presence(self, ticket_id: int, others: list[tuple[str, bool]]) -> None:
        if ticket_id != (self.shown_ticket() or 0):
            return
        parts = [(self.tr("%1 正在编辑") if editing else self.tr("%1 正在查看")).replace("%1", name)
                 for name, editing in others]
        self.presence_label.setText("；".join(parts))

    # -- changes from other desks -------------------------------------------------------

    def reload_queue(self) -> None:
        """Reload the queue, keeping the selected row and the record form.

        SQLite's watcher reports every commit (this desk's heartbeat too), so most
        reloads change nothing visible; the model then leaves its rows, the pages
        fetched so far and the scroll position alone.
        """
        self.window.apply_query()
        self.last_reload = time.monotonic()

    def _shown_version(self) -> int | None:
        detail = self.window.panel.detail
        return None if detail is None else int(detail.values.get("version") or 0)

    def on_ticket_changed(self, ticket_id: int, version: int) -> None:
        self.reload_queue()
        detail = self.window.panel.detail
        if detail is None or detail.id != ticket_id:
            return
        if self.window.panel.own_write_pending():
            # perhaps this desk's own commit, announced before its answer came back:
            # judged once the panel shows the outcome
            self._held = max(self._held or 0, version) if self._held != 0 else 0
            return
        self._judge(version)

    def _judge(self, version: int) -> None:
        shown = self._shown_version()
        if shown is not None and shown >= version:
            if self._stale and not self.window.panel.has_unsaved_changes():
                self._set_stale(False)
            return  # this desk's own change (or one already on screen)
        self._panel_outdated(version)

    def _own_write_settled(self) -> None:
        """The panel shows the outcome of its own write: judge what was held meanwhile."""
        held, self._held = self._held, None
        shown = self._shown_version()
        if self._stale and shown is not None and self._stale_version is not None \
                and shown >= self._stale_version:
            self._set_stale(False)  # the panel now shows at least what the bar spoke of
        if held is None:
            return
        if held == 0:
            self.on_resync()
        else:
            self._judge(held)

    def on_resync(self) -> None:
        self.reload_queue()
        detail = self.window.panel.detail
        if detail is None:
            return
        if self.window.panel.own_write_pending():
            self._held = 0
            return
        try:
            current = tickets.get_ticket(self.window.db, detail.id)
        except DeskError as exc:
            log.info("live reload of the ticket failed: %s", exc.en)
            return
        if int(current.values.get("version") or 0) > int(detail.values.get("version") or 0):
            self._panel_outdated(int(current.values.get("version") or 0))

    def _panel_outdated(self, version: int) -> None:
        if self.panel_has_unsaved_changes():
            self._stale_version = max(self._stale_version or 0, version)
            self._set_stale(True)
            return
        self.reload_panel()

    def reload_panel(self) -> None:
        """Show the ticket's saved state (the bar's 重新载入 button, or no edits)."""
        w = self.window
        self._set_stale(False)
        self._stale_version = None
        if w.panel.detail is None:
            return
        try:
            w.panel.show_ticket(w.panel.detail.id)
        except DeskError as exc:
            log.info("live reload of the ticket failed: %s", exc.en)

    # -- the connection -----------------------------------------------------------------

    def on_connection_lost(self) -> None:
        self.connection_label.setText(self.tr("数据库连接中断，正在重连…"))

    def on_connection_restored(self) -> None:
        self.connection_label.clear()
