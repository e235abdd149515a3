"""Background operations: run a service call off the GUI thread, get the result back.

An ``Operation`` wraps a plain function; it runs in ``QThreadPool.globalInstance()``
and posts its result (plain data, never live ORM objects) or its exception back to
the GUI thread through a signal. Known errors (``DeskError``) reach the failure
callback; anything else is logged with its traceback and reported as a bug.
"""

from __future__ import annotations

import logging
import os
import threading
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

log = logging.getLogger(__name__)

_alive: set[Operation] = set()  # keep operations alive until their signal is delivered

# Background threads run at a lower priority than the GUI thread (nice +BACKGROUND_NICE,
# per thread): on a machine whose cores are busy (the database server on the same
# computer, another program) the scheduler gives the GUI thread a core first, so a
# page being fetched and built never keeps the window from painting and answering.
# Qt's own thread priorities do nothing on Linux for ordinary threads (and IdlePriority
# would starve the loads on a busy machine).
BACKGROUND_NICE = 5
_niced = threading.local()


def _lower_this_thread() -> None:
    if getattr(_niced, "done", False):
        return
    _niced.done = True
    if hasattr(os, "setpriority"):
        thread = threading.get_native_id()
        try:  # relative to what the window runs at (a person may have niced it)
            now = os.getpriority(os.PRIO_PROCESS, thread)
            os.setpriority(os.PRIO_PROCESS, thread, min(19, now + BACKGROUND_NICE))
        except OSError:  # not allowed here: the thread keeps its priority
            pass


class _Relay(QObject):
    done = Signal(object)
    failed = Signal(object)


class Operation(QRunnable):
    """One call of ``fn`` on the pool; ``on_done(result)`` / ``on_error(exc)`` in the GUI."""

    def __init__(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        super().__init__()
        self.setAutoDelete(False)
        self.fn = fn
        self.relay = _Relay()
        self.relay.done.connect(self._finish_ok)
        self.relay.failed.connect(self._finish_error)
        self.on_done = on_done
        self.on_error = on_error

    def run(self) -> None:
        _lower_this_thread()
        try:
            result = self.fn()
        except BaseException as exc:  # handed to the GUI thread, never swallowed
            if not _is_known(exc):
                log.error("background operation failed:\n%s", traceback.format_exc())
            self.relay.failed.emit(exc)
        else:
            self.relay.done.emit(result)

    def _finish_ok(self, result: Any) -> None:
        _alive.discard(self)
        if self.on_done is not None:
            self.on_done(result)

    def _finish_error(self, exc: BaseException) -> None:
        _alive.discard(self)
        if self.on_error is not None:
            self.on_error(exc)

    def start(self, pool: QThreadPool | None = None) -> Operation:
        _alive.add(self)
        (pool or QThreadPool.globalInstance()).start(self)
        return self


_side: QThreadPool | None = None


def side_pool() -> QThreadPool:
    """One thread for work nobody waits on (counts beside the views): however long it
    takes, the pool the window's own loads run on stays free."""
    global _side
    if _side is None:
        _side = QThreadPool()
        _side.setMaxThreadCount(1)
    return _side


def wait_all(msecs: int) -> bool:
    """Wait until no background operation runs (before closing the database)."""
    done = QThreadPool.globalInstance().waitForDone(msecs)
    return (_side is None or _side.waitForDone(msecs)) and done


def _is_known(exc: BaseException) -> bool:
    from desk.errors import DeskError

    return isinstance(exc, DeskError)


def run(fn: Callable[[], Any], on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        pool: QThreadPool | None = None) -> Operation:
    return Operation(fn, on_done, on_error).start(pool)


class Latest:
    """Background loads of which only the newest counts.

    A widget that reloads as the person types or clicks starts a load each time; the
    answers can come back in any order. ``Latest.run`` hands on only the answer to the
    most recent call, and none once ``owner`` (the widget) has been deleted.
    """

    def __init__(self, owner: QObject, on_idle: Callable[[], None] | None = None) -> None:
        self.owner = owner
        self.on_idle = on_idle  # called when the last load started has come back
        self.request = 0
        self.pending = 0  # loads started and not yet answered (stale ones included)

    @property
    def busy(self) -> bool:
        return self.pending > 0

    def cancel(self) -> None:
        """Drop the answers of every load started so far."""
        self.request += 1

    def run(self, fn: Callable[[], Any], on_done: Callable[[Any], None],
            on_error: Callable[[BaseException], None] | None = None,
            pool: QThreadPool | None = None) -> Operation:
        self.request += 1
        request = self.request
        self.pending += 1

        def deliver(callback: Callable[[Any], None] | None) -> Callable[[Any], None]:
            def call(value: Any) -> None:
                from shiboken6 import isValid

                self.pending -= 1
                if not isValid(self.owner):
                    return
                if callback is not None and request == self.request:
                    callback(value)
                if self.pending == 0 and self.on_idle is not None:
                    self.on_idle()
            return call

        return run(fn, deliver(on_done), deliver(on_error), pool)
